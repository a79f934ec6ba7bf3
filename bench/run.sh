#!/usr/bin/env bash
# Measures Wharf's router against two references, in one run on this machine:
#   direct  - the container's static nginx, plain HTTP on its published 127.0.0.1 port
#   nginx   - a host nginx terminating TLS and proxying to the same container
#   router  - Wharf terminating TLS, checking the session cookie, proxying to the container
#   token   - the same Wharf, with a JupyterHub API token (Authorization: token ...) instead of the cookie
# and prints requests/s, p99 latency and the ratios router/direct, nginx/direct, router/nginx.
#
# Env: DURATION (20s), WARMUP (15s; the router's, for the JIT), REFERENCE_WARMUP (10s; direct
#      and nginx, which have no JIT, and token, which runs on the JIT the router warmed), CONNECTIONS (50), THREADS (2), ROUNDS (1),
#      JAVA (java on the PATH), JAVA_OPTS (-XX:+UseParallelGC), WHARF_ROUTER_EVENT_LOOPS (Wharf's default),
#      BUILD=1 to rebuild the jar, BACKEND_ONLY=1 to skip Wharf (direct and nginx only),
#      NGINX_WORKERS (1): the reference nginx's worker_processes, WHARF_JAR (server/target/wharf.jar)
#      to measure another build, TOKEN (1; 0 skips the token target).
#      JIT_QUIET (2): after its warm-up, a router goes on warming up WARMUP_STEP (10) seconds at a
#      time, for at most WARMUP_MORE (120) seconds more, until its JIT compiler threads took at most
#      JIT_QUIET % of its CPU in the last step; the run prints how long each warmed up. The bars
#      are about a compiled router, and on a slow machine the JIT can still be at work after WARMUP.
#      H2 (1): then also nginx and the router over HTTP/2 with h2load
#      (H2_CLIENTS 10 connections x H2_STREAMS 10 streams, DURATION, after a warm-up of each:
#      H2_WARMUP for the routers, WARMUP unless set, as their HTTP/2 code is compiled only now;
#      REFERENCE_WARMUP for nginx), then measured in turn ROUNDS times, medians as over HTTP/1.1.
#      WHARF_JAR_B, JAVA_B, JAVA_OPTS_B, WHARF_ROUTER_EVENT_LOOPS_B: any of them set starts a second
#      Wharf (routerB: WHARF_JAR_B, else WHARF_JAR, with these settings, else the first one's),
#      measured in turn with the others in every round and over h2, so that two builds or two
#      settings are compared on the same machine state (routerB/router, and each against nginx).
# Sends traffic only to 127.0.0.1. Leaves no container, process or temp dir behind.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-15s}
REFERENCE_WARMUP=${REFERENCE_WARMUP:-10s}
JIT_QUIET=${JIT_QUIET:-2}
WARMUP_STEP=${WARMUP_STEP:-10}
WARMUP_MORE=${WARMUP_MORE:-120}
CONNECTIONS=${CONNECTIONS:-50}
THREADS=${THREADS:-2}
ROUNDS=${ROUNDS:-1}
JAVA_OPTS=${JAVA_OPTS:--XX:+UseParallelGC}
BACKEND_ONLY=${BACKEND_ONLY:-0}
NGINX_WORKERS=${NGINX_WORKERS:-1}
WHARF_JAR=${WHARF_JAR:-$repo/server/target/wharf.jar}
B=0
if [ -n "${WHARF_JAR_B:-}${JAVA_OPTS_B:-}${WHARF_ROUTER_EVENT_LOOPS_B:-}${JAVA_B:-}" ]; then
  B=1
  JAVA_B=${JAVA_B:-${JAVA:-java}}
  WHARF_JAR_B=${WHARF_JAR_B:-$WHARF_JAR}
  JAVA_OPTS_B=${JAVA_OPTS_B:-$JAVA_OPTS}
  WHARF_ROUTER_EVENT_LOOPS_B=${WHARF_ROUTER_EVENT_LOOPS_B:-${WHARF_ROUTER_EVENT_LOOPS:-}}
