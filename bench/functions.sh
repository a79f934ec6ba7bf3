#!/usr/bin/env bash
# Measures what Wharf adds to a registered function's calls, in one run on this machine:
#   warm  - the same function, one running container, loaded with wrk -c$CONNECTIONS (POST, a
#           small JSON body): directly on the container's published 127.0.0.1 port (plain HTTP,
#           POST /invoke/{cmd}, functions/runtime/PROTOCOL.md) and through Wharf with a key (TLS,
#           POST /fn/{owner}/{fn}/{cmd}); ROUNDS rounds in turn, medians: the throughput ratio
#           and the p50 Wharf adds.
#   cold  - from zero containers to the first answer: through Wharf (the function scaled to zero
#           after a short idle time) against a bare start of the very same container (same image,
#           mounts, limits and network, created and started on the Docker API) and its first
#           answer; interleaved, COLD_ROUNDS rounds, p50 of each.
# The function is published from a folder of the user's home, written through the notebook's
# contents API, as a user would.
#
# Env: DURATION (15s), WARMUP (15s; through Wharf, for the JIT), CONNECTIONS (32), THREADS (2),
#      ROUNDS (3), COLD_ROUNDS (10; 0 skips the cold start), IDLE (2; functions.idle-seconds),
#      WORK_MS (0): milliseconds of CPU the function spends on each call, JAVA_OPTS (-XX:+UseParallelGC),
#      WHARF_JAR (server/target/wharf.jar), BUILD=1 to rebuild it.
#      RATE (0): functions.calls-per-second-per-key and key-burst; 0 turns the per-key rate limit
#      off, a value far above the load (1000000) keeps it on without refusals, to measure its cost.
#      WARM_POOL (0): with N > 0, Wharf keeps N generic containers warm (functions.warm-pool-size),
#      so the cold rounds through Wharf are served from the warm pool; the report then says how
#      many of them were (the pool's claim counters) and their p50 against the 100 ms target.
# Sends traffic only to 127.0.0.1. Leaves no container, volume, process or temp dir behind.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
DURATION=${DURATION:-15s}
WARMUP=${WARMUP:-15s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
ROUNDS=${ROUNDS:-3}
COLD_ROUNDS=${COLD_ROUNDS:-10}
IDLE=${IDLE:-2}
WORK_MS=${WORK_MS:-0}
JAVA_OPTS=${JAVA_OPTS:--XX:+UseParallelGC}
WHARF_JAR=${WHARF_JAR:-$repo/server/target/wharf.jar}
image=wharf/jupyter:latest
instance=fnbench-$$
user=admin

work=$(mktemp -d /tmp/wharf-fnbench.XXXXXX)
wharf_pid=''
jar=$work/cookies.txt

say() { echo "bench: $*" >&2; }
die() { say "$*"; exit 1; }
# shellcheck source=bench/lib.sh
source "$here/lib.sh"

cleanup() {
  local rc=$?
  set +e
  clean_up_wharf "$rc"
  vols=$(docker volume ls -q --filter "label=wharf.instance=$instance" 2>/dev/null)
  [ -n "$vols" ] && docker volume rm -f $vols >/dev/null 2>&1
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for tool in wrk jq curl python3; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is needed"
done
docker image inspect "$image" >/dev/null 2>&1 || die "the image $image is needed (scripts/build-image.sh)"

if [ "${BUILD:-0}" = 1 ] || [ ! -f "$WHARF_JAR" ]; then
  say "building Wharf"
  (cd "$repo" && mvn -B -q -DskipTests package)
fi

# ------------------------------------------------------------------------ Wharf
export BENCH_HOME_VOLUME="$instance-home-{account}"
export WHARF_FUNCTIONS_IDLE_SECONDS=$IDLE WHARF_FUNCTIONS_SCALE_DOWN_WINDOW_SECONDS=1
# One key drives the whole load: no per-key rate limit in the way, unless RATE asks for one so
# high that it never refuses, to measure what checking it costs each call.
RATE=${RATE:-0}
export WHARF_FUNCTIONS_CALLS_PER_SECOND_PER_KEY=$RATE WHARF_FUNCTIONS_KEY_BURST=$(( RATE > 0 ? RATE : 100 ))
WARM_POOL=${WARM_POOL:-0}
export WHARF_FUNCTIONS_WARM_POOL_SIZE=$WARM_POOL
start_wharf "$WHARF_JAR" "$image" 0
sign_in
await_ready
say "signed in as $user; the notebook server is ready"

hub() { # hub METHOD PATH [JSON]: the hub API with the session cookie and the CSRF header
  local data=()
  [ $# -lt 3 ] || data=(--data "$3")
  curl -sk -m 120 -b "$jar" -c "$jar" -X "$1" -H "X-XSRF-TOKEN: $(xsrf)" -H 'Content-Type: application/json' \
    "${data[@]}" "$base$2"
}

# ---------------------------------------------- the function, written in the home
# The notebook's contents API through the router: Jupyter wants its _xsrf cookie echoed.
curl -sk -o /dev/null -b "$jar" -c "$jar" "$base/user/$user/tree"
nb_xsrf=$(awk '$6 == "_xsrf" { v = $7 } END { print v }' "$jar")
contents() {
  curl -sk -o /dev/null -w '%{http_code}' -b "$jar" -c "$jar" -X PUT -H "X-XSRFToken: $nb_xsrf" \
    -H 'Content-Type: application/json' --data "$2" "$base/user/$user/api/contents/$1"
}
for dir in functions functions/bench; do
  code=$(contents "$dir" '{"type": "directory"}')
  [ "$code" = 200 ] || [ "$code" = 201 ] || die "PUT $dir answered $code"
done
main_py=$'import time\n\n\ndef echo(x=0, ms=0):\n    end = time.thread_time() + ms / 1000\n    while time.thread_time() < end:\n        pass\n    return x\n'
code=$(contents functions/bench/main.py "$(jq -n --arg c "$main_py" \
  '{type: "file", format: "text", content: $c}')")
[ "$code" = 200 ] || [ "$code" = 201 ] || die "PUT functions/bench/main.py answered $code"

publish() { # publish NAME MIN MAX CONCURRENCY -> prints the key
  local out
  out=$(hub POST "/hub/api/users/$user/functions/$1" \
    "{\"path\": \"functions/bench\", \"min_containers\": $2, \"max_containers\": $3, \"concurrency\": $4, \"timeout_seconds\": 60}")
  jq -e .version <<<"$out" >/dev/null || die "publishing $1 failed: $out"
  out=$(hub POST "/hub/api/users/$user/functions/$1/keys" '{"note": "bench"}')
  jq -er .key <<<"$out" || die "no key for $1: $out"
}
body="{\"args\": [], \"kwargs\": {\"x\": 1, \"ms\": $WORK_MS}}"
call() { # call NAME KEY -> status
  curl -sk -o /dev/null -m 60 -w '%{http_code}' -X POST -H "Authorization: Bearer $2" -H 'Content-Type: application/json' \
    --data "$body" "$base/fn/$user/$1/echo"
}
fn_containers() { # the running containers of function NAME that Wharf started
  { docker ps -q --filter "label=wharf.instance=$instance" --filter "label=wharf.kind=function" --filter "label=wharf.function=$1"
    # A claimed warm container's labels name no function: the hub's log tail lists it.
    [ "$WARM_POOL" = 0 ] || hub GET "/hub/api/users/$user/functions/$1/logs?lines=1" | jq -r '.containers[]?.id' | cut -c1-12
  } | sort -u
}

# --------------------------------------------------------------------------- warm
# One container taking every call at once (concurrency = connections), kept while idle.
warm_key=$(publish warm 1 1 "$CONNECTIONS")
[ "$(call warm "$warm_key")" = 200 ] || die "the first call of warm failed"
cid=$(fn_containers warm | head -n 1)
[ -n "$cid" ] || die "no container for the function warm"
docker inspect "$cid" >"$work/template.json"
fn_port=$(docker port "$cid" 8000/tcp | grep '^127\.0\.0\.1:' | head -n 1 | sed 's/.*://')
[ -n "$fn_port" ] || die "the function's container publishes no 127.0.0.1 port"
direct_answer=$(curl -s -X POST -H 'Content-Type: application/json' --data "$body" "http://127.0.0.1:$fn_port/invoke/echo")
[ "$direct_answer" = '{"result": 1}' ] || [ "$direct_answer" = '{"result":1}' ] || die "direct call answered $direct_answer"

cat >"$work/post.lua" <<LUA
wrk.method = "POST"
wrk.body = '$body'
wrk.headers["Content-Type"] = "application/json"
LUA
to_ms() {
  awk -v v="$1" 'BEGIN { n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
    printf "%.3f", n }'
}
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

names=(direct wharf)
urls=("http://127.0.0.1:$fn_port/invoke/echo" "$base/fn/$user/warm/echo")
headers=("X-Bench: direct" "Authorization: Bearer $warm_key")
declare -A rps_all p50_all p99_all errs
hz=$(getconf CLK_TCK)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$wharf_pid/stat"; }
cpu_all=""
say "warming up through Wharf for $WARMUP, directly for 5s"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -s "$work/post.lua" -H "${headers[1]}" "${urls[1]}" >/dev/null
wrk -t"$THREADS" -c"$CONNECTIONS" -d5s -s "$work/post.lua" "${urls[0]}" >/dev/null
for round in $(seq 1 "$ROUNDS"); do
  for i in 0 1; do
    name=${names[$i]}
    say "warm $name: $DURATION (round $round of $ROUNDS)"
    ticks0=$(cpu_ticks)
    out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$work/post.lua" -H "${headers[$i]}" "${urls[$i]}")
    ticks1=$(cpu_ticks)
    if [ "$name" = wharf ]; then
      cpu_all+=" $(awk -v t=$(( ticks1 - ticks0 )) -v hz="$hz" -v n="$(awk '/requests in/ { print $1 }' <<<"$out")" \
        'BEGIN { printf "%.0f", t * 1e6 / hz / n }')"
    fi
    grep -q '^Requests/sec: *[1-9]' <<<"$out" || { echo "$out" >&2; die "$name served nothing"; }
    rps_all[$name]+=" $(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' <<<"$out")"
    p50_all[$name]+=" $(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")"
    p99_all[$name]+=" $(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")"
    non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' <<<"$out")
    sockerr=$(awk '/Socket errors:/ { gsub(/,/, ""); print $4 + $6 + $8 + $10 }' <<<"$out")
    errs[$name]=$(( ${errs[$name]:-0} + ${non2xx:-0} + ${sockerr:-0} ))
  done
