#!/usr/bin/env bash
# Single sign-on in the browser: installs the test provider (tests/oidc) and playwright-core,
# then runs oidc.e2e.mjs, which starts the provider and a Wharf of its own (no containers).
# Env: WHARF_JAR, SCREENSHOT_DIR, CHROMIUM (see oidc.e2e.mjs).
set -euo pipefail
cd "$(dirname "$0")"
for dir in . ../oidc; do
  if [ ! -d "$dir/node_modules" ]; then
    (cd "$dir" && { npm ci --no-audit --no-fund --loglevel=error >/dev/null 2>&1 \
      || npm install --no-audit --no-fund --loglevel=error >/dev/null; })
  fi
done
export SCREENSHOT_DIR="${SCREENSHOT_DIR:-$PWD/screenshots/oidc}"
# Everything here talks over loopback only, so as root it runs in a network namespace of its own
# (with just its own lo): Docker attaching containers for other work on the host then changes no
# interface that Chromium sees (it aborts page loads with ERR_NETWORK_CHANGED when one changes).
if [ "$(id -u)" = 0 ] && unshare --net true 2>/dev/null; then
  exec unshare --net sh -c 'ip link set lo up && exec node oidc.e2e.mjs'
fi
exec node oidc.e2e.mjs
