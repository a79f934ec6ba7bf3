# Shared by the bench scripts (sourced): a private Wharf started from a copy of its jar, signed in
# to as the login form does, and the host nginx that run.sh and websocket.sh measure as a
# TLS-terminating reference (start_nginx). The caller defines say and die, and sets repo, work,
# instance, user and jar (the curl cookie file); start_wharf sets wharf_pid, base and password.

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

xsrf() { awk '$6 == "XSRF-TOKEN" { v = $7 } END { print v }' "$jar" 2>/dev/null; }

# start_wharf WHARF_JAR IMAGE [LIGHT]: starts Wharf (with JAVA, by default the java on the PATH, and
# JAVA_OPTS) from a copy of WHARF_JAR,
# so that a rebuild during the run changes nothing, with servers running IMAGE; LIGHT=1 when
# IMAGE is the static bench image, LIGHT=echo when it is the WebSocket echo image. Returns once /hub/health answers 200.
start_wharf() {
  local wharf_jar=$1 image=$2 light=${3:-0} port i code
  cp "$wharf_jar" "$work/wharf.jar"
  port=${WHARF_BENCH_PORT:-$(free_port)}
  password=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
  say "starting Wharf on https://127.0.0.1:$port (instance $instance)"
  (
    cd "$repo"
    export WHARF_INSTANCE_ID=$instance WHARF_INSTANCE_DATA_DIR=$work/data WHARF_ROUTER_HOST=127.0.0.1
    export WHARF_ROUTER_HTTPS_PORT=$port WHARF_ROUTER_HTTP_PORT=0 WHARF_CLUSTER_PORT=${WHARF_CLUSTER_PORT:-$(free_port)}
    export WHARF_AUTH_ADMIN_USER=$user WHARF_AUTH_ADMIN_PASSWORD=$password WHARF_AUTH_PASSWORD_ITERATIONS=10000
    export WHARF_CONTAINERS_IMAGE=$image WHARF_CONTAINERS_ALLOWED_IMAGES=$image
    # No home unless the caller names its volume (bench/functions.sh publishes from a home).
    export WHARF_CONTAINERS_HOME_VOLUME=${BENCH_HOME_VOLUME:-}
    if [ "$light" = 1 ]; then
      export WHARF_CONTAINERS_COMMAND=/usr/sbin/nginx,-c,/etc/nginx/nginx.conf WHARF_CONTAINERS_READY_PATH=/
    elif [ "$light" = echo ]; then
      export WHARF_CONTAINERS_COMMAND=/usr/bin/node,/srv/echo.js WHARF_CONTAINERS_READY_PATH=/
    fi
    # A session of its own, as a service runs (and as nginx, which calls setsid when it starts):
    # with the kernel's autogroups on, the router would otherwise share the load generator's CPU share.
    # shellcheck disable=SC2086
    exec setsid "${JAVA:-java}" ${JAVA_OPTS:-} -jar "$work/wharf.jar"
  ) >"$work/wharf.log" 2>&1 &
  wharf_pid=$!
  base=https://127.0.0.1:$port
  # The subshell execs java after its set-up, which a machine just booted may take seconds to run.
  for i in $(seq 1 100); do
    [ "$(cat "/proc/$wharf_pid/comm" 2>/dev/null)" = java ] && break
    kill -0 "$wharf_pid" 2>/dev/null || break
    sleep 0.1
  done
  [ "$(cat "/proc/$wharf_pid/comm" 2>/dev/null)" = java ] || die "Wharf does not run as process $wharf_pid"
  for i in $(seq 1 120); do
    kill -0 "$wharf_pid" 2>/dev/null || die "Wharf exited during start-up"
    code=$(curl -sk -o /dev/null -m 2 -w '%{http_code}' "$base/hub/health" || true)
    [ "$code" = 200 ] && return 0
    sleep 0.5
  done
  die "Wharf's /hub/health did not answer 200 within 60 s (last: $code)"
}

# sign_in: GET sets the XSRF-TOKEN cookie, POST echoes it; signing in starts the user's server.
# Sets session (the wharf-session cookie's value).
sign_in() {
  local location
  curl -sk -o /dev/null -c "$jar" -b "$jar" "$base/hub/login"
  [ -n "$(xsrf)" ] || die "GET /hub/login set no XSRF-TOKEN cookie"
  location=$(curl -sk -o /dev/null -w '%{redirect_url}' -c "$jar" -b "$jar" \
    --data-urlencode "username=$user" --data-urlencode "password=$password" \
    --data-urlencode "X-XSRF-TOKEN=$(xsrf)" "$base/hub/login")
  session=$(awk '$6 == "wharf-session" { v = $7 } END { print v }' "$jar")
  [ -n "$session" ] || die "login gave no wharf-session cookie (redirect: $location)"
}