done
hub DELETE "/hub/api/users/$user/functions/warm" >/dev/null

# --------------------------------------------------------------------------- cold
[ "$COLD_ROUNDS" -gt 0 ] && cold_key=$(publish cold 0 1 1)
cat >"$work/cold.py" <<'PY'
"""One cold start, printed in ms. wharf URL KEY BODY: on an open TLS connection to Wharf, the time
from sending the call to its answer. bare TEMPLATE INSTANCE BODY: the time from creating the same
container on the Docker API (what the template, a Wharf-made one's inspect, shows) to its
runtime's first answer to the same call, polled every 5 ms."""
import http.client, json, os, socket, ssl, sys, time

def wharf(url, key, body):
    host, port = url.split("//")[1].split(":")
    conn = http.client.HTTPSConnection(host, int(port), context=ssl._create_unverified_context(), timeout=120)
    conn.request("GET", "/hub/health")
    conn.getresponse().read()
    t0 = time.perf_counter()
    conn.request("POST", path, body, {"Authorization": "Bearer " + key, "Content-Type": "application/json"})
    r = conn.getresponse()
    r.read()
    return r.status, (time.perf_counter() - t0) * 1000

class Docker(http.client.HTTPConnection):
    def __init__(self):
        super().__init__("localhost", timeout=120)
    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect("/var/run/docker.sock")

