#!/usr/bin/env bash
# WebSocket churn soak, without Docker: the router alone (local-router.sh) in front of the node
# echo server, and ws/load.js in churn mode for DURATION seconds: WORKERS (10) loops each opening
# a WebSocket through the router, ping-ponging MESSAGES (20) messages, closing it with a close
# frame and pausing PAUSE_MS (100); beside them HTTP_PER_S (50) plain GETs a second to the same
# notebook. Every SAMPLE seconds (60) the router's open descriptors, RSS and heap used after a
# full GC (jcmd) are printed; at the end, the last sample against the first one taken after
# WARMUP (60) seconds, and the load's totals (WebSockets opened and closed, messages, HTTP, errors).
# Env: DURATION (1800), SAMPLE, WARMUP, WORKERS, MESSAGES, PAUSE_MS, HTTP_PER_S, LOOPS (2),
# JAVA_OPTS (-Xmx256m). Sends traffic only to 127.0.0.1; leaves no process or temp dir behind.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
DURATION=${DURATION:-1800}
SAMPLE=${SAMPLE:-60}
WARMUP=${WARMUP:-60}
WORKERS=${WORKERS:-10}
MESSAGES=${MESSAGES:-20}
PAUSE_MS=${PAUSE_MS:-100}
HTTP_PER_S=${HTTP_PER_S:-50}
export JAVA_OPTS=${JAVA_OPTS:--Xmx256m}
work=$(mktemp -d /tmp/wharf-bench-soak.XXXXXX)
router_pid='' echo_pid='' load_pid=''

say() { echo "soak: $*" >&2; }
die() { say "$*"; exit 1; }
# shellcheck source=bench/lib.sh
source "$here/lib.sh"
# shellcheck source=bench/local-router.sh
source "$here/local-router.sh"
clean_up_local_router_on_exit

for tool in node java jcmd curl openssl; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is needed"
done
start_local_router
say "router $router_pid on $base (JAVA_OPTS=$JAVA_OPTS), echo server $echo_pid; churn for ${DURATION}s"
url=wss://${base#https://}/user/admin/api/kernels/soak/channels
node "$here/ws/load.js" "$url" "$DURATION" "churn:$WORKERS:$MESSAGES:$PAUSE_MS:$HTTP_PER_S" "$cookie" "$base" \
  >"$work/load.out" 2>"$work/load.err" &
load_pid=$!

printf '%8s %8s %10s %10s %8s  %s\n' seconds fds 'RSS MiB' 'heap MiB' load 'load totals'
start=$(date +%s)
first=''
while kill -0 "$load_pid" 2>/dev/null; do
  sleep "$SAMPLE"
  kill -0 "$load_pid" 2>/dev/null || break
  elapsed=$(( $(date +%s) - start ))
  read -r fds rss heap <<<"$(router_sample)"
  printf '%8s %8s %10.1f %10.1f %8s  %s\n' "$elapsed" "$fds" "$(bc -l <<<"$rss / 1024")" "$(bc -l <<<"$heap / 1024")" \
    "$(cut -d' ' -f1 /proc/loadavg)" "$(tail -n 1 "$work/load.out")"
  if [ -z "$first" ] && [ "$elapsed" -ge "$WARMUP" ]; then
    first="$fds $rss $heap"
  fi
  last="$fds $rss $heap"
done
wait "$load_pid" || die "the load failed: $(cat "$work/load.err")"
load_pid=''
sleep 3
read -r fds rss heap <<<"$(router_sample)"
echo "after the load stopped: descriptors $fds, RSS $((rss / 1024)) MiB, heap after GC $((heap / 1024)) MiB"
echo "load totals: $(tail -n 1 "$work/load.out")"
if [ -n "$first" ]; then
  read -r f0 r0 h0 <<<"$first"
  read -r f1 r1 h1 <<<"$last"
  growth() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.1f %%", (b - a) * 100 / a }'; }
  echo "under load, first sample after ${WARMUP}s to last: descriptors $f0 -> $f1 ($(growth "$f0" "$f1")), RSS $((r0 / 1024)) -> $((r1 / 1024)) MiB ($(growth "$r0" "$r1")), heap after GC $((h0 / 1024)) -> $((h1 / 1024)) MiB ($(growth "$h0" "$h1"))"
fi
# grep -c exits 1 when it counts none: a clean run.
echo "router log lines at WARN or ERROR: $(grep -c -E 'WARN|ERROR' "$work/router.log" || true)"
