#!/usr/bin/env bash
# Builds a Jupyter Notebook image from Debian packages, for machines that reach no
# image registry. Usage: conf/build-jupyter-image.sh [IMAGE]   (default wharf/jupyter:latest)
# Does nothing when the image is already present. Needs root and a running Docker engine.
set -euo pipefail

image=${1:-${WHARF_IMAGE:-wharf/jupyter:latest}}
suite=${WHARF_IMAGE_SUITE:-bookworm}

if docker image inspect "$image" >/dev/null 2>&1; then
  exit 0
fi

if ! command -v debootstrap >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q debootstrap >/dev/null
fi

mirror=$(grep -hoE '^deb(\s+\[[^]]*\])?\s+\S+' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | awk '{print $NF}' | head -n1 || true)
if [ -z "$mirror" ]; then
  mirror=$(grep -hoE '^URIs:\s*\S+' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | head -n1 || true)
fi
mirror=${mirror:-http://deb.debian.org/debian}

root=$(mktemp -d /tmp/wharf-image.XXXXXX)
trap 'rm -rf "$root"' EXIT

echo "wharf: building $image from Debian $suite packages (about 2 minutes)" >&2
# The first pass fails to configure python3-zmq (a virtual-package quirk);
# apt-get -f install inside the tree completes it.
debootstrap --variant=minbase --include=jupyter-notebook,python3-ipykernel "$suite" "$root" "$mirror" \
  >/tmp/wharf-debootstrap.log 2>&1 || true
chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get -f install -y >>/tmp/wharf-debootstrap.log 2>&1
chroot "$root" apt-get clean
chroot "$root" /usr/bin/jupyter-notebook --version >/dev/null

# An unprivileged user owns the notebook's home, so the server never runs as root.
chroot "$root" useradd --uid 1000 --create-home --shell /bin/bash jovyan
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*

tar -C "$root" -c . | docker import \
  --change 'USER 1000' \
  --change 'WORKDIR /home/jovyan' \
  --change 'ENV HOME=/home/jovyan' \
  --change 'EXPOSE 8888' \
  --change 'CMD ["jupyter-notebook","--ip=0.0.0.0","--port=8888","--no-browser"]' \
  - "$image" >/dev/null
echo "wharf: built $image" >&2
