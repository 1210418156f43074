#!/usr/bin/env bash
# Puts kube-apiserver, etcd and kubectl where io.fabric8:kube-api-test looks for them
# (${KUBE_API_TEST_DIR:-~/.kubeapitest}/k8s/<version>-linux-amd64/), so the tests run
# against a real API server on machines without internet access, and next to them the node
# binaries of the same version (kubelet, kube-scheduler, kube-controller-manager, kube-proxy)
# that hack/real-node.sh runs, plus the Debian packages the real node needs.
#
# Order: 1) binaries already there (cached, with the current recipe stamp) -> done;
#        2) offline: build all five from Debian's `kubernetes` source package in one go,
#           take etcd from Debian's etcd-server and kubectl from the machine.
# The envtest download is no help here: it has no node binaries, and a kubelet must not be
# newer than its API server. Idempotent and safe to run on every build; step 2 takes about
# 12 minutes once on 2 cores.
set -euo pipefail

DEBIAN_K8S_VERSION="1.20.2"
# Bump when the offline build changes, so that cached binaries from an older recipe are rebuilt.
BUILD_RECIPE="4-node-binaries"
KUBE_COMMANDS=(kube-apiserver kubelet kube-scheduler kube-controller-manager kube-proxy)
# what hack/real-node.sh runs besides the binaries built here
NODE_PACKAGES=(containerd runc containernetworking-plugins docker-registry skopeo umoci busybox-static
  apache2-utils iptables conntrack iproute2 gcc libc6-dev openssl)
# what the tests run beside the node: promtool and a real Prometheus for the chart's alerts, and
# a Lua interpreter for the Argo CD health check the chart's docs ship
TOOL_PACKAGES=(prometheus lua5.4)
BASE_DIR="${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}/k8s"
WORK_DIR="${KUBE_BUILD_DIR:-$HOME/.cache/claw-operator/kube-build}"

log() { echo "[provision-kube-api-test] $*" >&2; }

have_binaries() {
  local dir="$1" cmd
  for cmd in "${KUBE_COMMANDS[@]}" etcd kubectl; do
    [[ -x "$dir/$cmd" ]] || return 1
  done
  [[ "$(cat "$dir/.claw-build-recipe" 2>/dev/null)" == "$BUILD_RECIPE" ]]
}

as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