def api(method, path, payload=None):
    d = Docker()
    d.request(method, path, json.dumps(payload) if payload is not None else None, {"Content-Type": "application/json"})
    r = d.getresponse()
    data = r.read()
    if r.status >= 300:
        raise SystemExit(f"docker {method} {path}: {r.status} {data[:300]}")
    return json.loads(data) if data else None

def bare(template, instance, body):
    t = json.load(open(template))[0]
    c, h = t["Config"], t["HostConfig"]
    port = next(iter(c["ExposedPorts"]))
    spec = {"Image": c["Image"], "Cmd": c["Cmd"], "Env": c["Env"], "User": c["User"], "ExposedPorts": c["ExposedPorts"],
            "Labels": {"wharf.instance": instance, "wharf.bench": "bare"},
            "HostConfig": {k: h[k] for k in ("Binds", "Mounts", "ReadonlyRootfs", "Tmpfs", "CapDrop", "SecurityOpt", "Memory", "NanoCpus",
                                             "PidsLimit", "NetworkMode") if h.get(k) is not None}}
    spec["HostConfig"]["PortBindings"] = {port: [{"HostIp": "127.0.0.1", "HostPort": ""}]}
    if "WHARF_SNAPSHOT_DIR=" in c["Env"]:
        # A claimed warm container (WARM_POOL): start its snapshot as a container of its own would. Every function
        # here is published from the same folder, so the data directory holds one snapshot.
        warm = next(b.split(":")[0] for b in h["Binds"] if b.split(":")[1] == "/snapshots")
        root = os.path.join(os.path.dirname(os.path.dirname(warm)), "snapshots")
        sha = next(d for d in sorted(os.listdir(root)) if len(d) == 64)
        spec["HostConfig"]["Binds"] = [b for b in h["Binds"] if b.split(":")[1] != "/snapshots"] + [f"{root}/{sha}:/snapshot:ro"]
        spec["Env"] = [e for e in c["Env"] if not e.startswith("WHARF_SNAPSHOT_DIR=")] + ["WHARF_SNAPSHOT_DIR=/snapshot"]
    t0 = time.perf_counter()
    cid = api("POST", "/containers/create", spec)["Id"]
    api("POST", f"/containers/{cid}/start")
    host_port = int(api("GET", f"/containers/{cid}/json")["NetworkSettings"]["Ports"][port][0]["HostPort"])
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", host_port, timeout=5)
            conn.request("POST", "/invoke/echo", body, {"Content-Type": "application/json"})
            r = conn.getresponse()
            r.read()
            if r.status == 200:
                break
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.005)
    ms = (time.perf_counter() - t0) * 1000
    api("DELETE", f"/containers/{cid}?force=true&v=true")
    return 200, ms

