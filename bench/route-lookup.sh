#!/usr/bin/env bash
# Route-lookup throughput through Wharf's router with 1 and with COUNT (100 000) sessions in the
# shared Hazelcast map, as a ratio measured in one run.
#
# Starts one Wharf whose user's "notebook" is the static bench container, signs in, and loads the
# router with wrk four times with the very same requests (the user's page, with its cookie), in
# the order small, large, large, small:
#   small - the map holds the user's session alone;
#   large - SyntheticSessions (server test classes) added COUNT records through a Hazelcast
#           client, all routing to the same container; it removes them again before the last load.
# Adding or removing 100 000 records in one go leaves a transient behind (with 5 to 15 s of
# settling, the first 20-s load after it ran 25 to 40% slower, the next one not), so each load
# after a change follows a SETTLE load. The symmetric order cancels a steady drift (JIT, other
# work on the machine); it prints
# ratio = mean(large) / mean(small), where 1.00 means the size of the map costs the hot path
# nothing, and each pair's spread.
#
# Env: COUNT (100000), DURATION (20s), WARMUP (40s, before the first load), SETTLE (40s, a load
#      before each of the others, so that what follows adding or removing sessions is not measured),
#      CONNECTIONS (50), THREADS (2), JAVA_OPTS (-XX:+UseParallelGC), BUILD=1 to rebuild.
# Sends traffic only to 127.0.0.1. Leaves no container, process or temp dir behind.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
COUNT=${COUNT:-100000}
DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-40s}
SETTLE=${SETTLE:-40s}
CONNECTIONS=${CONNECTIONS:-50}
THREADS=${THREADS:-2}
JAVA_OPTS=${JAVA_OPTS:--XX:+UseParallelGC}
image=wharf/bench-static:latest
instance=bench-routes-$$
user=admin
path=/user/$user/index.html
marker='Hello from the Wharf bench'

work=$(mktemp -d /tmp/wharf-route-bench.XXXXXX)
jar=$work/cookies.txt
wharf_pid=''
base=''

say() { echo "bench: $*" >&2; }
die() { say "$*"; exit 1; }
# shellcheck source=bench/lib.sh
source "$here/lib.sh"

cleanup() {
  local rc=$?
  set +e
  clean_up_wharf "$rc"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for tool in wrk jq curl; do
  command -v "$tool" >/dev/null 2>&1 || { say "installing $tool"; DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$tool" >/dev/null; }
done
"$repo"/scripts/ensure-docker.sh
"$here"/build-static-image.sh
if [ "${BUILD:-0}" = 1 ] || [ ! -f "$repo/server/target/wharf.jar" ] \
  || [ ! -f "$repo/server/target/test-classes/io/wharf/server/SyntheticSessions.class" ]; then
  say "building Wharf and its test classes"
  (cd "$repo" && mvn -B -q -DskipTests package)
fi
# A private copy of the test classes: a rebuild during the run must not change what runs.
cp -r "$repo/server/target/test-classes" "$work/test-classes"

export WHARF_CLUSTER_PORT=$(free_port)
export WHARF_CLUSTER_ADVERTISE_ADDRESS=127.0.0.1
start_wharf "$repo/server/target/wharf.jar" "$image" 1
# Signing in as the login form does starts the user's server.
sign_in
await_ready
curl -sk -m 5 -H "Cookie: wharf-session=$session" "$base$path" | grep -q "$marker" || die "the router did not serve the bench page"

sessions() {
  java -cp "$work/wharf.jar:$work/test-classes" io.wharf.server.SyntheticSessions "$1" "$COUNT" "$user" 2>>"$work/filler.log" \
    || { tail -n 20 "$work/filler.log" >&2; die "SyntheticSessions $1 failed"; }
}

# One load: prints requests/s; fails on errors, since a failing router would look fast.
load() {
  local out errors
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$1" -H "Cookie: wharf-session=$session" "$base$path" >/dev/null
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -H "Cookie: wharf-session=$session" "$base$path")
  errors=$(awk '/Non-2xx or 3xx responses:/ { n += $NF } /Socket errors:/ { gsub(/,/, ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }' <<<"$out")
  [ "$errors" = 0 ] || { echo "$out" >&2; die "$errors errors or non-2xx answers"; }
  awk '/^Requests\/sec:/ { printf "%.0f", $2 }' <<<"$out"
}

say "small map (1 session): warming up $WARMUP, measuring $DURATION"
small1=$(load "$WARMUP")
say "adding $COUNT synthetic sessions"
sessions add
say "large map ($((COUNT + 1)) sessions): measuring $DURATION, twice"
large1=$(load "$SETTLE")
large2=$(load "$SETTLE")
say "removing them"
sessions remove
say "small map again: measuring $DURATION"
small2=$(load "$SETTLE")

echo
echo "Route lookup through the router: wrk -t$THREADS -c$CONNECTIONS -d$DURATION, the same request each time,"
echo "loads in the order small, large, large, small; $(nproc) cores"
printf '%-22s %12s\n' 'sessions in the map' 'requests/s'
printf '%-22s %12s\n' 1 "$small1" "$((COUNT + 1))" "$large1" "$((COUNT + 1))" "$large2" 1 "$small2"
awk -v n="$((COUNT + 1))" -v a="$small1" -v b="$large1" -v c="$large2" -v d="$small2" 'BEGIN {
  printf "ratio %d/1 sessions: %.3f (spread: small %.3f, large %.3f)\n", n, (b + c) / (a + d), d / a, c / b }'
