#!/usr/bin/env bash
# What Wharf adds to a server's start, in one run on this machine:
#   bare   - `docker run` of the Jupyter image with the same command, limits and port publishing
#            Wharf uses, then polling its /api/status until it answers 200 (what any spawner waits for)
#   wharf  - POST /hub/api/users/{name}/server through Wharf's API, then its progress stream read
#            until the event with ready: true
# Both are timed from the request to ready, N times each, interleaved; prints p50 and p95 of each
# and of their difference.
#
# Env: N (10), IMAGE (wharf/jupyter:latest). Traffic only to 127.0.0.1. Leaves nothing behind.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
N=${N:-10}
IMAGE=${IMAGE:-wharf/jupyter:latest}
instance=spawnbench-$$
user=admin
work=$(mktemp -d /tmp/wharf-spawn.XXXXXX)
jar=$work/cookies.txt
wharf_pid=''

say() { echo "spawn: $*" >&2; }
die() { say "$*"; exit 1; }
now_ms() { date +%s%3N; }
# shellcheck source=bench/lib.sh
source "$here/lib.sh"

cleanup() {
  local rc=$?
  set +e
  clean_up_wharf "$rc"
  exit "$rc"
}
trap cleanup EXIT

for tool in curl jq python3; do command -v "$tool" >/dev/null || die "$tool is needed"; done
"$repo"/scripts/ensure-docker.sh
[ -f "$repo/server/target/wharf.jar" ] || (cd "$repo" && mvn -B -q -DskipTests package)
start_wharf "$repo/server/target/wharf.jar" "$IMAGE"

# Sign in (which starts the admin's server), wait for it, stop it: from here on only timed starts.
sign_in
progress() { curl -sk -N -m 120 -b "$jar" "$base/hub/api/users/$user/server/progress" | grep -m1 -E '"ready":true|"failed":true'; }
progress >/dev/null
curl -sk -o /dev/null -b "$jar" -c "$jar" -X DELETE -H "X-XSRF-TOKEN: $(xsrf)" "$base/hub/api/users/$user/server"

bare_once() {
  local token start id hp
  token=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
  start=$(now_ms)
  id=$(docker run -d --label "wharf.instance=$instance" -e "JUPYTER_TOKEN=$token" -p 127.0.0.1::8888 \
    --memory 1g --cpus 1 --pids-limit 512 --cap-drop ALL --security-opt no-new-privileges \
    "$IMAGE" jupyter-notebook --ip=0.0.0.0 --port=8888 --no-browser --NotebookApp.base_url=/user/bare/)
  [ -n "$id" ] || die "docker run failed"
  hp=$(docker port "$id" 8888/tcp | grep '^127\.0\.0\.1:' | head -n1 | sed 's/.*://')
  [ -n "$hp" ] || die "the bare container published no port"
  local deadline=$(( $(now_ms) + 120000 ))
  until [ "$(curl -s -o /dev/null -m 1 -w '%{http_code}' -H "Authorization: token $token" \
      "http://127.0.0.1:$hp/user/bare/api/status" || true)" = 200 ]; do
    [ "$(now_ms)" -lt "$deadline" ] || die "the bare container was not ready within 120 s"
    sleep 0.05
  done
  echo $(( $(now_ms) - start ))
  docker rm -f "$id" >/dev/null
}

wharf_once() {
  local start event
  start=$(now_ms)
  curl -sk -o /dev/null -b "$jar" -c "$jar" -X POST -H "X-XSRF-TOKEN: $(xsrf)" "$base/hub/api/users/$user/server"
  event=$(progress)
  grep -q '"ready":true' <<<"$event" || die "a start failed: $event"
  echo $(( $(now_ms) - start ))
  curl -sk -o /dev/null -b "$jar" -c "$jar" -X DELETE -H "X-XSRF-TOKEN: $(xsrf)" "$base/hub/api/users/$user/server"
}

bare=() wharf=()
for i in $(seq 1 "$N"); do
  b=$(bare_once) || die "a bare start failed"
  w=$(wharf_once) || die "a start through Wharf failed"
  bare+=("$b")
  wharf+=("$w")
  say "round $i of $N: bare ${bare[-1]} ms, wharf ${wharf[-1]} ms"
done

pct() { # pct P values...: nearest-rank percentile
  local p=$1; shift
  printf '%s\n' "$@" | sort -n | awk -v p="$p" '{ v[NR] = $1 } END { i = int((p / 100) * NR + 0.999999); if (i < 1) i = 1; print v[i] }'
}
diffs=()
for i in "${!bare[@]}"; do diffs+=($(( wharf[i] - bare[i] ))); done
echo
echo "spawn to ready, $N starts each, interleaved, image $IMAGE, $(nproc) cores"
printf '%-22s %8s %8s\n' '' 'p50 ms' 'p95 ms'
printf '%-22s %8s %8s\n' 'bare container' "$(pct 50 "${bare[@]}")" "$(pct 95 "${bare[@]}")"
printf '%-22s %8s %8s\n' 'through Wharf' "$(pct 50 "${wharf[@]}")" "$(pct 95 "${wharf[@]}")"
printf '%-22s %8s %8s\n' 'Wharf adds (pairwise)' "$(pct 50 "${diffs[@]}")" "$(pct 95 "${diffs[@]}")"
