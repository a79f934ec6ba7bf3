#!/usr/bin/env bash
# Builds wharf/bench-static:latest, a tiny image whose only program is the host's nginx
# serving one ~600-byte HTML file on port 8888 for every path. It stands in for a notebook
# server in bench/run.sh, so that the benchmark measures the proxies and not Jupyter.
# No registry is needed: the root filesystem is assembled from the host and `docker import`ed.
# Does nothing when the image already exists (FORCE=1 rebuilds). Needs root and Docker.
set -euo pipefail

image=${BENCH_IMAGE:-wharf/bench-static:latest}
# Raise when the image's content changes, so older local builds are replaced.
version=2

have=$(docker image inspect -f '{{ index .Config.Labels "wharf.bench-static.version" }}' "$image" 2>/dev/null || true)
if [ "${FORCE:-0}" != 1 ] && [ "$have" = "$version" ]; then
  echo "bench: image $image already exists" >&2
  exit 0
fi

if [ ! -x /usr/sbin/nginx ]; then
  echo "bench: installing nginx-light" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q nginx-light >/dev/null 2>&1 || apt-get install -y -q nginx >/dev/null
fi

root=$(mktemp -d /tmp/wharf-bench-image.XXXXXX)
trap 'rm -rf "$root"' EXIT

# The binary and every shared object it links, at the same paths (the loader included).
cp -L --parents /usr/sbin/nginx "$root"
ldd /usr/sbin/nginx | grep -o '/[^ ]*' | while read -r lib; do
  cp -L --parents "$lib" "$root"
done

mkdir -p "$root"/etc/nginx "$root"/srv/www "$root"/var/lib/nginx "$root"/var/log/nginx \
  "$root"/run "$root"/tmp
# Writable by anyone, so nginx also starts when the container runs as a non-root user.
chmod 1777 "$root"/tmp "$root"/var/lib/nginx "$root"/run

cat >"$root"/etc/passwd <<'EOF'
root:x:0:0:root:/root:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
EOF
cat >"$root"/etc/group <<'EOF'
root:x:0:
nogroup:x:65534:
EOF
echo 'passwd: files' >"$root"/etc/nsswitch.conf
echo 'group: files' >>"$root"/etc/nsswitch.conf

cat >"$root"/etc/nginx/nginx.conf <<'EOF'
# One worker, no access log, one static file for every path.
worker_processes 1;
daemon off;
pid /tmp/nginx.pid;
error_log stderr warn;

events {
    worker_connections 1024;
}

http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    keepalive_timeout 65;
    client_body_temp_path /tmp/nginx-body;
    proxy_temp_path /tmp/nginx-proxy;
    fastcgi_temp_path /tmp/nginx-fastcgi;
    uwsgi_temp_path /tmp/nginx-uwsgi;
    scgi_temp_path /tmp/nginx-scgi;
    default_type text/html;
    charset utf-8;

    server {
        listen 8888 default_server;
        root /srv/www;
        location / {
            try_files /index.html =404;
        }
    }
}
EOF

# A ~600-byte page, roughly the size of a small static asset.
cat >"$root"/srv/www/index.html <<'EOF'
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Wharf bench</title>
<style>body{font:15px/1.5 system-ui,sans-serif;margin:3rem auto;max-width:36rem;color:#1f2933}</style>
</head>
<body>
<h1>Hello from the Wharf bench</h1>
<p>This page is served by nginx inside a container started by Wharf. The benchmark
fetches it directly, through an nginx reverse proxy, and through Wharf's router, and
compares the three. Its size is close to that of a small static asset, so the figures
reflect the cost of proxying rather than of moving bytes.</p>
<p>One file answers every path.</p>
</body>
</html>
EOF

# Wharf drops every capability, so a root nginx could not chown its temp dirs or switch to
# its worker user: run it as nobody from the start, as notebook images run unprivileged too.
tar -C "$root" -c . | docker import \
  --change 'USER 65534:65534' \
  --change "LABEL wharf.bench-static.version=$version" \
  --change 'EXPOSE 8888' \
  --change 'CMD ["/usr/sbin/nginx","-c","/etc/nginx/nginx.conf"]' \
  - "$image" >/dev/null

echo "bench: built $image ($(du -sh "$root" | cut -f1))" >&2