apt_install() {
  local missing=()
  local pkg
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  ((${#missing[@]} == 0)) && return 0
  log "installing ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# deb-src entries for the Debian archive this machine already uses: a copy of each of its deb822
# stanzas signed with the Debian archive key, as deb-src (no archive is named here: the machine's
# own apt configuration says where Debian comes from).
enable_deb_src() {
  local list=/etc/apt/sources.list.d/claw-operator-deb-src.sources
  [[ -f $list ]] && return 0
  local stanzas
  stanzas=$(awk -v RS= -v ORS='\n\n' '
    /(^|\n)Types:[^\n]*deb/ && /debian-archive-keyring/ {
      sub(/(^|\n)Types:[^\n]*/, "\nTypes: deb-src"); sub(/^\n/, ""); print
    }' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
  if [[ -z $stanzas ]]; then
    log "no deb822 source of the Debian archive under /etc/apt/sources.list.d; add a deb-src entry for the kubernetes source package"
    return 1
  fi
  log "enabling deb-src for the Debian archive this machine uses (for the kubernetes source package)"
  printf '%s\n' "$stanzas" | as_root tee "$list" >/dev/null
  as_root apt-get update -qq
}

build_offline() {
  local target="$BASE_DIR/${DEBIAN_K8S_VERSION}-linux-amd64"
  # Kubernetes 1.20 vendors reflect2 1.0.1, whose map iteration crashes (SIGSEGV) when built
  # with Go >= 1.18; Debian ships the fixed 1.0.2 and a matching json-iterator.
  apt_install golang-go rsync etcd-server dpkg-dev make \
    golang-github-modern-go-reflect2-dev golang-github-json-iterator-go-dev
  enable_deb_src

  local gopath="$WORK_DIR/gopath"
  local src="$gopath/src/k8s.io/kubernetes"
  if [[ ! -f "$src/cmd/kube-apiserver/apiserver.go" ]]; then
    rm -rf "$WORK_DIR/pkg" "$gopath"
    mkdir -p "$WORK_DIR/pkg" "$(dirname "$src")"
    (cd "$WORK_DIR/pkg" && apt-get source --download-only kubernetes >/dev/null)
    local dsc
    dsc=$(ls "$WORK_DIR"/pkg/kubernetes_*.dsc | head -n1)
    log "unpacking $(basename "$dsc")"
    dpkg-source --no-check -x "$dsc" "$src" >/dev/null
  fi

  local gocode=/usr/share/gocode/src/github.com
  rm -rf "$src/vendor/github.com/modern-go/reflect2" "$src/vendor/github.com/json-iterator/go"
  cp -r "$gocode/modern-go/reflect2" "$src/vendor/github.com/modern-go/reflect2"
  cp -r "$gocode/json-iterator/go" "$src/vendor/github.com/json-iterator/go"

  log "building ${KUBE_COMMANDS[*]} ${DEBIAN_K8S_VERSION} (takes about 12 minutes on 2 cores)"
  (
    cd "$src"
    export GOPATH="$gopath" GO111MODULE=off CGO_ENABLED=0 GOFLAGS= GOCACHE="$WORK_DIR/gocache"
    export KUBE_GIT_VERSION="v${DEBIAN_K8S_VERSION}" KUBE_GIT_TREE_STATE=clean
    make generated_files >"$WORK_DIR/generated_files.log" 2>&1 \
      || { tail -n 40 "$WORK_DIR/generated_files.log" >&2; exit 1; }
    # Both packages carry the version: component-base for --version, client-go for /version.
    local ldflags="-s -w" vpkg
    for vpkg in k8s.io/kubernetes/vendor/k8s.io/component-base/version \
                k8s.io/kubernetes/vendor/k8s.io/client-go/pkg/version; do
      ldflags+=" -X ${vpkg}.gitVersion=v${DEBIAN_K8S_VERSION} -X ${vpkg}.gitMajor=1 -X ${vpkg}.gitMinor=20"
      ldflags+=" -X ${vpkg}.gitTreeState=clean"
    done
    # one go build for all of them: they share most packages, which are then compiled once
    mkdir -p "$WORK_DIR/bin"
    go build -o "$WORK_DIR/bin/" -ldflags "$ldflags" "${KUBE_COMMANDS[@]/#/./cmd/}"
  )

  mkdir -p "$target"
  local cmd
  for cmd in "${KUBE_COMMANDS[@]}"; do
    install -m 0755 "$WORK_DIR/bin/$cmd" "$target/$cmd"
  done
  install -m 0755 "$(command -v etcd || echo /usr/bin/etcd)" "$target/etcd"
  local kubectl_bin
  kubectl_bin=$(command -v kubectl || true)
  if [[ -z $kubectl_bin ]]; then
    apt_install kubernetes-client
    kubectl_bin=$(command -v kubectl)
  fi
  # a wrapper, not a copy: some machines ship kubectl as a dispatcher script
  printf '#!/bin/sh\nexec %s "$@"\n' "$kubectl_bin" >"$target/kubectl"
  chmod 0755 "$target/kubectl"
  echo "$BUILD_RECIPE" >"$target/.claw-build-recipe"
  have_binaries "$target"
  log "ready: $target"
  # sources, Go cache and the built copy are only needed for a rebuild
  rm -rf "$WORK_DIR"
}

main() {
  mkdir -p "$BASE_DIR"
  # two builds at once (two Maven runs) would share one work folder: let the second wait
  exec 9>"$BASE_DIR/.provision.lock"
  flock 9
  apt_install "${NODE_PACKAGES[@]}" "${TOOL_PACKAGES[@]}"
  local dir="$BASE_DIR/${DEBIAN_K8S_VERSION}-linux-amd64"
  if have_binaries "$dir"; then
    log "using cached binaries in $dir"
    return 0
  fi
  build_offline
}

main "$@"
