#!/usr/bin/env bash
# The operator's command for a Wharf cluster's instances (admin only):
#   scripts/instances.sh                 lists the instances: load, state, leader, liveness
#   scripts/instances.sh drain ID        stops placing new servers on instance ID (its own keep running)
#   scripts/instances.sh resume ID       places new servers on ID again
#   scripts/instances.sh wait-safe       waits until every shared record has a live backup, so the
#                                        next instance may be stopped (between rolling-restart steps)
# Env: WHARF_URL (https://localhost:8443), and WHARF_TOKEN (an admin's API token) or
#      WHARF_USER (admin) with WHARF_PASSWORD: a sign-in like any other, which also starts that
#      user's server. WHARF_INSECURE=1 accepts a self-signed certificate.
set -euo pipefail

url=${WHARF_URL:-https://localhost:8443}
url=${url%/}
curl_opts=(-sS --fail-with-body -m 30)
[ "${WHARF_INSECURE:-0}" = 1 ] && curl_opts+=(-k)

die() { echo "instances: $*" >&2; exit 1; }
command -v jq >/dev/null 2>&1 || die "needs jq"

jar=''
trap '[ -n "$jar" ] && rm -f "$jar"' EXIT
auth=()
if [ -n "${WHARF_TOKEN:-}" ]; then
  auth=(-H "Authorization: token $WHARF_TOKEN")
else
  [ -n "${WHARF_PASSWORD:-}" ] || die "set WHARF_TOKEN, or WHARF_USER and WHARF_PASSWORD"
  # Sign in as the login form does: GET sets the XSRF-TOKEN cookie, POST echoes it.
  jar=$(mktemp)
  curl "${curl_opts[@]}" -o /dev/null -c "$jar" -b "$jar" "$url/hub/login"
  xsrf=$(awk '$6 == "XSRF-TOKEN" { v = $7 } END { print v }' "$jar")
  curl "${curl_opts[@]}" -o /dev/null -c "$jar" -b "$jar" --data-urlencode "username=${WHARF_USER:-admin}" \
    --data-urlencode "password=$WHARF_PASSWORD" --data-urlencode "X-XSRF-TOKEN=$xsrf" "$url/hub/login"
  grep -q wharf-session "$jar" || die "sign-in as ${WHARF_USER:-admin} failed"
  # The sign-in answer sets a fresh CSRF cookie; state-changing calls echo that one.
  xsrf=$(awk '$6 == "XSRF-TOKEN" { v = $7 } END { print v }' "$jar")
  auth=(-b "$jar" -H "X-XSRF-TOKEN: $xsrf")
fi

api() { curl "${curl_opts[@]}" "${auth[@]}" "$@"; }

case "${1:-list}" in
  list)
    view=$(api "$url/hub/api/instances")
    jq -r '(["id", "address", "state", "leader", "alive", "docker", "running", "max"] | @tsv),
      (.instances[] | [.id, .address, .state, .leader, .alive, .docker, .running, .max_containers] | @tsv)' <<<"$view" | column -t
    echo "cluster safe: $(jq -r .safe <<<"$view")" ;;
  drain)
    [ -n "${2:-}" ] || die "usage: $0 drain ID"
    api -X POST "$url/hub/api/instances/$2/drain" | jq -c . ;;
  resume)
    [ -n "${2:-}" ] || die "usage: $0 resume ID"
    api -X DELETE "$url/hub/api/instances/$2/drain" | jq -c . ;;
  wait-safe)
    for _ in $(seq 1 240); do
      [ "$(api "$url/hub/api/instances" | jq -r .safe)" = true ] && { echo "cluster safe"; exit 0; }
      sleep 0.5
    done
    die "the cluster did not become safe within 2 minutes" ;;
  *)
    die "usage: $0 [list | drain ID | resume ID | wait-safe]" ;;
esac