if sys.argv[1] == "wharf":
    base, path = sys.argv[2].split("/fn/", 1)
    path = "/fn/" + path
    status, ms = wharf(base, sys.argv[3], sys.argv[4])
else:
    status, ms = bare(sys.argv[2], sys.argv[3], sys.argv[4])
print(status, f"{ms:.1f}")
PY
await_zero() {
  for _ in $(seq 1 240); do
    [ -z "$(fn_containers cold)" ] && return 0
    sleep 0.25
  done
  die "the function cold did not scale to zero within 60 s"
}
declare -a cold_wharf cold_bare
for round in $(seq 1 "$COLD_ROUNDS"); do
  await_zero
  order=(wharf bare)
  [ $(( round % 2 )) = 0 ] && order=(bare wharf)
  for what in "${order[@]}"; do
    if [ "$what" = wharf ]; then
      read -r status ms < <(python3 "$work/cold.py" wharf "$base/fn/$user/cold/echo" "$cold_key" "$body")
      [ "$status" = 200 ] || die "a cold call through Wharf answered $status"
      cold_wharf+=("$ms")
    else
      read -r status ms < <(python3 "$work/cold.py" bare "$work/template.json" "$instance" "$body")
      cold_bare+=("$ms")
    fi
  done
  say "cold round $round of $COLD_ROUNDS: wharf ${cold_wharf[-1]} ms, bare ${cold_bare[-1]} ms"