fi
image=wharf/bench-static:latest
instance=bench-$$
user=admin
path=/user/$user/index.html
marker='Hello from the Wharf bench'

work=$(mktemp -d /tmp/wharf-bench.XXXXXX)
wharf_pid=''
nginx_dir=$work/nginx
jar=$work/cookies.txt

say() { echo "bench: $*" >&2; }
die() { say "$*"; exit 1; }
# shellcheck source=bench/lib.sh
source "$here/lib.sh"

# as_b COMMAND...: runs COMMAND (a lib.sh function) on the second Wharf's state, then saves it.
# The first Wharf's state waits in a_* meanwhile, so that a failure within COMMAND (die, then the
# EXIT trap) can still put it back and clean up both.
wharf_pid_b='' base_b='' session_b='' password_b='' in_b=0
a_work=$work a_instance=$instance a_jar=$jar
a_pid='' a_base='' a_session='' a_password=''
to_b() {
  a_pid=$wharf_pid a_base=${base:-} a_session=${session:-} a_password=${password:-}
  work=$a_work/b instance=$a_instance-b jar=$a_work/b/cookies.txt
  wharf_pid=$wharf_pid_b base=$base_b session=$session_b password=$password_b
  in_b=1
}
to_a() {
  wharf_pid_b=$wharf_pid base_b=${base:-} session_b=${session:-} password_b=${password:-}
  work=$a_work instance=$a_instance jar=$a_jar
  wharf_pid=$a_pid base=$a_base session=$a_session password=$a_password
  in_b=0
}
as_b() {
  to_b
  mkdir -p "$work"
  "$@"
  to_a
}

