#!/usr/bin/env bash
# Runs Wharf on this machine: sets up what is missing (JDK, Maven, Docker, the Jupyter image),
# builds Wharf, then starts it in the foreground. It prints the URL and the admin login when
# it is ready. Configuration: conf/wharf.yaml and WHARF_* environment variables (README).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$WHARF_HOME"

echo "wharf: building" >&2
mvn -B -q -DskipTests package

exec java -jar server/target/wharf.jar "$@"
