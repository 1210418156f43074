#!/usr/bin/env bash
# A real single-node Kubernetes cluster, all offline: its own etcd and kube-apiserver (with its
# own CA, the ServiceAccount admission plugin on, and the node's address in the `kubernetes`
# Service, so that Pods can use in-cluster config), containerd + runc with a CNI bridge, kubelet,
# kube-scheduler, kube-controller-manager and kube-proxy (all built by
# hack/provision-kube-api-test.sh from one source), and four docker-registry instances on loopback:
#   registry.local            open
#   private.registry.local    basic auth (user and password in rig.env)
#   airgap.registry.local     open, for tests that take a registry down
#   tls.registry.local        HTTPS with a self-signed certificate the node does not trust
# and one name with no server behind it: ratelimit.registry.local, on the port
# REGISTRY_RATELIMIT_PORT, where a test runs a front that answers 429.
# containerd maps these made-up names to 127.0.0.1:<port> (hosts.toml), so no DNS is needed.
#
#   hack/real-node.sh up DIR          start everything; writes DIR/rig.env and the admin kubeconfig
#                                     DIR/kubeconfig; needs root
#   hack/real-node.sh down DIR        stop everything and undo every change to the host
#   hack/real-node.sh registry DIR stop|start NAME   take one registry down or up (NAME: open|private|airgap)
#   hack/real-node.sh tool-image DIR NAME REPO:TAG  the pull-ahead tool image (claw-pull-done), pushed to NAME
#   hack/real-node.sh foreign-image DIR NAME REPO:TAG ARCH  an index with only a linux/ARCH image, pushed to NAME
#   hack/real-node.sh image DIR NAME REPO:TAG MARKER build a busybox app image whose /claw-version
#                                     holds MARKER and push it to registry NAME (it runs as UID
#                                     1000; IMAGE_USER=0 makes one that runs as root)
#
# `up` needs KUBE_BIN_DIR (etcd, kube-apiserver, kubelet, ...). One rig per machine: `up` first
# takes down a rig that an earlier run left behind.
# kube-api-test's API server cannot serve Pods that talk to it: it turns the ServiceAccount
# admission plugin off (no token in Pods) and its certificate names neither the node's address
# nor the `kubernetes` Service's. Hence a control plane of the rig's own.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib/oci.sh
source "$HERE/lib/oci.sh"
CURRENT_RIG=/run/claw-real-node.dir
BRIDGE=claw0
POD_CIDR=10.244.0.0/24
SERVICE_CIDR=10.0.0.0/24
KUBERNETES_SERVICE_IP=10.0.0.1
NODE_NAME="${NODE_NAME:-claw-node}"
REGISTRY_USER=claw
# sysctls that kubelet, kube-proxy and the CNI bridge change; put back on `down`
SYSCTLS=(kernel.panic kernel.panic_on_oops vm.overcommit_memory vm.panic_on_oom net.ipv4.ip_forward
  net.ipv4.conf.all.route_localnet net.bridge.bridge-nf-call-iptables net.bridge.bridge-nf-call-ip6tables)
# folders kubelet 1.20 hard-codes outside its --root-dir
HOST_DIRS=(/var/log/pods /var/log/containers /var/lib/kubelet/device-plugins /var/lib/kubelet)

log() { echo "[real-node] $*" >&2; }
die() { echo "[real-node] ERROR: $*" >&2; exit 1; }