cleanup() {
  local rc=$?
  set +e
  stop_nginx "$nginx_dir"
  [ "$in_b" = 1 ] && to_a
  [ "$B" = 1 ] && as_b clean_up_wharf "$rc"
  clean_up_wharf "$rc"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- prerequisites
missing=()
for tool in wrk jq curl openssl; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
H2=${H2:-1}
if [ "$H2" = 1 ] && ! command -v h2load >/dev/null 2>&1; then
  missing+=(nghttp2-client)
fi
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null
fi
ensure_nginx
PATH=$PATH:/usr/sbin
"$repo"/scripts/ensure-docker.sh
"$here"/build-static-image.sh

# ----------------------------------------------------------------- Wharf + container
if [ "$BACKEND_ONLY" = 1 ]; then
  say "BACKEND_ONLY=1: starting the container without Wharf"
  docker run -d --label "wharf.instance=$instance" -p 127.0.0.1::8888 "$image" >/dev/null
else
  if [ "${BUILD:-0}" = 1 ] || [ ! -f "$WHARF_JAR" ]; then
    say "building Wharf"
    (cd "$repo" && mvn -B -q -DskipTests package)
  fi
  start_wharf "$WHARF_JAR" "$image" 1
  say "Wharf is up"
  sign_in
  say "signed in as $user"
  await_ready
  say "the server is ready"
  if [ "$B" = 1 ]; then
    say "starting the second Wharf (routerB): $WHARF_JAR_B, JAVA_OPTS='$JAVA_OPTS_B'"
    if [ -n "$WHARF_ROUTER_EVENT_LOOPS_B" ]; then
      WHARF_BENCH_PORT='' JAVA=$JAVA_B JAVA_OPTS=$JAVA_OPTS_B WHARF_ROUTER_EVENT_LOOPS=$WHARF_ROUTER_EVENT_LOOPS_B \
        as_b start_wharf "$WHARF_JAR_B" "$image" 1
    else
      WHARF_BENCH_PORT='' JAVA=$JAVA_B JAVA_OPTS=$JAVA_OPTS_B as_b start_wharf "$WHARF_JAR_B" "$image" 1
    fi
    as_b sign_in
    as_b await_ready
    say "routerB is ready"
  fi
fi

cid=$(docker ps -q --filter "label=wharf.instance=$instance" | head -n 1)
[ -n "$cid" ] || die "no container labelled wharf.instance=$instance"
backend_port=$(docker port "$cid" 8888/tcp | grep '^127\.0\.0\.1:' | head -n 1 | sed 's/.*://')
[ -n "$backend_port" ] || die "container $cid publishes no 127.0.0.1 port for 8888"

# --------------------------------------------------------------- reference nginx
nginx_port=${NGINX_BENCH_PORT:-$(free_port)}
# Idle upstream connections nginx keeps: enough for every request that can be in flight (wrk's
# connections, or h2load's connections x streams), twice over. With fewer (64 before), the h2
# case's 100 concurrent requests made nginx close and reopen connections to the container all the
# time (18 871 TCP opens in 10 s, docker-proxy's included, against 235 with enough kept), which
# the router, whose pool keeps its connections, does not: the reference measured that churn.
upstream_keepalive=$(( 2 * ( CONNECTIONS > ${H2_CLIENTS:-10} * ${H2_STREAMS:-10} ? CONNECTIONS : ${H2_CLIENTS:-10} * ${H2_STREAMS:-10} ) ))
[ "$upstream_keepalive" -ge 64 ] || upstream_keepalive=64
nginx_settings="worker_processes $NGINX_WORKERS; TLSv1.2 and TLSv1.3 (default ciphers, HTTP/1.1 and h2); upstream keepalive $upstream_keepalive, keepalive_requests 100000; proxy_http_version 1.1; Connection \"\"; access_log off; proxy_buffering on"
nginx_http=$(cat <<EOF
    keepalive_requests 100000;
    upstream notebook {
        server 127.0.0.1:$backend_port;
        keepalive $upstream_keepalive;
        # nginx closes an upstream connection after 1 000 requests by default; the router does not.
        keepalive_requests 100000;
    }
EOF
)
nginx_location=$(cat <<'EOF'
            proxy_pass http://notebook;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
EOF
)
# " http2" for h2load (ALPN); wrk offers no ALPN and gets HTTP/1.1.
start_nginx "$nginx_dir" "$nginx_port" " http2" "$nginx_http" "$nginx_location"

# ------------------------------------------------------------------- measuring
names=(direct nginx)
urls=("http://127.0.0.1:$backend_port$path" "https://127.0.0.1:$nginx_port$path")
headers=("" "")
if [ "$BACKEND_ONLY" != 1 ]; then
  names+=(router)
  urls+=("$base$path")
  headers+=("Cookie: wharf-session=$session")
  if [ "$B" = 1 ]; then
    names+=(routerB)
    urls+=("$base_b$path")
    headers+=("Cookie: wharf-session=$session_b")
  fi
  if [ "${TOKEN:-1}" = 1 ]; then
    api_token=$(curl -sk -m 10 -b "$jar" -c "$jar" -H "X-XSRF-TOKEN: $(xsrf)" -H 'Content-Type: application/json' \
      -d '{"note": "bench"}' "$base/hub/api/users/$user/tokens" | jq -r '.token // empty')
    if [ -n "$api_token" ]; then
      names+=(token)
      urls+=("$base$path")
      headers+=("Authorization: token $api_token")
    else
      say "this build issued no API token; measuring the cookie only"
    fi
  fi
fi

# Every target must serve the page itself, not a redirect to the login page.
for i in "${!names[@]}"; do
  hdr=()
  [ -n "${headers[$i]}" ] && hdr=(-H "${headers[$i]}")
  body=$(curl -sk -m 5 "${hdr[@]}" "${urls[$i]}" || true)
  grep -q "$marker" <<<"$body" || die "${names[$i]} (${urls[$i]}) did not serve the bench page: ${body:0:200}"
done

# p99 from wrk's latency line ("99%  1.23ms") in milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
    printf "%.2f", n }'
}

# target_pid NAME: the Wharf process serving a router target; empty for the others.
target_pid() {
  case "$1" in
    router|token) echo "$wharf_pid" ;;
    routerB) echo "$wharf_pid_b" ;;
  esac
}

