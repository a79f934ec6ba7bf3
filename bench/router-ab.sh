#!/usr/bin/env bash
# Two builds of the router side by side, without Docker or the rest of Wharf: LocalRouter
# (router/src/test/java/io/wharf/router/bench/LocalRouter.java) from another checkout (OLD) and
# from this one, both in front of a host nginx serving a 612-byte page, with a host nginx proxying
# over TLS as the reference; wrk loads the three in turn, round after round, and CPU per request
# is read from each process's /proc stat. For a change too small for bench/run.sh's rounds, where
# the container, Docker's NAT and the rest of Wharf add their own noise.
#
# Env: OLD (required: a checkout of the other build, such as `git worktree add /tmp/old <commit>`),
#      ROUNDS (3), DURATION (15, seconds per target and round), WARMUP (40, seconds per router),
#      LOOPS (2, each router's event loops), CONNECTIONS (50), THREADS (2).
# Builds both checkouts' router test classes offline. Sends traffic only to 127.0.0.1; leaves no
# process or temp dir behind.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
OLD=${OLD:?set OLD to a checkout of the build to compare with}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-15}
WARMUP=${WARMUP:-40}
LOOPS=${LOOPS:-2}
CONNECTIONS=${CONNECTIONS:-50}
THREADS=${THREADS:-2}

say() { echo "router-ab: $*" >&2; }
die() { say "$*"; exit 1; }
# shellcheck source=bench/lib.sh
source "$here/lib.sh"
# shellcheck source=bench/local-router.sh
source "$here/local-router.sh"
for tool in wrk nginx; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is missing (apt-get install wrk nginx-light)"
done

work=$(mktemp -d /tmp/wharf-router-ab.XXXXXX)
chmod 755 "$work"  # the page is read by nginx's unprivileged worker
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for conf in "$work"/*.conf; do [ -f "$conf" ] && nginx -c "$conf" -s stop 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/html/user/admin" "$work/logs"
head -c 612 /dev/zero | tr '\000' x >"$work/html/index.html"
cp "$work/html/index.html" "$work/html/user/admin/index.html"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
  -keyout "$work/key.pem" -out "$work/cert.pem" >/dev/null 2>&1 || die "openssl could not make a certificate"
backend=$(free_port)
reference=$(free_port)
cat >"$work/backend.conf" <<EOF
worker_processes 1; pid $work/backend.pid; error_log $work/logs/backend.log; daemon on;
events { worker_connections 4096; }
http { access_log off; server { listen 127.0.0.1:$backend; root $work/html; keepalive_requests 1000000; } }
EOF
cat >"$work/reference.conf" <<EOF
worker_processes 1; pid $work/reference.pid; error_log $work/logs/reference.log; daemon on;
events { worker_connections 4096; }
http {
  access_log off;
  upstream container { server 127.0.0.1:$backend; keepalive 200; keepalive_requests 1000000; }
  server {
    listen 127.0.0.1:$reference ssl; ssl_certificate $work/cert.pem; ssl_certificate_key $work/key.pem;
    keepalive_requests 1000000;
    location / { proxy_pass http://container; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
EOF
nginx -c "$work/backend.conf"
nginx -c "$work/reference.conf"
reference_pid=''
for i in $(seq 1 50); do
  [ -s "$work/reference.pid" ] && reference_pid=$(pgrep -P "$(cat "$work/reference.pid")" | head -n 1) && [ -n "$reference_pid" ] && break
  sleep 0.1
done
[ -n "$reference_pid" ] || die "the reference nginx has no worker"

# start_router NAME CHECKOUT: LocalRouter of CHECKOUT on a free port; sets port_NAME, pid_NAME, cookie_NAME.
start_router() {
  local name=$1 checkout=$2 cp port i
  cp=$(repo=$checkout local_router_classpath)
  port=$(free_port)
  setsid java -XX:+UseParallelGC -cp "$cp" io.wharf.router.bench.LocalRouter "$port" "$backend" "$LOOPS" \
    "$work/cert.pem" "$work/key.pem" >"$work/$name.out" 2>"$work/$name.log" &
  pids+=($!)
  printf -v "pid_$name" '%s' $!
  printf -v "port_$name" '%s' "$port"
  for i in $(seq 1 120); do
    grep -q '^wharf-session=' "$work/$name.out" 2>/dev/null && break
    sleep 0.5
  done
  printf -v "cookie_$name" '%s' "$(grep -m 1 -o '^wharf-session=[^ ;]*' "$work/$name.out")" || die "$name printed no cookie"
  for i in $(seq 1 60); do
    [ "$(curl -sk -o /dev/null -w '%{http_code}' -H "Cookie: $(eval echo "\$cookie_$name")" \
      "https://127.0.0.1:$port/user/admin/index.html")" = 200 ] && return
    sleep 0.5
  done
  cat "$work/$name.log" >&2
  die "$name does not answer 200 (last: $(curl -sk -o /dev/null -w "%{http_code}" -H "Cookie: $(eval echo "\$cookie_$name")" "https://127.0.0.1:$port/user/admin/index.html"))"
}

# load NAME URL COOKIE PID SECONDS: one wrk run; prints requests/s, p99 and CPU per request (sys).
load() {
  local before sys_before after sys_after out requests p99
  before=$(awk '{ print $14 + $15 }' "/proc/$4/stat"); sys_before=$(awk '{ print $15 }' "/proc/$4/stat")
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$5s" --latency ${3:+-H "Cookie: $3"} "$2" 2>&1)
  after=$(awk '{ print $14 + $15 }' "/proc/$4/stat"); sys_after=$(awk '{ print $15 }' "/proc/$4/stat")
  requests=$(awk '/requests in/ { print $1 }' <<<"$out")
  p99=$(awk '/ 99%/ { print $2 }' <<<"$out")
  awk -v n="$1" -v r="$requests" -v d="$5" -v p="$p99" -v c=$((after - before)) -v s=$((sys_after - sys_before)) \
    -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%-6s %9.0f %9s %13.2f %13.2f\n", n, r / d, p, c * 1e6 / hz / r, s * 1e6 / hz / r }'
}

start_router old "$OLD"
start_router new "$repo"
say "old: $OLD, new: $repo; $LOOPS event loops each; warming up ${WARMUP}s each"
load warm "https://127.0.0.1:$port_old/user/admin/index.html" "$cookie_old" "$pid_old" "$WARMUP" >/dev/null
load warm "https://127.0.0.1:$port_new/user/admin/index.html" "$cookie_new" "$pid_new" "$WARMUP" >/dev/null
load warm "https://127.0.0.1:$reference/index.html" "" "$reference_pid" 10 >/dev/null
echo "target  requests/s       p99  cpu us/request  of which sys"
for round in $(seq 1 "$ROUNDS"); do
  say "round $round of $ROUNDS"
  load nginx "https://127.0.0.1:$reference/index.html" "" "$reference_pid" "$DURATION"
  load old "https://127.0.0.1:$port_old/user/admin/index.html" "$cookie_old" "$pid_old" "$DURATION"
  load new "https://127.0.0.1:$port_new/user/admin/index.html" "$cookie_new" "$pid_new" "$DURATION"
done
