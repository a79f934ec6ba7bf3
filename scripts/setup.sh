#!/usr/bin/env bash
# Everything Wharf needs on a fresh Debian machine, as root: a JDK 17 and Maven, a running
# Docker engine, and the Jupyter image. Idempotent: what is present is left alone.
# Sourced by run.sh and test.sh.
set -euo pipefail

WHARF_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export WHARF_HOME

wharf_apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  if [ -z "${WHARF_APT_UPDATED:-}" ]; then
    apt-get update -q >/dev/null
    WHARF_APT_UPDATED=1
  fi
  apt-get install -y -q "$@" >/dev/null
}

if ! command -v java >/dev/null 2>&1 || ! command -v mvn >/dev/null 2>&1; then
  echo "wharf: installing a JDK and Maven" >&2
  wharf_apt_install openjdk-17-jdk-headless maven
fi
for tool in curl debootstrap; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    wharf_apt_install "$tool"
  fi
done

bash "$WHARF_HOME/scripts/ensure-docker.sh"
bash "$WHARF_HOME/conf/build-jupyter-image.sh" "${WHARF_CONTAINERS_IMAGE:-wharf/jupyter:latest}"