# CPU time (clock ticks) used so far by the process serving a target: the proxy's own cost per
# request, which unlike requests/s does not depend on what else the machine is doing.
cpu_ticks() {
  local pids=() fields=${2:-'$14 + $15'}
  case "$1" in
    nginx) pids=($(nginx_pids "$nginx_dir")) ;;
    router|token) pids=("$wharf_pid") ;;
    routerB) pids=("$wharf_pid_b") ;;
    *) echo 0; return ;;
  esac
  proc_ticks "$fields" "${pids[@]}"
}

# thread_ticks PID: "tid group ticks" for each of the process's threads, the group named from
# the thread's name: event loops, JIT compiler, GC, and the rest.
thread_ticks() {
  local t comm
  for t in /proc/"$1"/task/*; do
    comm=$(cat "$t/comm" 2>/dev/null) || continue
    case "$comm" in
      vert.x-eventloo*) comm=eventloops ;;
      C1\ Compiler*|C2\ Compiler*) comm=jit ;;
      GC\ Thread*|G1*|VM\ Thread) comm=gc ;;
      *) comm=other ;;
    esac
    echo "${t##*/} $comm $(awk '{ print $14 + $15 }' "$t/stat" 2>/dev/null || echo 0)"
  done
}

# threads_split BEFORE AFTER REQUESTS: CPU us per request of each thread group between two
# thread_ticks outputs (a thread that started in between counts from 0).
threads_split() {
  awk -v hz="$hz" -v n="$3" 'FNR == NR { before[$1] = $3; next }
    { d[$2] += $3 - before[$1] }
    END { printf "event loops %.1f, jit %.1f, gc %.1f, other %.1f", d["eventloops"] * 1e6 / hz / n,
      d["jit"] * 1e6 / hz / n, d["gc"] * 1e6 / hz / n, d["other"] * 1e6 / hz / n }' <(echo "$1") <(echo "$2")
}

