#!/usr/bin/env bash
# Runs Wharf on this machine: sets up what is missing (JDK, Maven, Docker, the Jupyter image),
# builds Wharf, then starts it in the foreground. It prints the URL and the admin login when
# it is ready. Configuration: conf/wharf.yaml and WHARF_* environment variables (README).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$WHARF_HOME"

echo "wharf: building" >&2
# clean: a tree built by an earlier version may hold files that moved (conf/wharf.yaml did).
mvn -B -q -DskipTests clean package

# JVM flags, replaced as a whole by JAVA_OPTS. ParallelGC rather than JDK 17's default G1: the
# router's garbage is short-lived per-request objects, ParallelGC did best for the router in an
# earlier calibration on 2 cores, and bench/run.sh measures with it; run what was measured.
# shellcheck disable=SC2086
exec java ${JAVA_OPTS:--XX:+UseParallelGC} -jar server/target/wharf.jar "$@"
