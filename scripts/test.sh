#!/usr/bin/env bash
# Runs the whole test suite: unit tests, integration tests against the real Docker engine and
# the real Jupyter image, and the browser test in headless Chromium. Sets up what is missing
# first. Every container the tests create is removed by the tests.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
source "$WHARF_HOME/scripts/postgres.sh"
cd "$WHARF_HOME"

# A PostgreSQL server of its own for this run, on a free loopback port: the store's tests run
# against it as well as against the embedded database, and the cluster tests share it.
pg_parent=$(mktemp -d /tmp/wharf-test-postgres.XXXXXX)
chmod 755 "$pg_parent"
trap 'wharf_postgres_stop "$pg_parent/data"; rm -rf "$pg_parent"' EXIT
wharf_postgres_start "$pg_parent/data" "$(wharf_free_port 25432)" wharf
export WHARF_TEST_POSTGRES_URL=$WHARF_POSTGRES_URL WHARF_TEST_POSTGRES_USER=$WHARF_POSTGRES_USER \
  WHARF_TEST_POSTGRES_PASSWORD=$WHARF_POSTGRES_PASSWORD
echo "wharf: PostgreSQL for the tests at $WHARF_TEST_POSTGRES_URL" >&2

# The small static image that stands in for a notebook where a test measures Wharf, not Jupyter.
bash "$WHARF_HOME/bench/build-static-image.sh"

echo "wharf: unit and integration tests" >&2
mvn -B verify

if [ "${WHARF_SKIP_BROWSER_TEST:-}" != "1" ]; then
  echo "wharf: browser test" >&2
  bash tests/browser/run-against-wharf.sh
fi
