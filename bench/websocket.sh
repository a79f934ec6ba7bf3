#!/usr/bin/env bash
# Measures WebSockets through Wharf's router against the container directly and against a
# TLS-terminating nginx, in one run: a WebSocket echo server (build-echo-image.sh) is the
# "notebook"; bench/ws/load.js drives it
#   pingpong - CONNECTIONS (50) connections each sending a SIZE-byte (64) message and waiting
#              for its echo: messages (round trips) per second and p99 round trip
#   stream   - one connection keeping DEPTH (4) messages of STREAM_SIZE (1 MiB) in flight: MB/s
# through three targets, measured in turn:
#   direct - ws://, plain, the container's published 127.0.0.1 port
#   nginx  - wss://, a host nginx (NGINX_WORKERS, 1, worker processes) terminating TLS 1.3 with a
#            throwaway self-signed certificate and proxying the WebSockets to the same port: what
#            TLS on both sides costs any proxy, the reference for the router
#   router - wss://, Wharf's router with the session cookie
# and prints the ratios nginx/direct, router/direct and router/nginx, and the CPU time of the
# router and of nginx (master and workers) per round trip and per MiB echoed.
# Then IDLE (2000; 0 to skip) WebSockets are opened through the router and held for IDLE_HOLD
# (10) seconds: the router's RSS and open descriptors before, with them open, and after; if
# they do not all open, why (the router's log, the container's and docker-proxy's descriptors).
# Env: DURATION (15, seconds), WARMUP (30, seconds, the router's), ROUNDS (1: direct, nginx and
# router measured in turn that many times, the ratios the median of the rounds'; on a shared
# machine, 3 or more), NGINX_WORKERS (1), NGINX_PROXY_BUFFER (64k: nginx's proxy_buffer_size,
# through which it relays the tunnels; empty for nginx's default, 4k), WHARF_JAR, JAVA_OPTS.
# Sends traffic only to 127.0.0.1. Leaves no container, process or temp dir behind.
set -euo pipefail
# Each idle WebSocket holds two descriptors in the router, which inherits this limit.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
DURATION=${DURATION:-15}
ROUNDS=${ROUNDS:-1}
WARMUP=${WARMUP:-30}
CONNECTIONS=${CONNECTIONS:-50}
SIZE=${SIZE:-64}
STREAM_SIZE=${STREAM_SIZE:-1048576}
DEPTH=${DEPTH:-4}
JAVA_OPTS=${JAVA_OPTS:--XX:+UseParallelGC}
IDLE=${IDLE:-2000}
IDLE_HOLD=${IDLE_HOLD:-10}
NGINX_WORKERS=${NGINX_WORKERS:-1}
# Each idle WebSocket holds two descriptors in the router; the cap per server must let them in,
# and all of them come from 127.0.0.1, so the bound of connections per client address is lifted.
export WHARF_ROUTER_MAX_WEBSOCKETS_PER_SERVER=$(( IDLE > 1000 ? IDLE + 100 : 1000 ))
export WHARF_ROUTER_MAX_CONNECTIONS_PER_ADDRESS=0
WHARF_JAR=${WHARF_JAR:-$repo/server/target/wharf.jar}
image=${BENCH_ECHO_IMAGE:-wharf/bench-echo:latest}
instance=bench-ws-$$
user=admin
work=$(mktemp -d /tmp/wharf-bench-ws.XXXXXX)
wharf_pid=''
nginx_dir=$work/nginx
jar=$work/cookies.txt

say() { echo "bench: $*" >&2; }
die() { say "$*"; exit 1; }
# shellcheck source=bench/lib.sh
source "$here/lib.sh"
trap 'rc=$?; set +e; stop_nginx "$nginx_dir"; clean_up_wharf "$rc"; exit "$rc"' EXIT
trap 'exit 130' INT TERM

for tool in node jq curl openssl; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is needed"
done
ensure_nginx
"$repo"/scripts/ensure-docker.sh
"$here"/build-echo-image.sh
[ -f "$WHARF_JAR" ] || (cd "$repo" && mvn -B -q -DskipTests package)

start_wharf "$WHARF_JAR" "$image" echo
sign_in
await_ready
cid=$(docker ps -q --filter "label=wharf.instance=$instance" | head -n 1)
backend_port=$(docker port "$cid" 8888/tcp | grep '^127\.0\.0\.1:' | head -n 1 | sed 's/.*://')
[ -n "$backend_port" ] || die "the container publishes no 127.0.0.1 port"
ws_path=/user/$user/api/kernels/bench/channels
cookie="wharf-session=$session"