# await_ready: waits until the API calls the user's default server ready; dies on a failure.
await_ready() {
  local i model error
  for i in $(seq 1 120); do
    model=$(curl -sk -m 5 -b "$jar" -c "$jar" "$base/hub/api/user" || true)
    [ "$(jq -r '.servers[""].ready // false' <<<"$model" 2>/dev/null || echo false)" = true ] && return 0
    error=$(jq -r '.servers[""].state.error // empty' <<<"$model" 2>/dev/null || true)
    [ -n "$error" ] && die "the server failed to start: $error"
    sleep 0.5
  done
  die "the server was not ready within 60 s: $model"
}

# stop_wharf: asks Wharf to stop the user's server (so it forgets it), then stops Wharf.
stop_wharf() {
  if [ -n "${wharf_pid:-}" ] && kill -0 "$wharf_pid" 2>/dev/null; then
    curl -sk -o /dev/null -m 10 -b "$jar" -c "$jar" -X DELETE -H "X-XSRF-TOKEN: $(xsrf)" \
      "$base/hub/api/users/$user/server"
    kill "$wharf_pid" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$wharf_pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$wharf_pid" 2>/dev/null
    wait "$wharf_pid" 2>/dev/null
  fi
}

# clean_up_wharf RC: stops Wharf, removes every container of this instance, shows Wharf's last
# log lines when the run failed (RC not 0), and removes the work directory.
clean_up_wharf() {
  local rc=$1 ids
  stop_wharf
  ids=$(docker ps -aq --filter "label=wharf.instance=$instance" 2>/dev/null)
  [ -n "$ids" ] && docker rm -f -v $ids >/dev/null 2>&1
  if [ "$rc" != 0 ] && [ -f "$work/wharf.log" ]; then
    say "Wharf's log, last lines:"
    tail -n 30 "$work/wharf.log" >&2
  fi
  rm -rf "$work"
}

# ensure_nginx: installs Debian's nginx (nginx-light where the release has it) when
# /usr/sbin/nginx is missing.
ensure_nginx() {
  [ -x /usr/sbin/nginx ] && return 0
  say "installing nginx-light"
  DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q nginx-light >/dev/null 2>&1 \
    || DEBIAN_FRONTEND=noninteractive apt-get install -y -q nginx >/dev/null
}

# start_nginx DIR PORT LISTEN HTTP LOCATION: starts a host nginx as a TLS-terminating reference
# proxy on 127.0.0.1:PORT, with a throwaway self-signed certificate (CN 127.0.0.1) and
# NGINX_WORKERS (1) worker processes; its config, certificate, pid file (DIR/nginx.pid), error
# log and temp paths are all in DIR, and it logs no accesses. LISTEN follows "ssl" in the listen
# directive (" http2", or empty), HTTP goes into the http block before the server (upstreams,
# settings), LOCATION is the body of "location /". Returns once nginx has written its pid file;
# stop_nginx DIR stops it.
start_nginx() {
  local dir=$1 port=$2 listen=$3 http=$4 location=$5
  mkdir -p "$dir"
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
    -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null
  cat >"$dir/nginx.conf" <<EOF
worker_processes ${NGINX_WORKERS:-1};
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $dir/body;
    proxy_temp_path $dir/proxy;
    fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi;
    scgi_temp_path $dir/scgi;
$http
    server {
        listen 127.0.0.1:$port ssl$listen;
        ssl_certificate $dir/cert.pem;
        ssl_certificate_key $dir/key.pem;
        # nginx 1.22 offers only up to TLS 1.2 by default; the router negotiates TLS 1.3 with
        # wrk and node, so both get the same protocol and cipher (TLS_AES_256_GCM_SHA384).
        ssl_protocols TLSv1.2 TLSv1.3;
        location / {
$location
        }
    }
}
EOF
  /usr/sbin/nginx -c "$dir/nginx.conf" -p "$dir" -e "$dir/error.log"
  for _ in $(seq 1 20); do [ -s "$dir/nginx.pid" ] && return 0; sleep 0.1; done
}

# proc_ticks FIELDS PID...: the clock ticks in FIELDS of /proc/PID/stat ('$14 + $15', user and
# system time; '$15', system alone), summed over the processes; a process gone counts 0.
proc_ticks() {
  local fields=$1 total=0 p
  shift
  for p in "$@"; do total=$(( total + $(awk "{ print $fields }" "/proc/$p/stat" 2>/dev/null || echo 0) )); done
  echo "$total"
}

# nginx_pids DIR: the processes of the nginx started in DIR, its master and its workers.
nginx_pids() {
  local master
  master=$(cat "$1/nginx.pid" 2>/dev/null) || return 0
  echo "$master" $(pgrep -P "$master")
}

# stop_nginx DIR: stops the nginx started in DIR, if it runs, and waits (5 s at most) for it to go.
stop_nginx() {
  local master
  master=$(cat "$1/nginx.pid" 2>/dev/null) || return 0
  kill "$master" 2>/dev/null || return 0
  for _ in $(seq 1 50); do kill -0 "$master" 2>/dev/null || return 0; sleep 0.1; done
}