require() {
  [[ $(id -u) -eq 0 ]] || die "must run as root (containerd, kubelet, iptables and mounts need it)"
  local cmd missing=()
  for cmd in containerd containerd-shim-runc-v2 runc ctr docker-registry skopeo umoci htpasswd gcc \
      iptables-save iptables-restore conntrack ip curl openssl; do
    command -v "$cmd" >/dev/null || missing+=("$cmd")
  done
  [[ -x /usr/lib/cni/bridge && -x /usr/lib/cni/host-local ]] || missing+=("/usr/lib/cni/bridge")
  [[ -x /bin/busybox ]] || missing+=("/bin/busybox (busybox-static)")
  ((${#missing[@]} == 0)) || die "missing ${missing[*]}; hack/provision-kube-api-test.sh installs them"
  for cmd in etcd kube-apiserver kubelet kube-scheduler kube-controller-manager kube-proxy; do
    [[ -x "$KUBE_BIN_DIR/$cmd" ]] || die "no $KUBE_BIN_DIR/$cmd; run hack/provision-kube-api-test.sh"
  done
}

# A CA, the API server's serving certificate (valid for every name a client may use: loopback, the
# node's address, the `kubernetes` Service's address and DNS names), an admin client certificate,
# and the ServiceAccount token signing key. Short-lived: they belong to one rig.
make_pki() {
  local pki="$D/pki"
  mkdir -p "$pki"
  (
    cd "$pki"
    openssl req -x509 -newkey rsa:2048 -nodes -days 7 -subj /CN=claw-real-node-ca -keyout ca.key -out ca.crt
    issue() { # name, subject, extensions
      openssl req -newkey rsa:2048 -nodes -subj "$2" -keyout "$1.key" -out "$1.csr"
      printf '%s\n' "$3" >"$1.ext"
      openssl x509 -req -days 7 -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -extfile "$1.ext" -out "$1.crt"
    }
    issue apiserver /CN=kube-apiserver "subjectAltName=IP:127.0.0.1,IP:$NODE_IP,IP:$KUBERNETES_SERVICE_IP,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local
extendedKeyUsage=serverAuth"
    issue admin "/O=system:masters/CN=claw-admin" "extendedKeyUsage=clientAuth"
    openssl genrsa -out sa.key 2048
    openssl rsa -in sa.key -pubout -out sa.pub
  ) >"$D/logs/pki.log" 2>&1 || die "making certificates failed; see $D/logs/pki.log"
  cat >"$D/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
  - name: claw-real-node
    cluster:
      server: https://$NODE_IP:$APISERVER_PORT
      certificate-authority-data: $(base64 -w0 "$pki/ca.crt")
users:
  - name: claw-admin
    user:
      client-certificate-data: $(base64 -w0 "$pki/admin.crt")
      client-key-data: $(base64 -w0 "$pki/admin.key")
contexts:
  - name: claw-real-node
    context: {cluster: claw-real-node, user: claw-admin}
current-context: claw-real-node
EOF
}

start_control_plane() {
  local pki="$D/pki"
  start etcd "$KUBE_BIN_DIR/etcd" --data-dir "$D/etcd" --name claw-real-node \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$(free_port)" --log-level warn
  wait_for etcd 30 curl -sf "http://127.0.0.1:$ETCD_PORT/health"
  # Every admission plugin that 1.20 enables by default stays on, ServiceAccount included.
  # Bound to the node's address, which is also the `kubernetes` Service's endpoint for Pods.
  start kube-apiserver "$KUBE_BIN_DIR/kube-apiserver" --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
    --bind-address "$NODE_IP" --advertise-address "$NODE_IP" --secure-port "$APISERVER_PORT" \
    --cert-dir "$pki" --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
    --client-ca-file "$pki/ca.crt" --authorization-mode RBAC --allow-privileged=true \
    --service-cluster-ip-range "$SERVICE_CIDR" \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
    --kubelet-client-certificate "$pki/admin.crt" --kubelet-client-key "$pki/admin.key" \
    --kubelet-preferred-address-types InternalIP,Hostname
  wait_for kube-apiserver 60 kubectl --kubeconfig "$KUBECONFIG_FILE" get --raw /readyz
}

# A port nothing listens on or uses, below the kernel's ephemeral range (where any outgoing
# connection may take a port between the check and the bind: etcd once failed with "address
# already in use" that way), and not handed out before in this rig.
free_port() {
  local port low
  low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
  ((low > 21000)) || low=32768
  while :; do
    port=$((20000 + RANDOM % (low - 20000)))
    grep -qx "$port" "$D/ports.used" 2>/dev/null && continue
    ss -Htan "sport = :$port" | grep -q . && continue
    echo "$port" >>"$D/ports.used"
    echo "$port"
    return
  done
}

node_ip() { ip -4 route get 1.1.1.1 2>/dev/null | sed -n 's/.* src \([0-9.]*\).*/\1/p' | head -n1; }

start() { # name, command...: runs in the background, logs to DIR/logs/NAME.log, pid in DIR/pids/NAME
  local name="$1"; shift
  setsid "$@" >"$D/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$D/pids/$name"
}

wait_for() { # description, seconds, command...
  local what="$1" seconds="$2"; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || die "$what not ready after ${seconds}s; see $D/logs"
    sleep 0.2
  done
}

registry_port() { # name -> port
  case "$1" in
    open) echo "$REGISTRY_OPEN_PORT" ;; private) echo "$REGISTRY_PRIVATE_PORT" ;; airgap) echo "$REGISTRY_AIRGAP_PORT" ;;
    tls) echo "$REGISTRY_TLS_PORT" ;; ratelimit) echo "$REGISTRY_RATELIMIT_PORT" ;;
    *) die "unknown registry $1 (open, private, airgap, tls, ratelimit)" ;;
  esac
}