# run_queue NAME: the time (ns) the threads serving NAME's requests (nginx's workers, the
# router's event loops) waited on a run queue for a CPU, and how many times they ran, from their
# /proc/.../schedstat. Their ratio between two samples is the wait per wake-up: on a machine
# whose cores are shared with wrk and the container, what the tail latency is made of.
run_queue() {
  local files=() nginx=() p t pid
  case "$1" in
    nginx)
      read -ra nginx <<<"$(nginx_pids "$nginx_dir")"
      for p in "${nginx[@]:1}"; do files+=(/proc/"$p"/task/*/schedstat); done ;;
    router|routerB|token)
      pid=$(target_pid "$1")
      for t in $(thread_ticks "$pid" | awk '$2 == "eventloops" { print $1 }'); do
        files+=(/proc/"$pid"/task/"$t"/schedstat)
      done ;;
    *) echo "0 0"; return ;;
  esac
  [ "${#files[@]}" -gt 0 ] || { echo "0 0"; return; }
  cat "${files[@]}" 2>/dev/null | awk '{ w += $2; n += $3 } END { printf "%.0f %.0f\n", w, n }'
}

# jit_share BEFORE AFTER: the JIT compiler threads' share (%) of a process's CPU between two
# thread_ticks outputs.
jit_share() {
  awk 'FNR == NR { before[$1] = $3; next } { d = $3 - before[$1]; all += d; if ($2 == "jit") jit += d }
    END { printf "%.1f", (all > 0 ? jit * 100 / all : 0) }' <(echo "$1") <(echo "$2")
}

# settle NAME LOAD: once NAME's warm-up is over, runs `LOAD SECONDS` WARMUP_STEP seconds at a time
# until the JIT took at most JIT_QUIET % of the router's CPU in the last step, or WARMUP_MORE
# seconds have passed; records what it took in settled[NAME], which the report prints.
declare -A settled
settle() {
  local name=$1 load=$2 pid t0 t1 share waited=0
  pid=$(target_pid "$name")
  [ -n "$pid" ] || return 0
  while :; do
    t0=$(thread_ticks "$pid")
    "$load" "$WARMUP_STEP"
    t1=$(thread_ticks "$pid")
    waited=$(( waited + WARMUP_STEP ))
    share=$(jit_share "$t0" "$t1")
    if awk -v s="$share" -v q="$JIT_QUIET" 'BEGIN { exit !(s <= q) }'; then
      settled[$name]="${waited} s more (JIT $share % of its CPU in the last ${WARMUP_STEP} s)"
      return 0
    fi
    if [ "$waited" -ge "$WARMUP_MORE" ]; then
      settled[$name]="${waited} s more, JIT still $share % of its CPU"
      say "warning: $name's JIT still took $share % of its CPU after ${waited} s more of warm-up"
      return 0
    fi
  done
}

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# Targets are measured in turn, ROUNDS times; each target's figure is its median over the
# rounds, which evens out drift on a shared machine. Only the first round warms up.
declare -A rps_all p99_all rps p99 errs cpu_all cpu sys_all sys split_all wait_all
hz=$(getconf CLK_TCK)
for round in $(seq 1 "$ROUNDS"); do
  for i in "${!names[@]}"; do
    name=${names[$i]}
    hdr=()
    [ -n "${headers[$i]}" ] && hdr=(-H "${headers[$i]}")
    if [ "$round" = 1 ]; then
      warmup=$REFERENCE_WARMUP
      [ "$name" = router ] || [ "$name" = routerB ] && warmup=$WARMUP
      say "$name: warming up $warmup"
      wrk -t"$THREADS" -c"$CONNECTIONS" -d"$warmup" "${hdr[@]}" "${urls[$i]}" >/dev/null
      wrk_load() { wrk -t"$THREADS" -c"$CONNECTIONS" -d"$1s" "${hdr[@]}" "${urls[$i]}" >/dev/null; }
      case "$name" in router|routerB) settle "$name" wrk_load ;; esac
    fi
    say "$name: measuring $DURATION (round $round of $ROUNDS)"
    pid=$(target_pid "$name")
    [ -n "$pid" ] && threads0=$(thread_ticks "$pid")
    ticks0=$(cpu_ticks "$name")
    sys0=$(cpu_ticks "$name" '$15')
    rq0=$(run_queue "$name")
    out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "${hdr[@]}" "${urls[$i]}")
    rq1=$(run_queue "$name")
    ticks1=$(cpu_ticks "$name")
    sys1=$(cpu_ticks "$name" '$15')
    [ -n "$pid" ] && threads1=$(thread_ticks "$pid")
    if ! grep -q '^Requests/sec: *[1-9]' <<<"$out"; then
      echo "$out" >&2
      die "$name served nothing during the measurement (wrk's output above)"
    fi
    rps_all[$name]+=" $(awk '/^Requests\/sec:/ { printf "%.0f", $2 }' <<<"$out")"
    requests=$(awk '/requests in/ { print $1 }' <<<"$out")
    cpu_all[$name]+=" $(awk -v t=$(( ticks1 - ticks0 )) -v hz="$hz" -v n="$requests" 'BEGIN { printf "%.1f", t * 1e6 / hz / n }')"
    sys_all[$name]+=" $(awk -v t=$(( sys1 - sys0 )) -v hz="$hz" -v n="$requests" 'BEGIN { printf "%.1f", t * 1e6 / hz / n }')"
    p99_all[$name]+=" $(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")"
    [ "$name" = direct ] || wait_all[$name]+=" $(awk -v a="$rq0" -v b="$rq1" 'BEGIN { split(a, x, " "); split(b, y, " ")
      printf "%.0f", (y[2] > x[2] ? (y[1] - x[1]) / (y[2] - x[2]) / 1000 : 0) }')"
    [ -n "$pid" ] && split_all[$name]+="; $(threads_split "$threads0" "$threads1" "$requests")"
    non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' <<<"$out")
    sockerr=$(awk '/Socket errors:/ { gsub(/,/, ""); print $4 + $6 + $8 + $10 }' <<<"$out")
    errs[$name]=$(( ${errs[$name]:-0} + ${non2xx:-0} + ${sockerr:-0} ))
  done
done
for name in "${names[@]}"; do
  rps[$name]=$(median <<<"${rps_all[$name]}")
  p99[$name]=$(median <<<"${p99_all[$name]}")
  cpu[$name]=$(median <<<"${cpu_all[$name]}")
  sys[$name]=$(median <<<"${sys_all[$name]}")
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

# h2_case: nginx and the router over HTTP/2 (h2load, TLS with ALPN): each warmed up, then all
# measured in turn ROUNDS times, as over HTTP/1.1; prints each one's median requests/s, mean
# request time and CPU per request, the CPU ratios by round, and router/nginx.
h2_case() {
  local clients=${H2_CLIENTS:-10} streams=${H2_STREAMS:-10} name out t0 t1 n round
  declare -A h2_url h2_hdr h2_rps h2_mean h2_cpu h2_split h2_settled
  local h2_names=(nginx router)
  [ "$B" = 1 ] && h2_names+=(routerB)
  h2_url[nginx]=https://127.0.0.1:$nginx_port$path
  h2_url[router]=$base$path h2_hdr[router]="cookie: wharf-session=$session"
  [ "$B" = 1 ] && h2_url[routerB]=$base_b$path h2_hdr[routerB]="cookie: wharf-session=$session_b"
  hdr_of() { [ -n "${h2_hdr[$1]:-}" ] && printf '%s\n' -H "${h2_hdr[$1]}"; }
  for name in "${h2_names[@]}"; do
    local warmup=${H2_WARMUP:-$WARMUP}
    [ "$name" = nginx ] && warmup=$REFERENCE_WARMUP
    say "$name over h2: warming up $warmup"
    mapfile -t hdr < <(hdr_of "$name")
    h2load -c"$clients" -m"$streams" -D "$warmup" "${hdr[@]}" "${h2_url[$name]}" >/dev/null
    h2_load() { h2load -c"$clients" -m"$streams" -D "$1" "${hdr[@]}" "${h2_url[$name]}" >/dev/null; }
    [ "$name" = nginx ] || { settle "$name" h2_load; h2_settled[$name]=${settled[$name]:-}; }
  done
  for round in $(seq 1 "$ROUNDS"); do
    for name in "${h2_names[@]}"; do
      say "$name over h2: measuring $DURATION (round $round of $ROUNDS)"
      mapfile -t hdr < <(hdr_of "$name")
      local pid threads0='' threads1=''
      pid=$(target_pid "$name")
      [ -n "$pid" ] && threads0=$(thread_ticks "$pid")
      t0=$(cpu_ticks "$name")
      out=$(h2load -c"$clients" -m"$streams" -D "$DURATION" "${hdr[@]}" "${h2_url[$name]}")
      t1=$(cpu_ticks "$name")
      [ -n "$pid" ] && threads1=$(thread_ticks "$pid")
      grep -q 'Application protocol: h2' <<<"$out" || { echo "$out" >&2; die "$name did not speak h2"; }
      n=$(awk '/^requests:/ { print $8 }' <<<"$out")
      [ "${n:-0}" -gt 0 ] || { echo "$out" >&2; die "$name over h2 answered nothing"; }
      h2_rps[$name]+=" $(awk '/^finished in/ { printf "%.0f", $4 }' <<<"$out")"
      h2_mean[$name]+=" $(awk '/^time for request:/ { print $6 }' <<<"$out" | sed 's/ms$//')"
      h2_cpu[$name]+=" $(awk -v t=$(( t1 - t0 )) -v hz="$hz" -v n="$n" 'BEGIN { printf "%.1f", t * 1e6 / hz / n }')"
      [ -n "$pid" ] && h2_split[$name]+="; $(threads_split "$threads0" "$threads1" "$n")"
      local failed
      failed=$(awk '/^requests:/ { print $10 }' <<<"$out")
      [ "${failed:-0}" = 0 ] || say "warning: $name over h2 had $failed failed requests"
    done
  done
  echo
  echo "HTTP/2: h2load -c$clients -m$streams -D $DURATION after a warm-up (${H2_WARMUP:-$WARMUP} routers, $REFERENCE_WARMUP nginx); $ROUNDS round(s), median"
  for name in "${h2_names[@]}"; do
    [ -n "${h2_settled[$name]:-}" ] && echo "$name warmed up ${H2_WARMUP:-$WARMUP} over h2, then ${h2_settled[$name]}"
  done
  printf '%-8s %12s %14s %14s\n' target 'requests/s' 'mean ms' 'cpu us/request'
  declare -A h2_med
  for name in "${h2_names[@]}"; do
    h2_med[$name]=$(median <<<"${h2_cpu[$name]}")
    printf '%-8s %12s %14s %14s\n' "$name" "$(median <<<"${h2_rps[$name]}")" "$(median <<<"${h2_mean[$name]}")" "${h2_med[$name]}"
  done
  for name in "${h2_names[@]}"; do
    echo "h2 $name rounds: req/s${h2_rps[$name]}; cpu us/request${h2_cpu[$name]}"
    [ -n "${h2_split[$name]:-}" ] && echo "h2 $name cpu us/request by threads: ${h2_split[$name]#; }"
  done
  h2_by_round() {
    paste -d' ' <(tr ' ' '\n' <<<"${h2_cpu[$1]# }") <(tr ' ' '\n' <<<"${h2_cpu[$2]# }") \
      | awk '{ printf " %.2f", $1 / $2 }'
  }
  local r
  r=$(h2_by_round router nginx)
  echo "h2 cpu per request by round, router/nginx:$r (median $(median <<<"$r"))"
  echo "h2 router/nginx: requests/s $(ratio "$(median <<<"${h2_rps[router]}")" "$(median <<<"${h2_rps[nginx]}")"), cpu per request $(ratio "${h2_med[router]}" "${h2_med[nginx]}")"
  if [ "$B" = 1 ]; then
    r=$(h2_by_round routerB router)
    echo "h2 cpu per request by round, routerB/router:$r (median $(median <<<"$r"))"
    echo "h2 routerB/nginx: cpu per request $(ratio "${h2_med[routerB]}" "${h2_med[nginx]}"); routerB/router $(ratio "${h2_med[routerB]}" "${h2_med[router]}")"
  fi
}

cores=$(nproc)
echo
echo "Wharf bench: wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency after a warm-up ($WARMUP router, $REFERENCE_WARMUP direct and nginx); $ROUNDS round(s), median; $cores cores"
echo "backend: $image (nginx, 1 worker, a $(curl -s "${urls[0]}" | wc -c)-byte static page) on 127.0.0.1:$backend_port"
echo "nginx reference: $nginx_settings"
for name in router routerB; do
  [ -n "${settled[$name]:-}" ] && echo "$name warmed up $WARMUP, then ${settled[$name]}"
done
if [ "$BACKEND_ONLY" != 1 ]; then
  echo "router: Wharf $WHARF_JAR, $("${JAVA:-java}" -version 2>&1 | head -n 1), JAVA_OPTS='$JAVA_OPTS', event loops: ${WHARF_ROUTER_EVENT_LOOPS:-config default}"
  [ "$B" = 1 ] && echo "routerB: Wharf $WHARF_JAR_B, $("$JAVA_B" -version 2>&1 | head -n 1), JAVA_OPTS='$JAVA_OPTS_B', event loops: ${WHARF_ROUTER_EVENT_LOOPS_B:-config default}"
fi
echo
printf '%-8s %12s %10s %8s %14s %14s\n' target 'requests/s' 'p99 ms' errors 'cpu us/request' 'of which sys'
for name in "${names[@]}"; do
  c=${cpu[$name]} s=${sys[$name]}
  [ "$name" = direct ] && c='-' s='-'
  printf '%-8s %12s %10s %8s %14s %14s\n' "$name" "${rps[$name]}" "${p99[$name]}" "${errs[$name]}" "$c" "$s"
done
for name in "${names[@]}"; do
  [ -n "${split_all[$name]:-}" ] && echo "$name cpu us/request by threads${split_all[$name]/#;/:}"
done
if [ "$ROUNDS" -gt 1 ]; then
  echo
  for name in "${names[@]}"; do
    echo "$name rounds: req/s${rps_all[$name]}; p99 ms${p99_all[$name]}; cpu us/request${cpu_all[$name]:- -}"
  done
  # Each round's ratio is taken minutes or seconds apart, not across the whole run: its median
  # is the steadier figure on a machine whose load changes.
  if [ "$BACKEND_ONLY" != 1 ]; then
    per_round() { paste -d' ' <(tr ' ' '\n' <<<"${cpu_all[$1]# }") <(tr ' ' '\n' <<<"${cpu_all[$2]# }") \
      | awk '{ printf " %.2f", ($2 > 0 ? $1 / $2 : 0) }'; }
    r=$(per_round router nginx)
    echo "cpu per request by round, router/nginx:$r (median $(median <<<"$r"))"
    p99_diff() { paste -d' ' <(tr ' ' '\n' <<<"${p99_all[$1]# }") <(tr ' ' '\n' <<<"${p99_all[$2]# }") \
      | awk '{ printf " %+.2f", $1 - $2 }'; }
    r=$(p99_diff router nginx)
    echo "p99 by round, router - nginx (ms):$r (median $(median <<<"$r"))"
    echo "run-queue wait per wake-up by round (us): nginx's workers${wait_all[nginx]}; the router's event loops${wait_all[router]}"
    [ "$B" = 1 ] && echo "run-queue wait per wake-up by round (us): routerB's event loops${wait_all[routerB]}"
    if [ "$B" = 1 ]; then
      r=$(per_round routerB nginx)
      echo "cpu per request by round, routerB/nginx:$r (median $(median <<<"$r"))"
      r=$(per_round routerB router)
      echo "cpu per request by round, routerB/router:$r (median $(median <<<"$r"))"
      r=$(p99_diff routerB nginx)
      echo "p99 by round, routerB - nginx (ms):$r (median $(median <<<"$r"))"
    fi
  fi
fi
echo
printf '%-16s %8s %8s\n' ratio 'req/s' 'p99'
printf '%-16s %8s %8s\n' nginx/direct "$(ratio "${rps[nginx]}" "${rps[direct]}")" "$(ratio "${p99[nginx]}" "${p99[direct]}")"
if [ "$BACKEND_ONLY" != 1 ]; then
  printf '%-16s %8s %8s\n' router/direct "$(ratio "${rps[router]}" "${rps[direct]}")" "$(ratio "${p99[router]}" "${p99[direct]}")"
  printf '%-16s %8s %8s\n' router/nginx "$(ratio "${rps[router]}" "${rps[nginx]}")" "$(ratio "${p99[router]}" "${p99[nginx]}")"
  if [ "$B" = 1 ]; then
    printf '%-16s %8s %8s\n' routerB/nginx "$(ratio "${rps[routerB]}" "${rps[nginx]}")" "$(ratio "${p99[routerB]}" "${p99[nginx]}")"
    printf '%-16s %8s %8s\n' routerB/router "$(ratio "${rps[routerB]}" "${rps[router]}")" "$(ratio "${p99[routerB]}" "${p99[router]}")"
  fi
  if [ -n "${rps[token]:-}" ]; then
    printf '%-16s %8s %8s\n' token/router "$(ratio "${rps[token]}" "${rps[router]}")" "$(ratio "${p99[token]}" "${p99[router]}")"
    echo "cpu per request, token/router: $(ratio "${cpu[token]}" "${cpu[router]}")"
  fi
  echo "cpu per request, router/nginx: $(ratio "${cpu[router]}" "${cpu[nginx]}") (lower is cheaper; 1.0 means as cheap as nginx)"
  if [ "$B" = 1 ]; then
    echo "cpu per request, routerB/nginx: $(ratio "${cpu[routerB]}" "${cpu[nginx]}"); routerB/router: $(ratio "${cpu[routerB]}" "${cpu[router]}")"
  fi
fi
if [ "$H2" = 1 ] && [ "$BACKEND_ONLY" != 1 ]; then
  h2_case
fi
for name in "${names[@]}"; do
  [ "${errs[$name]}" = 0 ] || say "warning: $name had ${errs[$name]} errors or non-2xx answers; see its figures with care"
done
