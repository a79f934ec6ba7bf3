#!/usr/bin/env bash
# Runs the browser end-to-end test against a running Wharf.
# Env: WHARF_URL, WHARF_USER, WHARF_PASSWORD, SCREENSHOT_DIR (see notebook.e2e.mjs).
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -d node_modules/playwright-core ]; then
  npm ci --no-audit --no-fund --loglevel=error >/dev/null 2>&1 \
    || npm install --no-audit --no-fund --loglevel=error >/dev/null
fi
export SCREENSHOT_DIR="${SCREENSHOT_DIR:-$PWD/screenshots}"
exec node notebook.e2e.mjs
