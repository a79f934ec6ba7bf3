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
#      LOOPS (2, each router's event loops), CONNECTIONS (50), THREADS (2), NGINX_WORKERS (1, the
#      reference's; its CPU is its master's and workers', as in bench/run.sh).
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
  stop_nginx "$work/reference"
  [ -s "$work/backend.pid" ] && kill "$(cat "$work/backend.pid")" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/html/user/admin"
head -c 612 /dev/zero | tr '\000' x >"$work/html/index.html"
cp "$work/html/index.html" "$work/html/user/admin/index.html"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
  -keyout "$work/key.pem" -out "$work/cert.pem" >/dev/null 2>&1 || die "openssl could not make a certificate"
backend=$(free_port)
cat >"$work/backend.conf" <<EOF
worker_processes 1; pid $work/backend.pid; error_log $work/backend.log; daemon on;
events { worker_connections 4096; }
http { access_log off; server { listen 127.0.0.1:$backend; root $work/html; keepalive_requests 1000000; } }
EOF
nginx -c "$work/backend.conf"
# The reference as bench/run.sh starts it (TLS 1.3 offered, NGINX_WORKERS workers), in front of the page.
reference=$(free_port)
start_nginx "$work/reference" "$reference" "" \
  "    upstream container { server 127.0.0.1:$backend; keepalive 200; keepalive_requests 1000000; }
    keepalive_requests 1000000;" \
  '            proxy_pass http://container;
            proxy_http_version 1.1;
            proxy_set_header Connection "";'

# start_router NAME CHECKOUT: LocalRouter of CHECKOUT on a free port; sets port_NAME, pid_NAME, cookie_NAME.
start_router() {
  local name=$1 checkout=$2 cp port i cookie code=''
  cp=$(repo=$checkout local_router_classpath)
  port=$(free_port)
  setsid java -XX:+UseParallelGC -cp "$cp" io.wharf.router.bench.LocalRouter "$port" "$backend" "$LOOPS" \
    "$work/cert.pem" "$work/key.pem" >"$work/$name.out" 2>"$work/$name.log" &
  pids+=($!)
  printf -v "pid_$name" '%s' $!
  printf -v "port_$name" '%s' "$port"
  for i in $(seq 1 120); do
    cookie=$(grep -m 1 -o '^wharf-session=[^ ;]*' "$work/$name.out" 2>/dev/null) && break
    sleep 0.5
  done
  [ -n "$cookie" ] || { cat "$work/$name.log" >&2; die "$name printed no cookie"; }
  printf -v "cookie_$name" '%s' "$cookie"
  for i in $(seq 1 60); do
    code=$(curl -sk -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "https://127.0.0.1:$port/user/admin/index.html")
    [ "$code" = 200 ] && return
    sleep 0.5
  done
  cat "$work/$name.log" >&2
  die "$name does not answer 200 (last: $code)"
}


# load NAME URL COOKIE "PID..." SECONDS: one wrk run; prints requests/s, p99 and the CPU per
# request (and its system part) of the processes PID.
load() {
  local before sys_before after sys_after out requests p99
  # shellcheck disable=SC2086
  before=$(proc_ticks '$14 + $15' $4); sys_before=$(proc_ticks '$15' $4)
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$5s" --latency ${3:+-H "Cookie: $3"} "$2" 2>&1)
  # shellcheck disable=SC2086
  after=$(proc_ticks '$14 + $15' $4); sys_after=$(proc_ticks '$15' $4)
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
reference_pids=$(nginx_pids "$work/reference")
load warm "https://127.0.0.1:$reference/index.html" "" "$reference_pids" 10 >/dev/null
echo "target  requests/s       p99  cpu us/request  of which sys"
for round in $(seq 1 "$ROUNDS"); do
  say "round $round of $ROUNDS"
  load nginx "https://127.0.0.1:$reference/index.html" "" "$reference_pids" "$DURATION"
  load old "https://127.0.0.1:$port_old/user/admin/index.html" "$cookie_old" "$pid_old" "$DURATION"
  load new "https://127.0.0.1:$port_new/user/admin/index.html" "$cookie_new" "$pid_new" "$DURATION"
done
