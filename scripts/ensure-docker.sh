#!/usr/bin/env bash
# Makes sure a Docker engine answers on this machine: installs Debian's docker.io
# and starts dockerd in the background when none does. Idempotent; needs root.
set -euo pipefail

if docker info >/dev/null 2>&1; then
  exit 0
fi

if ! command -v dockerd >/dev/null 2>&1; then
  echo "wharf: installing docker.io" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q docker.io >/dev/null
fi

if ! pgrep -x dockerd >/dev/null 2>&1; then
  echo "wharf: starting dockerd" >&2
  # Published ports as the kernel's NAT rather than a docker-proxy process per port, which costs
  # every proxied request about as much CPU as the router itself. See "Docker's userland proxy" in
  # the README. dockerd refuses a flag that its daemon.json also sets, so the file's choice stands.
  flags=--userland-proxy=false
  if grep -qs '"userland-proxy"' /etc/docker/daemon.json; then
    flags=
  fi
  mkdir -p /var/log
  # In a session of its own and with only the standard descriptors: run under `flock LOCK cmd`,
  # dockerd would otherwise inherit the lock's descriptor and hold the lock for as long as it runs.
  (
    for fd in /proc/$BASHPID/fd/*; do
      n=${fd##*/}
      if [ "$n" -gt 2 ]; then eval "exec $n>&-"; fi
    done
    exec setsid nohup dockerd $flags >/var/log/wharf-dockerd.log 2>&1 </dev/null
  ) &
fi

for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then
    exit 0
  fi
  sleep 1
done
echo "wharf: dockerd did not answer within 60 s; see /var/log/wharf-dockerd.log" >&2
exit 1