done

# ------------------------------------------------------ cold, from the warm pool
# With WARM_POOL, the cold rounds above were from the warm pool wherever it had a container:
# the claim counters say how many were, and how many found it empty (a normal start).
warm_pool_claims() { # warm_pool_claims OUTCOME -> the counter's value, 0 when absent
  hub GET /hub/metrics | awk -v o="$1" '$1 == "wharf_function_warm_pool_claims_total{outcome=\"" o "\"}" { v = $2 }
    END { printf "%d", v + 0 }'
}
warm_report=''
if [ "$WARM_POOL" -gt 0 ] && [ "$COLD_ROUNDS" -gt 0 ]; then
  warm_report="cold start from the warm pool (functions.warm-pool-size $WARM_POOL): wharf p50 $(median <<<"${cold_wharf[*]}") ms"
  warm_report+=" (target <= 100 ms); claimed $(warm_pool_claims claimed), empty pool $(warm_pool_claims miss),"
  warm_report+=" failed loads $(warm_pool_claims failed) of $COLD_ROUNDS rounds"
fi

# ------------------------------------------------------------------------ report
for name in direct wharf; do
  eval "rps_$name=\$(median <<<\"\${rps_all[$name]}\")"
  eval "p50_$name=\$(median <<<\"\${p50_all[$name]}\")"
  eval "p99_$name=\$(median <<<\"\${p99_all[$name]}\")"
done
cw='' cb=''
if [ "$COLD_ROUNDS" -gt 0 ]; then
  cw=$(median <<<"${cold_wharf[*]}")
  cb=$(median <<<"${cold_bare[*]}")
fi
echo
echo "Functions bench: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg) at the end"
echo "warm: wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency, POST $body; $ROUNDS round(s) in turn, medians"
printf '%-8s %12s %10s %10s %8s\n' target 'requests/s' 'p50 ms' 'p99 ms' errors
printf '%-8s %12s %10s %10s %8s\n' direct "$rps_direct" "$p50_direct" "$p99_direct" "${errs[direct]}"
printf '%-8s %12s %10s %10s %8s\n' wharf "$rps_wharf" "$p50_wharf" "$p99_wharf" "${errs[wharf]}"
echo "rounds: direct req/s${rps_all[direct]}, p50 ms${p50_all[direct]}; wharf req/s${rps_all[wharf]}, p50 ms${p50_all[wharf]}"
echo "Wharf's CPU per call through it (user + system, µs):$cpu_all"
echo "throughput ratio wharf/direct: $(awk -v a="$rps_wharf" -v b="$rps_direct" 'BEGIN { printf "%.3f", a / b }') (target >= 0.85)"
echo "added p50: $(awk -v a="$p50_wharf" -v b="$p50_direct" 'BEGIN { printf "%.3f", a - b }') ms (target <= 0.5 ms)"
[ "$COLD_ROUNDS" -gt 0 ] || exit 0
echo "cold start, $COLD_ROUNDS interleaved rounds: wharf p50 $cw ms, bare container p50 $cb ms," \
  "added $(awk -v a="$cw" -v b="$cb" 'BEGIN { printf "%.1f", a - b }') ms (target <= 150 ms)"
echo "cold rounds: wharf ${cold_wharf[*]}; bare ${cold_bare[*]}"
[ -z "$warm_report" ] || echo "$warm_report"