registry_host() {
  case "$1" in open) echo registry.local ;; private) echo private.registry.local ;; airgap) echo airgap.registry.local ;;
    tls) echo tls.registry.local ;; ratelimit) echo ratelimit.registry.local ;; esac
}

start_registry() {
  local name="$1" port
  port=$(registry_port "$name")
  local auth="" tls="" scheme=http
  [[ $name == private ]] && auth="auth: {htpasswd: {realm: claw-private, path: $D/registry/htpasswd}}"
  if [[ $name == tls ]]; then
    # a certificate that nothing on the host trusts: containerd says "x509: certificate signed by unknown authority"
    [[ -f $D/registry/tls.crt ]] || openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=tls.registry.local" \
      -addext "subjectAltName=IP:127.0.0.1,DNS:tls.registry.local" \
      -keyout "$D/registry/tls.key" -out "$D/registry/tls.crt" 2>/dev/null
    tls=", tls: {certificate: $D/registry/tls.crt, key: $D/registry/tls.key}"
    scheme=https
  fi
  mkdir -p "$D/registry/$name"
  cat >"$D/registry/$name.yml" <<EOF
version: 0.1
log: {level: warn, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $D/registry/$name}, delete: {enabled: true}}
http: {addr: 127.0.0.1:$port$tls}
$auth
EOF
  start "registry-$name" docker-registry serve "$D/registry/$name.yml"
  wait_for "registry $name" 30 curl -sk -o /dev/null "$scheme://127.0.0.1:$port/v2/"
}

stop_pids() { # [-KILL] names...: TERM (or KILL) to all at once, then KILL what is left after 10 s
  local signal=-TERM
  [[ $1 == -KILL ]] && { signal=-KILL; shift; }
  local name pid pids=()
  for name in "$@"; do
    [[ -f $D/pids/$name ]] || continue
    pid=$(cat "$D/pids/$name")
    rm -f "$D/pids/$name"
    kill "$signal" "$pid" 2>/dev/null && pids+=("$pid")
  done
  local deadline=$((SECONDS + 10))
  for pid in "${pids[@]}"; do
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
}

