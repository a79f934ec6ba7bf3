#!/usr/bin/env bash
# Runs the browser end-to-end test against a running Wharf.
# Usage: run.sh [SCRIPT] (default notebook.e2e.mjs; admin.e2e.mjs tests the admin and token pages).
# Env: WHARF_URL, WHARF_USER, WHARF_PASSWORD, SCREENSHOT_DIR (see each script).
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -d node_modules/playwright-core ]; then
  npm ci --no-audit --no-fund --loglevel=error >/dev/null 2>&1 \
    || npm install --no-audit --no-fund --loglevel=error >/dev/null
fi
export SCREENSHOT_DIR="${SCREENSHOT_DIR:-$PWD/screenshots}"
exec node "${1:-notebook.e2e.mjs}"
