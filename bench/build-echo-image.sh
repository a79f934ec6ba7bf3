#!/usr/bin/env bash
# Builds wharf/bench-echo:latest, the WebSocket bench's stand-in for a notebook container: the
# host's node binary with its libraries and bench/ws/echo.js (a WebSocket echo server on port
# 8888 that also answers GET with 200 for the readiness probe). No registry needed.
# Env: BENCH_ECHO_IMAGE (wharf/bench-echo:latest), FORCE=1 to rebuild.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
image=${BENCH_ECHO_IMAGE:-wharf/bench-echo:latest}
version=1

have=$(docker image inspect -f '{{ index .Config.Labels "wharf.bench-echo.version" }}' "$image" 2>/dev/null || true)
if [ "${FORCE:-0}" != 1 ] && [ "$have" = "$version" ]; then
  echo "bench: image $image already exists" >&2
  exit 0
fi
node=$(command -v node) || { echo "bench: node is needed for the WebSocket bench" >&2; exit 1; }
node=$(readlink -f "$node")

root=$(mktemp -d /tmp/wharf-bench-echo.XXXXXX)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/usr/bin "$root"/srv "$root"/tmp "$root"/etc
chmod 1777 "$root"/tmp
cp -L "$node" "$root"/usr/bin/node
ldd "$node" | grep -o '/[^ ]*' | while read -r lib; do
  cp -L --parents "$lib" "$root"
done
cp "$here"/ws/echo.js "$here"/ws/echo-frames.js "$root"/srv/
echo 'nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin' >"$root"/etc/passwd

tar -C "$root" -c . | docker import \
  --change 'USER 65534:65534' \
  --change "LABEL wharf.bench-echo.version=$version" \
  --change 'EXPOSE 8888' \
  --change 'CMD ["/usr/bin/node","/srv/echo.js"]' \
  - "$image" >/dev/null

echo "bench: built $image ($(du -sh "$root" | cut -f1))" >&2