write_containerd_config() {
  mkdir -p "$D/containerd" "$D/cni" "$D/certs.d"
  cat >"$D/containerd/config.toml" <<EOF
version = 2
root = "$D/containerd/root"
state = "$D/containerd/state"
[grpc]
  address = "$D/containerd.sock"
[ttrpc]
  address = "$D/containerd.sock.ttrpc"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "claw.local/pause:1"
  # this kernel refuses negative oom_score_adj values; without this every sandbox fails to start
  restrict_oom_score_adj = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$D/cni"
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "$D/certs.d"
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
    runtime_type = "io.containerd.runc.v2"
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
    Root = "$D/runc"
    SystemdCgroup = false
EOF
  cat >"$D/cni/10-claw.conflist" <<EOF
{"cniVersion": "0.4.0", "name": "claw", "plugins": [
  {"type": "bridge", "bridge": "$BRIDGE", "isGateway": true, "ipMasq": false, "hairpinMode": true,
   "ipam": {"type": "host-local", "dataDir": "$D/cni-ipam", "ranges": [[{"subnet": "$POD_CIDR"}]],
            "routes": [{"dst": "0.0.0.0/0"}]}},
  {"type": "portmap", "capabilities": {"portMappings": true}}]}
EOF
  local name
  for name in open private airgap tls ratelimit; do
    local host port scheme=http
    host=$(registry_host "$name")
    port=$(registry_port "$name")
    [[ $name == tls ]] && scheme=https # and no ca: the node does not trust its certificate
    mkdir -p "$D/certs.d/$host"
    cat >"$D/certs.d/$host/hosts.toml" <<EOF
server = "$scheme://127.0.0.1:$port"
[host."$scheme://127.0.0.1:$port"]
  capabilities = ["pull", "resolve"]
EOF
  done
}

pause_rootfs() { install -m 0755 "$D/pause" "$1/pause"; }

app_rootfs() {
  mkdir -p "$1/bin" "$1/tmp"
  chmod 1777 "$1/tmp"
  cp /bin/busybox "$1/bin/busybox"
  local applet
  for applet in sh sleep cat ls env; do ln -sf busybox "$1/bin/$applet"; done
  printf '%s\n' "$IMAGE_MARKER" >"$1/claw-version"
  # PID 1 gets no default signal handlers: trap TERM so a Pod deletion ends it at once
  cat >"$1/bin/claw-app" <<'EOF'
#!/bin/sh
trap 'echo "stopping"; exit 0' TERM INT
echo "claw test app $(cat /claw-version) started"
# for the eviction test: outgrow an ephemeral-storage limit in the container's writable layer
if [ -n "$CLAW_TEST_FILL_KB" ]; then /bin/busybox dd if=/dev/zero of=/tmp/fill bs=1024 count="$CLAW_TEST_FILL_KB" 2>/dev/null; fi
while :; do sleep 1; done
EOF
  chmod 0755 "$1/bin/claw-app"
}

cmd_image() {
  local registry="$1" ref="$2"
  IMAGE_MARKER="$3"
  SKOPEO_DEST_OPTIONS=""
  [[ $registry == private ]] && SKOPEO_DEST_OPTIONS="--dest-creds $REGISTRY_USER:$REGISTRY_PASSWORD"
  oci_image "$D" app_rootfs "docker://127.0.0.1:$(registry_port "$registry")/$ref" \
    --config.user "${IMAGE_USER:-1000}" --config.entrypoint /bin/claw-app --config.workingdir /
  echo "$OCI_IMAGE_DIGEST"
}

# The operator's puller program (src/main/c/claw-pull-done.c), as hack/jre-base-image.sh puts it in
# the operator's image, in an image of its own: the tests run the operator as a process, not from
# its image, and name this one as its pull-ahead tool image.
tool_rootfs() { install -D -m 0755 "$D/claw-pull-done" "$1/usr/local/bin/claw-pull-done"; }

cmd_tool_image() {
  local registry="$1" ref="$2"
  gcc -static -Os -s -o "$D/claw-pull-done" "$HERE/../src/main/c/claw-pull-done.c"
  SKOPEO_DEST_OPTIONS=""
  oci_image "$D" tool_rootfs "docker://127.0.0.1:$(registry_port "$registry")/$ref" --config.user 65534
  echo "$OCI_IMAGE_DIGEST"
}

