#!/usr/bin/env bash
# Runs a local three-instance Wharf cluster behind nginx, to try the cluster on one machine:
#   instances wharf-1, wharf-2, wharf-3 on 127.0.0.1, 127.0.0.2, 127.0.0.3 (router on port
#   INSTANCE_PORT, Hazelcast on CLUSTER_PORT, containers published on the same address), joined
#   over TCP-IP with a cluster secret and sharing one cookie secret;
#   nginx on https://localhost:PORT/ spreading requests round-robin, with no stickiness;
#   one PostgreSQL server on 127.0.0.1:PG_PORT that the three share for accounts and tokens
#   (a cluster refuses embedded databases).
# Sets up what is missing first (JDK, Maven, Docker, the Jupyter image, nginx, PostgreSQL).
# Runs in the foreground; Ctrl-C stops the instances, nginx and PostgreSQL. Notebook containers
# keep running and the next run re-adopts them: state, the database and secrets live under
# data/cluster/.
#
# Env: PORT (8443), INSTANCE_PORT (9443), CLUSTER_PORT (5701), PG_PORT (5433), BUILD=1 to rebuild the jar,
#      WHARF_AUTH_ADMIN_PASSWORD (otherwise generated once and kept under data/cluster/),
#      any other WHARF_* setting (README), applied to every instance.
# Try: kill -9 one instance's pid (printed below) and keep using the notebook; list, drain or
#      resume instances with scripts/instances.sh (the command it prints at the start).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
source "$WHARF_HOME/scripts/postgres.sh"
cd "$WHARF_HOME"

PORT=${PORT:-8443}
INSTANCE_PORT=${INSTANCE_PORT:-9443}
CLUSTER_PORT=${CLUSTER_PORT:-5701}
PG_PORT=${PG_PORT:-5433}
addresses=(127.0.0.1 127.0.0.2 127.0.0.3)
state=$WHARF_HOME/data/cluster

say() { echo "cluster: $*" >&2; }

if [ ! -x /usr/sbin/nginx ]; then
  say "installing nginx-light"
  wharf_apt_install nginx-light || wharf_apt_install nginx
fi
command -v openssl >/dev/null 2>&1 || wharf_apt_install openssl

if [ "${BUILD:-0}" = 1 ] || [ ! -f server/target/wharf.jar ]; then
  say "building"
  mvn -B -q -DskipTests clean package
fi

mkdir -p "$state"
chmod 700 "$state"
# Secrets made once and reused, so cookies and the cluster survive a re-run.
secret() {
  local file=$state/$1
  [ -s "$file" ] || (umask 077 && openssl rand "${2:-32}" | base64 -w0 >"$file")
  cat "$file"
}
cookie_secret=$(secret cookie-secret)
cluster_secret=$(secret cluster-secret)
if [ -z "${WHARF_AUTH_ADMIN_PASSWORD:-}" ]; then
  WHARF_AUTH_ADMIN_PASSWORD=$(secret admin-password 12 | tr -d '/+=')
fi

# nginx: its own prefix, a self-signed certificate for localhost, the shared configuration.
lb=$state/nginx
mkdir -p "$lb"
# nginx's workers run unprivileged and write their temp files here.
chmod 755 "$state" "$lb"
if [ ! -s "$lb/cert.pem" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj /CN=localhost \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$lb/key.pem" -out "$lb/cert.pem" 2>/dev/null
fi
upstreams=''
for address in "${addresses[@]}"; do
  upstreams+="    server $address:$INSTANCE_PORT max_fails=1 fail_timeout=3s;"$'\n'
done
sed -e "s|@PREFIX@|$lb|g" -e "s|@LISTEN@|127.0.0.1:$PORT|" -e "s|@CERT@|$lb/cert.pem|" -e "s|@KEY@|$lb/key.pem|" \
  conf/nginx-cluster.conf | awk -v u="$upstreams" '/@UPSTREAMS@/ { printf "%s", u; next } { print }' >"$lb/nginx.conf"

pids=()
stop() {
  trap - EXIT INT TERM
  say "stopping"
  [ -f "$lb/nginx.pid" ] && kill "$(cat "$lb/nginx.pid")" 2>/dev/null
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  wharf_postgres_stop "$state/postgres"
}
trap stop EXIT
trap 'exit 130' INT TERM

# The database the instances share; it keeps its files under data/cluster/postgres.
say "starting PostgreSQL on 127.0.0.1:$PG_PORT"
wharf_postgres_start "$state/postgres" "$PG_PORT" wharf

members=$(printf "%s:$CLUSTER_PORT," "${addresses[@]}")
for i in "${!addresses[@]}"; do
  id=wharf-$((i + 1))
  address=${addresses[$i]}
  mkdir -p "$state/$id"
  (
    export WHARF_INSTANCE_ID=$id
    export WHARF_INSTANCE_DATA_DIR=$state/$id
    export WHARF_ROUTER_HOST=$address
    export WHARF_ROUTER_HTTPS_PORT=$INSTANCE_PORT
    export WHARF_ROUTER_HTTP_PORT=0
    export WHARF_ROUTER_PUBLIC_URL=https://localhost:$PORT
    export WHARF_CLUSTER_ADVERTISE_ADDRESS=$address
    export WHARF_CLUSTER_PORT=$CLUSTER_PORT
    export WHARF_CLUSTER_MEMBERS=${members%,}
    export WHARF_CLUSTER_SECRET=$cluster_secret
    export WHARF_CONTAINERS_PUBLISH_HOST=$address
    export WHARF_AUTH_COOKIE_SECRET=$cookie_secret
    export WHARF_AUTH_ADMIN_PASSWORD
    # nginx connects from 127.0.0.1: its X-Forwarded-For names the client for the per-address login limit.
    export WHARF_AUTH_TRUSTED_PROXIES=${WHARF_AUTH_TRUSTED_PROXIES:-127.0.0.1}
    export WHARF_STORE_URL=$WHARF_POSTGRES_URL WHARF_STORE_USER=$WHARF_POSTGRES_USER WHARF_STORE_PASSWORD=$WHARF_POSTGRES_PASSWORD
    exec java -jar server/target/wharf.jar
  ) > >(sed -u "s/^/[$id] /") 2>&1 &
  pids+=($!)
  say "started $id on $address (pid $!)"
done

/usr/sbin/nginx -p "$lb" -c "$lb/nginx.conf" -g 'daemon off;' &
pids+=($!)

for address in "${addresses[@]}"; do
  for attempt in $(seq 1 180); do
    code=$(curl -sk -o /dev/null -m 2 -w '%{http_code}' "https://$address:$INSTANCE_PORT/hub/health" || true)
    [ "$code" = 200 ] && break
    [ "$attempt" = 180 ] && { say "$address did not become healthy"; exit 1; }
    sleep 0.5
  done
done
say "ready at https://localhost:$PORT/ (log in as 'admin' with password $WHARF_AUTH_ADMIN_PASSWORD)"
say "instances: WHARF_INSECURE=1 WHARF_URL=https://localhost:$PORT WHARF_PASSWORD=$WHARF_AUTH_ADMIN_PASSWORD scripts/instances.sh [drain|resume wharf-N]"
say "Ctrl-C stops the instances and nginx"
# An instance that dies (try kill -9) is reported, and the rest go on serving.
gone=' '
while true; do
  alive=0
  for pid in "${pids[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      alive=1
    elif [[ $gone != *" $pid "* ]]; then
      gone+="$pid "
      say "process $pid exited; the others keep serving"
    fi
  done
  [ "$alive" = 1 ] || exit 1
  sleep 1
done
