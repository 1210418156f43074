# shellcheck shell=bash
# oci_image: an OCI image built from a root filesystem folder with umoci, copied by skopeo to
# any destination skopeo takes (docker://host/repo:tag, oci:dir:tag, docker-archive:file:ref).
# No Docker daemon involved. Sets OCI_IMAGE_DIGEST.
#
#   oci_image WORK_PARENT SETUP_FUNCTION DESTINATION [umoci config options...]
# SETUP_FUNCTION is called with the (empty) root filesystem folder to fill. OCI_ARCH (default
# amd64) is the architecture the image's config names. SKOPEO_DEST_OPTIONS,
# if set, is passed to skopeo (e.g. --dest-creds user:pw).
oci_image() {
  local parent="$1" setup="$2" dest="$3"
  shift 3
  local work
  work=$(mktemp -d "$parent/image.XXXXXX")
  umoci init --layout "$work/oci" >/dev/null
  umoci new --image "$work/oci:img" >/dev/null
  local rootless=()
  [[ $(id -u) -eq 0 ]] || rootless=(--rootless)
  umoci unpack "${rootless[@]}" --image "$work/oci:img" "$work/bundle" >/dev/null
  "$setup" "$work/bundle/rootfs"
  umoci repack --image "$work/oci:img" "$work/bundle" >/dev/null
  umoci config --image "$work/oci:img" --os linux --architecture "${OCI_ARCH:-amd64}" "$@" >/dev/null
  # shellcheck disable=SC2086
  skopeo copy --quiet --insecure-policy --dest-tls-verify=false ${SKOPEO_DEST_OPTIONS:-} \
    --digestfile "$work/digest" "oci:$work/oci:img" "$dest"
  OCI_IMAGE_DIGEST=$(cat "$work/digest")
  rm -rf "$work"
}