# An image index (manifest list) whose only image is for linux/ARCH: what a tag moved to another
# platform's build looks like to a node of this one (containerd: "no match for platform in manifest").
cmd_foreign_image() {
  local registry="$1" ref="$2" arch="$3" port repo tag manifest size
  port=$(registry_port "$registry")
  repo=${ref%%:*} tag=${ref##*:}
  IMAGE_MARKER="$arch"
  SKOPEO_DEST_OPTIONS=""
  OCI_ARCH="$arch" oci_image "$D" app_rootfs "docker://127.0.0.1:$port/$repo:$tag-$arch-only" \
    --config.user 1000 --config.entrypoint /bin/claw-app --config.workingdir /
  manifest=$(curl -sf -H "Accept: application/vnd.oci.image.manifest.v1+json" \
    "http://127.0.0.1:$port/v2/$repo/manifests/$OCI_IMAGE_DIGEST")
  size=$(printf '%s' "$manifest" | wc -c)
  curl -sf -X PUT -H "Content-Type: application/vnd.oci.image.index.v1+json" \
    --data-binary "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"$OCI_IMAGE_DIGEST\",\"size\":$size,\"platform\":{\"architecture\":\"$arch\",\"os\":\"linux\"}}]}" \
    -D "$D/index.headers" -o /dev/null "http://127.0.0.1:$port/v2/$repo/manifests/$tag" \
    || die "pushing the $arch-only index to $registry/$ref failed"
  sed -n 's/^[Dd]ocker-[Cc]ontent-[Dd]igest: *\([^[:space:]]*\).*/\1/p' "$D/index.headers"
}

record_host_state() {
  : >"$D/host/sysctl"
  local key
  for key in "${SYSCTLS[@]}"; do
    sysctl -n "$key" >/dev/null 2>&1 && echo "$key=$(sysctl -n "$key")" >>"$D/host/sysctl"
  done
  : >"$D/host/created-dirs"
  local dir
  for dir in "${HOST_DIRS[@]}"; do
    [[ -e $dir ]] || echo "$dir" >>"$D/host/created-dirs"
  done
  ip netns list 2>/dev/null | awk '{print $1}' >"$D/host/netns" || true
}

cmd_up() {
  require
  if [[ -f $CURRENT_RIG ]]; then
    log "taking down the rig an earlier run left in $(cat "$CURRENT_RIG")"
    "$0" down "$(cat "$CURRENT_RIG")" || true
  fi
  rm -rf "$D"
  mkdir -p "$D/logs" "$D/pids" "$D/host" "$D/registry"
  echo "$D" >"$CURRENT_RIG"
  record_host_state

  local ip
  ip=$(node_ip)
  [[ -n $ip ]] || die "no default route: cannot pick the node's InternalIP"
  REGISTRY_OPEN_PORT=$(free_port); REGISTRY_PRIVATE_PORT=$(free_port); REGISTRY_AIRGAP_PORT=$(free_port)
  REGISTRY_TLS_PORT=$(free_port); REGISTRY_RATELIMIT_PORT=$(free_port)
  REGISTRY_PASSWORD="pw-$RANDOM$RANDOM"
  cat >"$D/rig.env" <<EOF
NODE_NAME=$NODE_NAME
NODE_IP=$ip
KUBECONFIG_FILE=$D/kubeconfig
KUBE_BIN_DIR=$KUBE_BIN_DIR
ETCD_PORT=$(free_port)
APISERVER_PORT=$(free_port)
REGISTRY_OPEN_PORT=$REGISTRY_OPEN_PORT
REGISTRY_PRIVATE_PORT=$REGISTRY_PRIVATE_PORT
REGISTRY_AIRGAP_PORT=$REGISTRY_AIRGAP_PORT
REGISTRY_TLS_PORT=$REGISTRY_TLS_PORT
REGISTRY_RATELIMIT_PORT=$REGISTRY_RATELIMIT_PORT
REGISTRY_USER=$REGISTRY_USER
REGISTRY_PASSWORD=$REGISTRY_PASSWORD
KUBELET_PORT=$(free_port)
EOF
  # shellcheck disable=SC1091
  source "$D/rig.env"
  make_pki
  start_control_plane

  htpasswd -Bbc "$D/registry/htpasswd" "$REGISTRY_USER" "$REGISTRY_PASSWORD" 2>/dev/null
  local name
  for name in open private airgap tls; do start_registry "$name"; done

  write_containerd_config
  start containerd containerd --config "$D/containerd/config.toml"
  wait_for containerd 30 ctr --address "$D/containerd.sock" version

  gcc -static -O2 -o "$D/pause" "$HERE/real-node/pause.c"
  SKOPEO_DEST_OPTIONS=""
  oci_image "$D" pause_rootfs "docker-archive:$D/pause.tar:claw.local/pause:1" \
    --config.user 65535 --config.entrypoint /pause --config.workingdir /
  ctr --address "$D/containerd.sock" -n k8s.io images import "$D/pause.tar" >/dev/null

  mkdir -p "$D/kubelet" /var/log/pods /var/log/containers
  cat >"$D/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $ip
port: $KUBELET_PORT
readOnlyPort: 0
healthzPort: 0
cgroupDriver: cgroupfs
failSwapOn: false
oomScoreAdj: 0
nodeStatusUpdateFrequency: 2s
serializeImagePulls: false
resolvConf: ""
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: false}
  x509: {clientCAFile: $D/pki/ca.crt}
authorization: {mode: AlwaysAllow}
evictionHard: {memory.available: 100Mi, nodefs.available: 1%, imagefs.available: 1%, nodefs.inodesFree: 1%}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
EOF
  start kubelet "$KUBE_BIN_DIR/kubelet" --config "$D/kubelet.yaml" --kubeconfig "$KUBECONFIG_FILE" \
    --container-runtime=remote --container-runtime-endpoint="unix://$D/containerd.sock" \
    --hostname-override="$NODE_NAME" --node-ip="$ip" --root-dir="$D/kubelet" --cert-dir="$D/kubelet/pki" --v=2
  start kube-scheduler "$KUBE_BIN_DIR/kube-scheduler" --kubeconfig "$KUBECONFIG_FILE" \
    --authentication-kubeconfig "$KUBECONFIG_FILE" --authorization-kubeconfig "$KUBECONFIG_FILE" \
    --leader-elect=false --port=0 --bind-address=127.0.0.1 --secure-port="$(free_port)"
  start kube-controller-manager "$KUBE_BIN_DIR/kube-controller-manager" --kubeconfig "$KUBECONFIG_FILE" \
    --authentication-kubeconfig "$KUBECONFIG_FILE" --authorization-kubeconfig "$KUBECONFIG_FILE" \
    --leader-elect=false --port=0 --bind-address=127.0.0.1 --secure-port="$(free_port)" \
    --service-account-private-key-file="$D/pki/sa.key" --root-ca-file="$D/pki/ca.crt" \
    --use-service-account-credentials=false
  cat >"$D/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: $KUBECONFIG_FILE}
mode: iptables
clusterCIDR: $POD_CIDR
hostnameOverride: $NODE_NAME
bindAddress: 127.0.0.1
healthzBindAddress: 127.0.0.1:$(free_port)
metricsBindAddress: 127.0.0.1:$(free_port)
oomScoreAdj: 0
conntrack: {maxPerCore: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
EOF
  start kube-proxy "$KUBE_BIN_DIR/kube-proxy" --config "$D/kube-proxy.yaml"

  local kubectl=(kubectl --kubeconfig "$KUBECONFIG_FILE")
  wait_for "node $NODE_NAME registered" 90 "${kubectl[@]}" get node "$NODE_NAME"
  "${kubectl[@]}" wait --for=condition=Ready "node/$NODE_NAME" --timeout=90s >/dev/null \
    || die "node $NODE_NAME not Ready; see $D/logs/kubelet.log"
  log "node $NODE_NAME ($ip) is Ready; API server https://$ip:$APISERVER_PORT; registries on 127.0.0.1:$REGISTRY_OPEN_PORT (open)," \
    "$REGISTRY_PRIVATE_PORT (private), $REGISTRY_AIRGAP_PORT (airgap), $REGISTRY_TLS_PORT (tls); state in $D"
}

cmd_down() {
  [[ -d $D ]] || { rm -f "$CURRENT_RIG"; return 0; }
  local name
  # kubelet first, so that nothing restarts the containers stopped next; the Kubernetes
  # components keep nothing here that a graceful stop would save
  stop_pids -KILL kubelet
  stop_pids -KILL kube-proxy kube-scheduler kube-controller-manager
  # every container process of every Pod, in one pass over the Pods' cgroups
  local procs
  for procs in $(find /sys/fs/cgroup/memory /sys/fs/cgroup/pids -path '*kubepods*' -name cgroup.procs 2>/dev/null); do
    xargs -r kill -KILL <"$procs" 2>/dev/null || true
  done
  pkill -KILL -f "containerd-shim-runc-v2 .*-address $D/containerd.sock" 2>/dev/null || true
  stop_pids containerd registry-open registry-private registry-airgap registry-tls
  stop_pids kube-apiserver
  stop_pids etcd

  # mounts under the rig's folder (rootfs overlays, shm, secret volumes), deepest first
  local mount
  for mount in $(awk -v d="$D/" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo | sort -r); do
    umount -l "$mount" 2>/dev/null || true
  done
  if [[ -f $D/host/netns ]]; then
    for name in $(ip netns list 2>/dev/null | awk '{print $1}'); do
      grep -qx "$name" "$D/host/netns" || ip netns delete "$name" 2>/dev/null || true
    done
  fi
  ip link delete "$BRIDGE" 2>/dev/null || true
  local save
  for save in iptables ip6tables; do
    command -v "$save-save" >/dev/null || continue
    "$save-save" | grep -v -E 'KUBE-|CNI-' | "$save-restore" 2>/dev/null || true
  done
  # a killed process leaves its cgroup a moment later: retry for a few seconds
  local cg try
  for try in $(seq 25); do
    for cg in $(find /sys/fs/cgroup -depth -type d -path '*/kubepods*' 2>/dev/null); do
      rmdir "$cg" 2>/dev/null || true
    done
    find /sys/fs/cgroup -type d -path '*/kubepods*' 2>/dev/null | grep -q . || break
    sleep 0.2
  done
  if [[ -f $D/host/sysctl ]]; then
    while IFS= read -r line; do sysctl -q -w "$line" >/dev/null 2>&1 || true; done <"$D/host/sysctl"
  fi
  if [[ -f $D/host/created-dirs ]]; then
    while IFS= read -r dir; do rm -rf "$dir"; done <"$D/host/created-dirs"
  fi
  # keep logs and rig.env for the test report; the rest is large
  rm -rf "$D/etcd" "$D/containerd" "$D/kubelet" "$D/registry" "$D/runc" "$D/cni-ipam" "$D"/image.* "$D/pause.tar"
  rm -f "$CURRENT_RIG"
  log "rig in $D is down"
}

cmd_registry() {
  local action="$1" name="$2"
  registry_port "$name" >/dev/null
  case "$action" in
    stop) stop_pids "registry-$name" ;;
    start) start_registry "$name" ;;
    *) die "registry DIR stop|start NAME" ;;
  esac
}

main() {
  local command="${1:-}"
  [[ $# -ge 2 ]] || die "usage: $0 up|down|registry|image DIR ..."
  D="$(realpath -m "$2")"
  shift 2
  case "$command" in
    up) cmd_up ;;
    down) cmd_down ;;
    registry|image|tool-image|foreign-image)
      # shellcheck disable=SC1091
      source "$D/rig.env" || die "no rig in $D"
      "cmd_${command//-/_}" "$@" ;;
    *) die "unknown command $command" ;;
  esac
}

main "$@"
