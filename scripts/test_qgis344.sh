#!/usr/bin/env bash
# The QGIS-side tests on QGIS 3.44 (Debian 13 trixie-backports, Python 3.13, numpy 2) in a debootstrap
# chroot, with the engine from the host: the repository's .venv (Python 3.11) run from inside the chroot
# through the host's own dynamic loader, so no multi-GB torch download is needed there.
# Needs root (debootstrap, chroot, bind mounts) and Debian's package mirrors. Usage: make test-qgis344
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
ROOT=${QGIS344_ROOT:-/var/tmp/isage-chroot-qgis344}  # outside the repository: make clean never reaches it
HOST_WHEELS=$REPO/build/chroot-wheels

[ -x "$REPO/.venv/bin/python" ] || { echo "run make install first (the engine comes from .venv)"; exit 2; }
command -v debootstrap >/dev/null || apt-get install -y -qq --no-install-recommends debootstrap

unmount() {
  for d in work/main host dev/shm dev/pts dev sys proc; do
    mountpoint -q "$ROOT/$d" && umount -l "$ROOT/$d" || true
  done
}
trap unmount EXIT
unmount  # what an interrupted run left mounted

if [ ! -x "$ROOT/opt/qgistest/bin/python" ]; then
  if findmnt -rn -o TARGET | grep -q "^$ROOT/"; then echo "$ROOT: still has mounts; unmount them first"; exit 2; fi
  rm -rf "$ROOT" && mkdir -p "$ROOT"
  debootstrap --variant=minbase --include=ca-certificates trixie "$ROOT" http://deb.debian.org/debian
  rm -f "$ROOT/etc/apt/sources.list"
  printf '%s\n' 'Types: deb' 'URIs: http://deb.debian.org/debian' \
    'Suites: trixie trixie-updates trixie-backports' 'Components: main' \
    'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' > "$ROOT/etc/apt/sources.list.d/debian.sources"
  printf '#!/bin/sh\nexit 101\n' > "$ROOT/usr/sbin/policy-rc.d" && chmod +x "$ROOT/usr/sbin/policy-rc.d"
fi
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
mkdir -p "$ROOT/host" "$ROOT/work/main" "$ROOT/opt/wheels" "$ROOT/opt/host-engine"
for d in proc sys dev dev/pts; do mountpoint -q "$ROOT/$d" || mount --bind "/$d" "$ROOT/$d"; done
mountpoint -q "$ROOT/dev/shm" || mount -t tmpfs tmpfs "$ROOT/dev/shm"
mountpoint -q "$ROOT/host" || mount --bind -o ro / "$ROOT/host"
mountpoint -q "$ROOT/work/main" || mount --bind "$REPO" "$ROOT/work/main"

if [ ! -x "$ROOT/opt/qgistest/bin/python" ]; then
  chroot "$ROOT" sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    --no-install-recommends -t trixie-backports qgis python3-qgis qgis-providers python3-pytest python3-venv'
  # pytest-qgis and pytest-timeout, fetched by the host's pip (the chroot has no pip configuration)
  rm -rf "$HOST_WHEELS" && "$REPO/.venv/bin/pip" download -q --no-deps -d "$HOST_WHEELS" pytest-qgis pytest-timeout
  cp "$HOST_WHEELS"/*.whl "$ROOT/opt/wheels/"
  chroot "$ROOT" sh -c 'python3 -m venv --system-site-packages /opt/qgistest && \
    /opt/qgistest/bin/pip install -q --no-index --find-links /opt/wheels pytest-qgis pytest-timeout'
fi
# The host's engine: Debian 12's Python 3.11 through the host's loader and libraries, the repo's venv.
cat > "$ROOT/opt/host-engine/python" <<'EOF'
#!/bin/sh
export PYTHONHOME=/host/usr
export PYTHONPATH=/work/main:/work/main/.venv/lib/python3.11/site-packages
exec /host/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 --library-path /host/usr/lib/x86_64-linux-gnu \
  /host/usr/bin/python3.11 "$@"
EOF
chmod +x "$ROOT/opt/host-engine/python"

chroot "$ROOT" sh -c 'python3 -c "from qgis.core import Qgis; print(\"QGIS\", Qgis.QGIS_VERSION)"'
# Left out: three tests of the host's installation, not of QGIS (test_zip_install builds an engine for the host's
# Python from the host's wheels; test_package_gates and the torch-plan test run the host venv's tools through make).
# Left out too: the team record's QGIS tests (test_postgis_record.py, test_postgis_panel.py), which start a PostgreSQL + PostGIS cluster
# the chroot does not have; they run on the host's QGIS.
# QGIS344_TESTS: other test paths to run (default: every QGIS test)
chroot "$ROOT" sh -c 'cd /work/main && ISAGE_TEST_ENGINE_PYTHON=/opt/host-engine/python QT_QPA_PLATFORM=offscreen \
  /opt/qgistest/bin/python -m pytest -q -p no:cacheprovider '"${QGIS344_TESTS:-tests/qgis}"' --ignore=tests/qgis/test_zip_install.py \
  --ignore=tests/qgis/test_package_gates.py --ignore=tests/qgis/test_postgis_record.py \
  --ignore=tests/qgis/test_postgis_panel.py \
  --deselect tests/qgis/test_engine_env.py::test_make_install_refuses_an_unasked_for_cuda_torch_and_so_does_the_builder'
