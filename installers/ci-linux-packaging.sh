#!/usr/bin/env bash
# What the project's test command runs last: install the packaging tools, build the Linux
# installers into a separate Essentials-only venv, and test them as a user would get them.
# Uses zstd for the .deb (seconds instead of ~40 s of xz); benchmarks/installers.py measures
# the xz release size. Exits non-zero on any failure. About 1-2 minutes with warm caches.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/lib/venv.sh
source scripts/lib/venv.sh
# PyInstaller bundles libpython3.X.so, which Debian and Ubuntu ship apart from python3
# (libpython3.11 on Debian 12, libpython3.12t64 on Ubuntu 24.04): needed for the system Python only.
LIBPYTHON=()
if [[ "$(python3 -c 'import sys; print(sys.base_prefix)')" == /usr ]]; then
  ver="$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
  LIBPYTHON=("libpython${ver}t64|libpython${ver}")
fi
scripts/install-system-deps binutils file dpkg-dev xvfb xauth x11-utils xdotool imagemagick \
  desktop-file-utils libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 \
  libxcb-render-util0 libxcb-randr0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 \
  libxkbcommon-x11-0 "${LIBPYTHON[@]}"

# A venv of its own: the test venv may hold tools PyInstaller would otherwise have to skip,
# and a full PySide6 there would add 24 MB of unused Qt modules to the bundle.
VENV="build/venv-package"
mkdir -p build
ensure_venv "$VENV"
if ! { "$VENV/bin/python" -m pip install -q --upgrade pip &&
  "$VENV/bin/python" -m pip install -q -e '.[package]'; } >build/pip-package.log 2>&1; then
  cat build/pip-package.log
  exit 1
fi

start=$SECONDS
PYTHON="$VENV/bin/python" DEB_COMPRESSION="${DEB_COMPRESSION:-zstd}" installers/linux/build_linux.sh
echo "linux packaging: built in $((SECONDS - start)) s"
# Last, so its "N passed, N failed" line closes the test command's output.
installers/linux/test_linux_artifacts.sh