# The reference: nginx terminating TLS and tunnelling each upgraded connection to the container.
# nginx relays a tunnel through buffers of proxy_buffer_size (one page, 4 KiB, by default) each
# way, which held it to about half the router's MB/s on 1 MiB messages; NGINX_PROXY_BUFFER (64k)
# sets the size, and proxy_buffers to match, which nginx requires of a larger proxy_buffer_size
# (they serve only responses it buffers, not tunnels).
NGINX_PROXY_BUFFER=${NGINX_PROXY_BUFFER-64k}
nginx_port=${NGINX_BENCH_PORT:-$(free_port)}
nginx_buffer=''
[ -n "${NGINX_PROXY_BUFFER:-}" ] && nginx_buffer="
            proxy_buffer_size $NGINX_PROXY_BUFFER;
            proxy_buffers 4 $NGINX_PROXY_BUFFER;"
nginx_location=$(cat <<EOF
            proxy_pass http://127.0.0.1:$backend_port;
            proxy_http_version 1.1;
            proxy_set_header Upgrade \$http_upgrade;
            proxy_set_header Connection "upgrade";
            proxy_read_timeout 1h;
            proxy_send_timeout 1h;$nginx_buffer
EOF
)
start_nginx "$nginx_dir" "$nginx_port" "" "" "$nginx_location"
nginx_settings="worker_processes $NGINX_WORKERS; TLSv1.2 and TLSv1.3 (default ciphers); proxy_http_version 1.1, Upgrade and Connection \"upgrade\"; proxy_read_timeout and proxy_send_timeout 1h; proxy_buffer_size ${NGINX_PROXY_BUFFER:-4k, the default}; access_log off; otherwise nginx's defaults"

targets=(direct nginx router)
declare -A url=(
  [direct]=ws://127.0.0.1:$backend_port$ws_path
  [nginx]=wss://127.0.0.1:$nginx_port$ws_path
  [router]=wss://${base#https://}$ws_path
)
router=${url[router]}

load() { node "$here/ws/load.js" "$1" "$2" "$3" "$cookie" "$base"; }
# ticks PID...: the CPU time (clock ticks, user and system) the processes have used so far.
ticks() { proc_ticks '$14 + $15' "$@"; }

# Both proxies must tunnel a WebSocket before anything is measured.
for target in nginx router; do
  load "${url[$target]}" 1 "pingpong:1:$SIZE" >/dev/null || die "$target (${url[$target]}) did not echo a WebSocket message"
done

say "router: warming up ${WARMUP}s"
load "$router" "$WARMUP" "pingpong:$CONNECTIONS:$SIZE" >/dev/null
load "$router" 5 "stream:$STREAM_SIZE:$DEPTH" >/dev/null
declare -A result cpu msgs tls
median_round() {
  # The round whose messages/s is the median of $1's rounds (the lower middle for an even count).
  local key=$1 r
  for r in $(seq 1 "$ROUNDS"); do
    echo "$(jq -r .messages_per_s <<<"${result[$key,$r]}") $r"
  done | sort -n | awk -v n="$ROUNDS" 'NR == int((n + 1) / 2) { print $2 }'
}
# cpu[TARGET,MODE] is the router's CPU time while TARGET ran (for direct, its idle cost), except
# for nginx: nginx's own (master and workers).
for mode in "pingpong:$CONNECTIONS:$SIZE" "stream:$STREAM_SIZE:$DEPTH"; do
  for target in "${targets[@]}"; do
    cpu[$target,$mode]=0 msgs[$target,$mode]=0
  done
  for round in $(seq 1 "$ROUNDS"); do
    for target in "${targets[@]}"; do
      pids=$wharf_pid
      [ "$target" = nginx ] && pids=$(nginx_pids "$nginx_dir")
      say "$target: $mode for ${DURATION}s (round $round of $ROUNDS)"
      # shellcheck disable=SC2086
      t0=$(ticks $pids)
      result[$target,$mode,$round]=$(load "${url[$target]}" "$DURATION" "$mode")
      # shellcheck disable=SC2086
      t1=$(ticks $pids)
      cpu[$target,$mode]=$(( cpu[$target,$mode] + t1 - t0 ))
      msgs[$target,$mode]=$(( msgs[$target,$mode] + $(jq -r .messages <<<"${result[$target,$mode,$round]}") ))
      tls[$target]=$(jq -r '.tls // empty' <<<"${result[$target,$mode,$round]}")
    done
  done
  for target in "${targets[@]}"; do
    result[$target,$mode]=${result[$target,$mode,$(median_round "$target,$mode")]}
  done
done

