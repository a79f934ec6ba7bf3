#!/usr/bin/env bash
# Idle WebSockets, without Docker: the router alone (local-router.sh) in front of the node echo
# server; ws/load.js opens IDLE WebSockets through it (50 at a time) and holds them HOLD seconds
# (30). Prints the router's RSS, open descriptors and heap used after a full GC: started, after a
# warm-up (WARM WebSockets opened and closed, 2000, so that the JIT, the allocator's arenas and
# the TLS session caches are in place), with the IDLE open, and after they closed; and RSS per
# WebSocket. Each tunnel holds two descriptors in the router, and a process may have at most
# `ulimit -Hn`, so IDLE defaults to what fits: (hard limit - 200) / 2, at most 10000.
# Env: IDLE, HOLD, WARM, LOOPS (2), ROUTER_ENV (MALLOC_ARENA_MAX=2),
# JAVA_OPTS (-XX:+UseSerialGC -Xmx160m -Xmn24m; with -XX:NativeMemoryTracking=summary
# the JVM's native memory by category is printed too). Traffic only to 127.0.0.1.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
limit=$(ulimit -Hn)
[ "$limit" = unlimited ] && limit=1048576
# Raised as far as the hard limit allows; the router, the echo server and the client inherit it.
ulimit -n "$limit"
fit=$(( (limit - 200) / 2 ))
IDLE=${IDLE:-$(( fit < 10000 ? fit : 10000 ))}
HOLD=${HOLD:-30}
WARM=${WARM:-2000}
# A small young generation and heap, and two malloc arenas: the settings that hold 10000 within 300 MB.
export JAVA_OPTS=${JAVA_OPTS:--XX:+UseSerialGC -Xmx160m -Xmn24m}
export ROUTER_ENV=${ROUTER_ENV-MALLOC_ARENA_MAX=2}
work=$(mktemp -d /tmp/wharf-bench-idle.XXXXXX)
router_pid='' echo_pid='' load_pid=''

say() { echo "idle: $*" >&2; }
die() { say "$*"; exit 1; }
# shellcheck source=bench/lib.sh
source "$here/lib.sh"
# shellcheck source=bench/local-router.sh
source "$here/local-router.sh"
clean_up_local_router_on_exit

[ "$IDLE" -le "$fit" ] || die "IDLE=$IDLE needs $(( 2 * IDLE + 200 )) descriptors in the router; the hard limit is $limit"
start_local_router
say "router $router_pid (JAVA_OPTS=$JAVA_OPTS, ROUTER_ENV=$ROUTER_ENV, descriptor limit $(awk '/Max open files/ { print $4 }' "/proc/$router_pid/limits"))"
url=wss://${base#https://}/user/admin/api/kernels/idle/channels
report() { read -r fds rss heap <<<"$(router_sample)"; printf '%-34s %8s %10s %10s\n' "$1" "$fds" "$((rss / 1024))" "$((heap / 1024))"; }
hold() {
  node "$here/ws/load.js" "$url" "$2" "idle:$1" "$cookie" "$base" >"$work/idle.out" 2>&1 &
  load_pid=$!
  for _ in $(seq 1 1200); do
    grep -q '"open"' "$work/idle.out" && return 0
    kill -0 "$load_pid" 2>/dev/null || break
    sleep 0.5
  done
  cat "$work/idle.out" >&2
  die "the $1 WebSockets did not all open"
}
printf '%-34s %8s %10s %10s\n' '' descriptors 'RSS MiB' 'heap MiB'
report started
hold "$WARM" 1
wait "$load_pid"; load_pid=''
sleep 3
report "after $WARM opened and closed"
read -r _ rss0 _ <<<"$(router_sample)"
hold "$IDLE" "$HOLD"
sleep 5
report "$IDLE open"
read -r _ rss1 _ <<<"$(router_sample)"
if [[ "$JAVA_OPTS" == *NativeMemoryTracking* ]]; then
  # The JVM's own account of its native memory, by category, with them open.
  jcmd "$router_pid" VM.native_memory summary | grep -E '^-|Total' | sed 's/^/  /'
fi
wait "$load_pid"; load_pid=''
sleep 5
report "5 s after they closed"
echo "RSS per idle WebSocket: $(( (rss1 - rss0) / IDLE )) KiB; with $IDLE open: $((rss1 / 1024)) MiB;" \
  "at that rate 10000 would need $(( (rss0 + (rss1 - rss0) * 10000 / IDLE) / 1024 )) MiB"
