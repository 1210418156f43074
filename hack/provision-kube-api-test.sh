#!/usr/bin/env bash
# Puts kube-apiserver, etcd and kubectl where io.fabric8:kube-api-test looks for them
# (${KUBE_API_TEST_DIR:-~/.kubeapitest}/k8s/<version>-linux-amd64/), so the tests run
# against a real API server on machines without internet access.
#
# Order: 1) binaries already there (cached) -> done;
#        2) the normal envtest download kube-api-test itself would do;
#        3) offline: build kube-apiserver from Debian's `kubernetes` source package,
#           take etcd from Debian's etcd-server and kubectl from the machine.
# Idempotent and safe to run on every build; step 3 takes ~7 minutes once.
set -euo pipefail

ENVTEST_VERSION="${ENVTEST_VERSION:-1.33.0}"
DEBIAN_K8S_VERSION="1.20.2"
# Bump when the offline build changes, so that cached binaries from an older recipe are rebuilt.
BUILD_RECIPE="3-reflect2-1.0.2-client-go-version"
BASE_DIR="${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}/k8s"
WORK_DIR="${KUBE_BUILD_DIR:-$HOME/.cache/claw-operator/kube-build}"

log() { echo "[provision-kube-api-test] $*" >&2; }

have_binaries() {
  local dir="$1"
  [[ -x "$dir/kube-apiserver" && -x "$dir/etcd" && -x "$dir/kubectl" ]] || return 1
  # the offline build's folder must carry the current recipe stamp; downloaded ones need none
  [[ "$(basename "$dir")" != "${DEBIAN_K8S_VERSION}-linux-amd64" ]] \
    || [[ "$(cat "$dir/.claw-build-recipe" 2>/dev/null)" == "$BUILD_RECIPE" ]]
}

cached_dir() {
  local dir
  for dir in "$BASE_DIR"/*-linux-amd64; do
    if have_binaries "$dir"; then echo "$dir"; return 0; fi
  done
  return 1
}

as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

try_download() {
  local target="$BASE_DIR/${ENVTEST_VERSION}-linux-amd64"
  local url="https://github.com/kubernetes-sigs/controller-tools/releases/download/envtest-v${ENVTEST_VERSION}/envtest-v${ENVTEST_VERSION}-linux-amd64.tar.gz"
  local tmp
  tmp=$(mktemp -d)
  log "trying the envtest download of ${ENVTEST_VERSION}"
  if curl -fsSL --connect-timeout 10 --max-time 300 -o "$tmp/envtest.tar.gz" "$url" 2>/dev/null \
      && tar -xzf "$tmp/envtest.tar.gz" -C "$tmp"; then
    mkdir -p "$target"
    # the archive holds controller-tools/envtest/{etcd,kube-apiserver,kubectl}
    find "$tmp" -type f \( -name kube-apiserver -o -name etcd -o -name kubectl \) -exec cp {} "$target/" \;
    chmod +x "$target"/*
    rm -rf "$tmp"
    have_binaries "$target"
    return
  fi
  rm -rf "$tmp"
  log "download not possible here; building offline from Debian packages"
  return 1
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

enable_deb_src() {
  local list=/etc/apt/sources.list.d/claw-operator-deb-src.sources
  [[ -f $list ]] && return 0
  log "enabling deb-src for bookworm main (for the kubernetes source package)"
  as_root tee "$list" >/dev/null <<SRC
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
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

  log "building kube-apiserver ${DEBIAN_K8S_VERSION} (takes several minutes)"
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
    go build -o "$WORK_DIR/kube-apiserver" -ldflags "$ldflags" ./cmd/kube-apiserver
  )

  mkdir -p "$target"
  install -m 0755 "$WORK_DIR/kube-apiserver" "$target/kube-apiserver"
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
  local dir
  if dir=$(cached_dir); then
    log "using cached binaries in $dir"
    return 0
  fi
  if [[ "${KUBE_API_TEST_SKIP_DOWNLOAD:-}" != "true" ]] && try_download; then
    log "downloaded to $BASE_DIR/${ENVTEST_VERSION}-linux-amd64"
    return 0
  fi
  build_offline
}

main "$@"