hz=$(getconf CLK_TCK)
field() { jq -r ".$2" <<<"${result[$1]}"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
pp="pingpong:$CONNECTIONS:$SIZE" st="stream:$STREAM_SIZE:$DEPTH"
echo
echo "Wharf WebSocket bench: ${DURATION}s per case after ${WARMUP}s of warm-up (the router's); $ROUNDS round(s); $(nproc) cores; echo server: node ($image)"
echo "nginx reference: $nginx_settings"
echo "TLS negotiated: nginx ${tls[nginx]:-?}; router ${tls[router]:-?}"
printf '%-8s %-26s %12s %8s %8s %8s\n' target case 'messages/s' 'MB/s' 'p50 ms' 'p99 ms'
for mode in "$pp" "$st"; do
  for target in "${targets[@]}"; do
    printf '%-8s %-26s %12s %8s %8s %8s\n' "$target" "$mode" "$(field "$target,$mode" messages_per_s)" \
      "$(field "$target,$mode" mb_per_s)" "$(field "$target,$mode" p50_ms)" "$(field "$target,$mode" p99_ms)"
  done
done
echo
# With rounds, the ratio is the median of the rounds' ratios (each round measures the targets
# minutes apart at most); the table above shows each target's median round.
round_ratios() {
  local a=$1 b=$2 mode=$3 key=$4 r
  for r in $(seq 1 "$ROUNDS"); do
    ratio "$(jq -r ".$key" <<<"${result[$a,$mode,$r]}")" "$(jq -r ".$key" <<<"${result[$b,$mode,$r]}")"; echo
  done
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
for pair in nginx/direct router/direct router/nginx; do
  a=${pair%/*} b=${pair#*/}
  echo "$pair, $pp: messages/s $(round_ratios "$a" "$b" "$pp" messages_per_s | median), p99 $(round_ratios "$a" "$b" "$pp" p99_ms | median)"
  echo "$pair, $st: MB/s $(round_ratios "$a" "$b" "$st" mb_per_s | median)"
done
if [ "$ROUNDS" -gt 1 ]; then
  for pair in nginx/direct router/direct router/nginx; do
    a=${pair%/*} b=${pair#*/}
    echo "$pair by round: $pp messages/s $(round_ratios "$a" "$b" "$pp" messages_per_s | tr '\n' ' ');" \
      "$st MB/s $(round_ratios "$a" "$b" "$st" mb_per_s | tr '\n' ' ')"
  done
fi
declare -A per_trip per_mib
for target in nginx router; do
  per_trip[$target]=$(awk -v t="${cpu[$target,$pp]}" -v hz="$hz" -v n="${msgs[$target,$pp]}" 'BEGIN { printf "%.1f", t * 1e6 / hz / n }')
  per_mib[$target]=$(awk -v t="${cpu[$target,$st]}" -v hz="$hz" -v n="${msgs[$target,$st]}" 'BEGIN { printf "%.2f", t * 1000 / hz / n }')
  echo "$target CPU: ${per_trip[$target]} us per round trip; ${per_mib[$target]} ms per MiB echoed (both ways)"
done
echo "CPU router/nginx: per round trip $(ratio "${per_trip[router]}" "${per_trip[nginx]}"), per MiB $(ratio "${per_mib[router]}" "${per_mib[nginx]}")"
echo "router CPU while direct ran (idle cost): ${cpu[direct,$pp]} and ${cpu[direct,$st]} ticks"

if [ "$IDLE" -gt 0 ]; then
  rss() { awk '/^VmRSS/ { print $2 }' "/proc/$wharf_pid/status"; }
  fds() { ls "/proc/$wharf_pid/fd" | wc -l; }
  rss0=$(rss) fd0=$(fds)
  say "idle: opening $IDLE WebSockets through the router, holding them ${IDLE_HOLD}s"
  node "$here/ws/load.js" "$router" "$IDLE_HOLD" "idle:$IDLE" "$cookie" "$base" >"$work/idle.out" 2>&1 &
  idle_pid=$!
  for _ in $(seq 1 600); do
    grep -q '"open"' "$work/idle.out" && break
    kill -0 "$idle_pid" 2>/dev/null || break
    sleep 0.5
  done
  if ! grep -q '"open"' "$work/idle.out"; then
    cat "$work/idle.out" >&2
    # Why the router refused (logged at debug: WHARF_LOGGING_LEVEL_IO_WHARF=debug), and what the container and Docker hold.
    grep -m 5 'WebSocket to' "$work/wharf.log" >&2 || true
    say "container: $(docker exec "$cid" /usr/bin/node -e "const fs = require('fs'); console.log('open', fs.readdirSync('/proc/1/fd').length + ',',
      fs.readFileSync('/proc/1/limits', 'utf8').split('\\n').find((l) => l.startsWith('Max open files')))" 2>&1);" \
      "docker-proxy for port $backend_port: $(for p in $(pgrep -f "docker-proxy.*-host-port $backend_port"); do
        echo "pid $p, open $(ls /proc/$p/fd | wc -l), $(grep 'open files' /proc/$p/limits)"; done)"
    die "the idle WebSockets did not all open"
  fi
  sleep 2
  rss1=$(rss) fd1=$(fds)
  wait "$idle_pid" || true
  sleep 5
  rss2=$(rss) fd2=$(fds)
  echo "idle: $IDLE WebSockets through the router: RSS $((rss0 / 1024)) MiB before, $((rss1 / 1024)) MiB open" \
    "($(( (rss1 - rss0) / IDLE )) KiB each), $((rss2 / 1024)) MiB 5 s after they closed; descriptors $fd0, $fd1, $fd2" \
    "(the router's limit: $(awk '/Max open files/ { print $4 }' "/proc/$wharf_pid/limits"))"
fi
