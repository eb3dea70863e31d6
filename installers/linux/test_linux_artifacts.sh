#!/usr/bin/env bash
# Test the Linux installers that build_linux.sh made, the way a user gets them:
# the onedir (offline, empty environment), the .deb installed with apt, the tarball installed
# per user, the AppDir, a real X11 window under Xvfb, and clean uninstalls.
# Needs root (or sudo) for apt, plus xvfb, xdotool, x11-utils, imagemagick, desktop-file-utils.
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
  smoke "$WORK/home-deb" /usr/bin/infernav
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
  smoke "$home" "$home/.local/bin/infernav"
}

appdir_runs() {
  smoke "$WORK/home-appdir" "$APPDIR/AppRun" || return 1
  desktop-file-validate "$APPDIR/$APP_ID.desktop"
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
  env -i PATH=/usr/bin:/bin HOME="$WORK/home-x" DISPLAY="$display" /usr/bin/infernav \
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
check ".deb installs with apt; /usr/bin/infernav --smoke-test" deb_installs_with_apt
check "tarball installs per user; installed copy --smoke-test" tarball_installs_per_user
check "AppDir AppRun --smoke-test" appdir_runs
check "installed app opens a real X11 window (Xvfb), screenshot not blank" real_window_under_xvfb
check ".deb uninstalls cleanly (apt purge)" deb_uninstalls_cleanly
check "per-user install uninstalls cleanly, user data kept" tarball_uninstalls_cleanly

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
