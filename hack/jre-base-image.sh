#!/usr/bin/env bash
# A small JRE 17 base image for the operator, made from what this machine has: a JRE cut with
# jlink from the installed JDK, the C libraries it links against, busybox-static for a shell, and
# the pullers' program /usr/local/bin/claw-pull-done (src/main/c; docs/configuration.md#pull-first),
# so that the operator's own image is the chart's pull-ahead tool image.
# No Docker and no network: umoci builds it, skopeo copies it where you say.
#
#   hack/jre-base-image.sh DESTINATION
#     DESTINATION: anything skopeo copies to, e.g. docker://registry.example.com/claw/jre:17,
#                  oci:/tmp/jre-oci:17, docker-archive:/tmp/jre.tar:claw/jre:17
#   env JAVA_HOME              the JDK to cut from (default: the one `java` on PATH belongs to)
#   env SKOPEO_DEST_OPTIONS    passed to skopeo, e.g. "--dest-creds user:password"
#
# For an air-gapped build of the operator's image: push this base to your registry and build with
#   ./mvnw package -Dquarkus.jib.base-jvm-image=registry.example.com/claw/jre:17 ...
# The image runs as user 1001 (group 0, so that OpenShift's arbitrary UIDs can read the same files).
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib/oci.sh
source "$HERE/lib/oci.sh"

# What the operator (Quarkus, Vert.x/Netty and TLS, fabric8, Jackson, Micrometer, and the registry
# client of tag resolution on java.net.http) uses from the JDK. The real-node journey test runs the
# operator on this JRE, so a missing module fails a test.
MODULES=java.base,java.logging,java.management,jdk.management,java.naming,java.xml,java.sql,jdk.unsupported,jdk.crypto.ec,jdk.zipfs,jdk.naming.dns,java.net.http

die() { echo "[jre-base-image] ERROR: $*" >&2; exit 1; }

[[ $# -eq 1 ]] || die "usage: $0 DESTINATION (e.g. docker://registry.example.com/claw/jre:17)"
DEST="$1"
for cmd in umoci skopeo ldd gcc; do command -v "$cmd" >/dev/null || die "missing $cmd (Debian: umoci, skopeo)"; done
[[ -x /bin/busybox ]] || die "missing /bin/busybox (Debian: busybox-static)"
JAVA_HOME="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
[[ -x $JAVA_HOME/bin/jlink && -d $JAVA_HOME/jmods ]] || die "$JAVA_HOME has no jlink or jmods (Debian: openjdk-17-jdk-headless)"
JAVA_VERSION=$("$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.version = //p')
[[ ${JAVA_VERSION%%.*} -ge 17 ]] || die "$JAVA_HOME is Java $JAVA_VERSION; the operator needs 17 or newer"

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

gcc -static -Os -s -o "$WORK/claw-pull-done" "$HERE/../src/main/c/claw-pull-done.c" \
  || die "cannot build claw-pull-done statically (Debian: gcc, libc6-dev)"

"$JAVA_HOME/bin/jlink" --add-modules "$MODULES" --output "$WORK/jre" \
  --strip-debug --no-man-pages --no-header-files --compress=2
# the class data sharing archive of the cut modules: faster JVM start
"$WORK/jre/bin/java" -Xshare:dump >/dev/null 2>&1 || true

jre_rootfs() {
  local root="$1" file lib
  mkdir -p "$root/opt" "$root/bin" "$root/etc" "$root/tmp" "$root/home/claw" "$root/work"
  chmod 1777 "$root/tmp"
  cp -a "$WORK/jre" "$root/opt/java"
  cp /bin/busybox "$root/bin/busybox"
  install -D -m 0755 "$WORK/claw-pull-done" "$root/usr/local/bin/claw-pull-done"
  for applet in sh ls cat env ps top wget nslookup sleep; do ln -sf busybox "$root/bin/$applet"; done
  # the C libraries the JRE needs (the host's glibc, zlib, libstdc++), the resolver's NSS
  # modules, which glibc loads at run time for /etc/hosts and DNS, and those that netty-tcnative's
  # BoringSSL and Netty's epoll transport link (libdl, librt, libc: each extracts its library from
  # the operator's jar into /tmp when it starts)
  {
    find "$WORK/jre" -type f \( -name '*.so' -o -path '*/bin/*' \) -exec ldd {} + 2>/dev/null \
      | awk '/=> \// {print $3} /^\t\/lib/ {print $1}'
    ls /lib/x86_64-linux-gnu/libnss_files.so.2 /lib/x86_64-linux-gnu/libnss_dns.so.2 \
      /lib/x86_64-linux-gnu/libresolv.so.2 /lib/x86_64-linux-gnu/librt.so.1 /lib/x86_64-linux-gnu/libdl.so.2 \
      /lib/x86_64-linux-gnu/libpthread.so.0 /lib/x86_64-linux-gnu/libgcc_s.so.1 2>/dev/null
  } | sort -u | while read -r lib; do
    file=$(readlink -f "$lib")
    mkdir -p "$root$(dirname "$lib")"
    cp "$file" "$root$lib"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nclaw:x:1001:0:claw:/home/claw:/bin/sh\n' >"$root/etc/passwd"
  printf 'root:x:0:\n' >"$root/etc/group"
  printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"
  chown -R 1001:0 "$root/home/claw" "$root/work" 2>/dev/null || true
  chmod -R g=u "$root/home/claw" "$root/work"
}

oci_image "$WORK" jre_rootfs "$DEST" --config.user 1001 --config.workingdir /work \
  --config.env PATH=/opt/java/bin:/bin --config.env JAVA_HOME=/opt/java --config.env LANG=C.UTF-8 \
  --config.label "org.opencontainers.image.description=JRE $JAVA_VERSION (jlink) with busybox" \
  --config.label "org.opencontainers.image.version=$JAVA_VERSION"
echo "[jre-base-image] JRE $JAVA_VERSION, $(du -sm "$WORK/jre" | cut -f1) MiB unpacked, pushed to $DEST ($OCI_IMAGE_DIGEST)" >&2
echo "$OCI_IMAGE_DIGEST"
