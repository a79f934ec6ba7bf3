# Shared by the WebSocket bench scripts that need no Docker (sourced): the node echo server
# (ws/echo.js) on 127.0.0.1 as the notebook, and the router alone in front of it
# (router/src/test/java/io/wharf/router/bench/LocalRouter.java: the real RouterVerticle over TLS,
# in-memory routes and sessions), on the native epoll transport as Wharf runs. The caller defines
# say and die and sets repo and work; start_local_router sets echo_pid, router_pid, base and
# cookie. JAVA_OPTS apply to the router, ROUTER_ENV (NAME=VALUE ...) is added to its environment
# (such as MALLOC_ARENA_MAX=2), LOOPS (2) is its number of event loops.

# local_router_classpath: compiles the router and its test classes (offline) and prints their class path.
local_router_classpath() {
  local cp netty
  (cd "$repo" && mvn -B -o -q test-compile dependency:build-classpath -pl router -am -Dmdep.includeScope=test \
    -Dmdep.outputFile="$work/cp.txt") >&2 || die "could not build the router's class path"
  cp=$(cat "$work/cp.txt")
  # The native transport is the server module's dependency; its jars are taken from the local repository.
  netty=$(tr ':' '\n' <<<"$cp" | sed -n 's|.*/netty-common/\([^/]*\)/.*|\1|p' | head -n 1)
  for jar in "netty-transport-classes-epoll/$netty/netty-transport-classes-epoll-$netty.jar" \
             "netty-transport-native-epoll/$netty/netty-transport-native-epoll-$netty-linux-x86_64.jar"; do
    [ -f "$HOME/.m2/repository/io/netty/$jar" ] && cp=$cp:$HOME/.m2/repository/io/netty/$jar
  done
  echo "$repo/router/target/test-classes:$repo/router/target/classes:$cp"
}

# start_local_router: starts the echo server and the router; returns once the router answers.
start_local_router() {
  local cp backend port i
  cp=$(local_router_classpath)
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
    -keyout "$work/key.pem" -out "$work/cert.pem" >/dev/null 2>&1 || die "openssl could not make a certificate"
  backend=$(free_port)
  HOST=127.0.0.1 PORT=$backend node "$repo/bench/ws/echo.js" >"$work/echo.log" 2>&1 &
  echo_pid=$!
  port=$(free_port)
  # shellcheck disable=SC2086
  env ${ROUTER_ENV:-} java ${JAVA_OPTS:-} -cp "$cp" io.wharf.router.bench.LocalRouter "$port" "$backend" "${LOOPS:-2}" \
    "$work/cert.pem" "$work/key.pem" >"$work/router.out" 2>"$work/router.log" &
  router_pid=$!
  base=https://127.0.0.1:$port
  for i in $(seq 1 120); do
    kill -0 "$router_pid" 2>/dev/null || { cat "$work/router.log" >&2; die "the router exited during start-up"; }
    cookie=$(grep -m 1 "^wharf-session=" "$work/router.out" 2>/dev/null || true)
    [ -n "$cookie" ] && curl -sk -o /dev/null -m 2 "$base/hub/health" && return 0
    sleep 0.5
  done
  die "the router did not start within 60 s"
}

stop_local_router() {
  local pid
  for pid in ${router_pid:-} ${echo_pid:-}; do
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null || true
  done
  router_pid='' echo_pid=''
}

# On any exit: stops the load ($load_pid), the router and the echo server, and removes $work.
clean_up_local_router_on_exit() {
  trap 'rc=$?; set +e; [ -n "${load_pid:-}" ] && kill "$load_pid" 2>/dev/null; stop_local_router; rm -rf "$work"; exit "$rc"' EXIT
  trap 'exit 130' INT TERM
}

# router_sample: "fds rss_kib heap_kib" of the router, the heap as used after a full GC.
router_sample() {
  local fds rss heap
  jcmd "$router_pid" GC.run >/dev/null 2>&1
  fds=$(ls "/proc/$router_pid/fd" | wc -l)
  rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$router_pid/status")
  heap=$(jcmd "$router_pid" GC.heap_info 2>/dev/null | sed -n 's/.*total [0-9]*K, used \([0-9]*\)K.*/\1/p' | awk '{ s += $1 } END { print s + 0 }')
  echo "$fds $rss $heap"
}
