#!/usr/bin/env bash
# Runs the whole test suite: unit tests, integration tests against the real Docker engine and
# the real Jupyter image, and the browser test in headless Chromium. Sets up what is missing
# first. Every container the tests create is removed by the tests.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$WHARF_HOME"

# The small static image that stands in for a notebook where a test measures Wharf, not Jupyter.
bash "$WHARF_HOME/bench/build-static-image.sh"

echo "wharf: unit and integration tests" >&2
mvn -B verify

if [ "${WHARF_SKIP_BROWSER_TEST:-}" != "1" ]; then
  echo "wharf: browser test" >&2
  bash tests/browser/run-against-wharf.sh
fi
