#!/usr/bin/env bash
# Starts a throwaway Wharf from the built jar, runs the browser test against it in headless
# Chromium, then stops Wharf and removes every container it launched.
set -euo pipefail
home=$(cd "$(dirname "$0")/../.." && pwd)
cd "$home"

export DEBIAN_FRONTEND=noninteractive
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -q >/dev/null && apt-get install -y -q "${need[@]}" >/dev/null
fi

jar=server/target/wharf.jar
[ -f "$jar" ] || mvn -B -q -DskipTests package

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
  || shuf -i 20000-40000 -n 1)
cluster_port=$(shuf -i 20000-31999 -n 1)
instance="browser-$$"
data=$(mktemp -d /tmp/wharf-browser.XXXXXX)
password="browser-test-$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"

cleanup() {
  if [ -n "${pid:-}" ]; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  ids=$(docker ps -aq --filter "label=wharf.instance=$instance")
  [ -z "$ids" ] || docker rm -f -v $ids >/dev/null
  vols=$(docker volume ls -q --filter "label=wharf.instance=$instance")
  [ -z "$vols" ] || docker volume rm -f $vols >/dev/null
  rm -rf "$data"
}
trap cleanup EXIT

# A second limit profile, so the home page offers the choice and the test restarts with it.
cat >"$data/profiles.yaml" <<'YAML'
containers:
  profiles:
    small: {memory: 768m, cpus: 0.5, description: "Small: 768 MiB, half a CPU"}
YAML

WHARF_CONFIG=$data/profiles.yaml WHARF_INSTANCE_ID=$instance WHARF_INSTANCE_DATA_DIR=$data WHARF_ROUTER_HOST=127.0.0.1 \
WHARF_ROUTER_HTTPS_PORT=$port WHARF_ROUTER_HTTP_PORT=0 WHARF_CLUSTER_PORT=$cluster_port \
WHARF_AUTH_ADMIN_PASSWORD=$password WHARF_CONTAINERS_HOME_VOLUME="$instance-home-{account}" \
  java -jar "$jar" >"$data/wharf.log" 2>&1 &
pid=$!

for _ in $(seq 1 120); do
  if curl -skf "https://127.0.0.1:$port/hub/health" >/dev/null; then
    break
  fi
  if ! kill -0 "$pid" 2>/dev/null; then
    cat "$data/wharf.log" >&2
    echo "wharf exited before it became healthy" >&2
    exit 1
  fi
  sleep 0.5
done

status=0
WHARF_URL="https://127.0.0.1:$port" WHARF_USER=admin WHARF_PASSWORD=$password WHARF_PROFILE=small \
  SCREENSHOT_DIR="${SCREENSHOT_DIR:-$home/tests/browser/screenshots}" bash tests/browser/run.sh || status=$?
if [ $status -ne 0 ]; then
  echo "--- wharf log ---" >&2
  tail -50 "$data/wharf.log" >&2
  echo "browser test: 0 passed, 1 failed"
else
  echo "browser test: 1 passed, 0 failed"
fi

# The admin and token pages (admin.e2e.mjs), against the same Wharf.
admin_status=0
WHARF_URL="https://127.0.0.1:$port" WHARF_USER=admin WHARF_PASSWORD=$password \
  SCREENSHOT_DIR="${SCREENSHOT_DIR:-$home/tests/browser/screenshots}" bash tests/browser/run.sh admin.e2e.mjs || admin_status=$?
if [ $admin_status -ne 0 ]; then
  tail -30 "$data/wharf.log" >&2
  echo "admin browser test: failed"
  status=$admin_status
else
  echo "admin browser test: passed"
fi

# The Functions page (functions.e2e.mjs), against the same Wharf.
functions_status=0
WHARF_URL="https://127.0.0.1:$port" WHARF_USER=admin WHARF_PASSWORD=$password \
  SCREENSHOT_DIR="${SCREENSHOT_DIR:-$home/tests/browser/screenshots}" bash tests/browser/run.sh functions.e2e.mjs || functions_status=$?
if [ $functions_status -ne 0 ]; then
  tail -30 "$data/wharf.log" >&2
  echo "functions browser test: failed"
  status=$functions_status
else
  echo "functions browser test: passed"
fi

# Single sign-on against a real OpenID Connect provider: its own Wharf and provider, no containers.
oidc_status=0
WHARF_JAR="$home/$jar" SCREENSHOT_DIR="${SCREENSHOT_DIR:-$home/tests/browser/screenshots}/oidc" \
  bash tests/browser/run-oidc.sh || oidc_status=$?
if [ $oidc_status -ne 0 ]; then
  echo "oidc: 0 passed, 1 failed"
  status=$oidc_status
else
  echo "oidc: 1 passed, 0 failed"
fi
exit $status
