#!/usr/bin/env bash
# Build "Inference Navigator.app" and a .dmg on macOS 14+, from the shared PyInstaller spec.
#   installers/macos/build_macos.sh
# Environment:
#   PYTHON                        venv python with PySide6-Essentials, pyinstaller, pillow
#   MACOS_CODESIGN_IDENTITY       "Developer ID Application: Name (TEAMID)"; unset = ad-hoc
#   MACOS_CERTIFICATE_P12_BASE64, MACOS_CERTIFICATE_PASSWORD
#                                 optional: imported into a temporary keychain first (CI)
#   APPLE_ID, APPLE_TEAM_ID, APPLE_APP_PASSWORD
#                                 notarization (app-specific password); unset = not notarized
# Without the secrets the app is ad-hoc signed (it runs on Apple Silicon, but Gatekeeper warns).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
PY="${PYTHON:-.venv/bin/python}"
VERSION="$("$PY" -c 'import desktop_app; print(desktop_app.__version__)')"
ARCH="$(uname -m)"
APP="build/macos/dist/Inference Navigator.app"
DMG="dist-installers/InferenceNavigator-$VERSION-macos-$ARCH.dmg"
say() { printf '== %s\n' "$*"; }

if "$PY" -m pip show -q PySide6_Addons >/dev/null 2>&1; then
  echo "build_macos: the build venv has PySide6-Addons: build from PySide6-Essentials only" >&2
  exit 1
fi

KEYCHAIN=""
if [[ -n "${MACOS_CERTIFICATE_P12_BASE64:-}" ]]; then
  say "importing the signing certificate into a temporary keychain"
  KEYCHAIN="$RUNNER_TEMP/infernav-signing.keychain-db"
  KC_PASS="$(uuidgen)"
  echo "$MACOS_CERTIFICATE_P12_BASE64" | base64 --decode > "$RUNNER_TEMP/cert.p12"
  security create-keychain -p "$KC_PASS" "$KEYCHAIN"
  security set-keychain-settings -lut 21600 "$KEYCHAIN"
  security unlock-keychain -p "$KC_PASS" "$KEYCHAIN"
  security import "$RUNNER_TEMP/cert.p12" -P "${MACOS_CERTIFICATE_PASSWORD:-}" -A -t cert -f pkcs12 -k "$KEYCHAIN"
  security set-key-partition-list -S apple-tool:,apple: -k "$KC_PASS" "$KEYCHAIN" >/dev/null
  # shellcheck disable=SC2046  # one word per existing keychain
  security list-keychains -d user -s "$KEYCHAIN" $(security list-keychains -d user | tr -d '"')
  rm -f "$RUNNER_TEMP/cert.p12"
  trap 'security delete-keychain "$KEYCHAIN" || true' EXIT
fi
if [[ -n "${MACOS_CODESIGN_IDENTITY:-}" ]]; then
  echo "   signing with: $MACOS_CODESIGN_IDENTITY (hardened runtime)"
else
  echo "   MACOS_CODESIGN_IDENTITY is not set: the app is ad-hoc signed only; Gatekeeper will"
  echo "   say it cannot verify the developer. Set the signing secrets for a release build."
fi

say "PyInstaller $VERSION ($ARCH)"
# PyInstaller signs every binary (ad hoc, or with the identity and entitlements) itself.
"$PY" -m PyInstaller --noconfirm --log-level WARN --distpath build/macos/dist \
  --workpath build/macos/work installers/infernav.spec

say "smoke test of the .app"
smoke_home="$(mktemp -d)"
out="$(HOME="$smoke_home" QT_QPA_PLATFORM=offscreen "$APP/Contents/MacOS/infernav" --smoke-test)"
[[ "$out" == ok ]] || { echo "build_macos: --smoke-test printed: $out" >&2; exit 1; }
test -s "$smoke_home/Library/Application Support/Inference Navigator/user.sqlite"
echo "   ok; first run created the user store"
HOME="$smoke_home" QT_QPA_PLATFORM=offscreen INFERNAV_IMPORT_CHECK=1 "$APP/Contents/MacOS/infernav"
codesign --verify --deep --strict --verbose=2 "$APP"
# The Metal llama-server the workflow built (INFERNAV_LLAMA_SERVER_DIR), found by the app first.
ENGINE="$APP/Contents/Frameworks/llama.cpp/llama-server"
[[ -x "$ENGINE" ]] || {
  echo "build_macos: the .app has no Contents/Frameworks/llama.cpp/llama-server (set INFERNAV_LLAMA_SERVER_DIR)" >&2
  exit 1
}
"$ENGINE" --version
"$ENGINE" --list-devices  # a Metal device where the runner has a GPU

notarize() {  # notarize FILE: submit, wait, staple
  xcrun notarytool submit "$1" --apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" \
    --password "$APPLE_APP_PASSWORD" --wait
}
CAN_NOTARIZE=0
if [[ -n "${MACOS_CODESIGN_IDENTITY:-}" && -n "${APPLE_ID:-}" && -n "${APPLE_TEAM_ID:-}" && -n "${APPLE_APP_PASSWORD:-}" ]]; then
  CAN_NOTARIZE=1
  say "notarizing the .app"
  ditto -c -k --keepParent "$APP" build/macos/app.zip
  notarize build/macos/app.zip
  xcrun stapler staple "$APP"
  spctl --assess --type execute --verbose "$APP"
else
  echo "== notarization skipped: needs MACOS_CODESIGN_IDENTITY, APPLE_ID, APPLE_TEAM_ID and APPLE_APP_PASSWORD"
fi

say "DMG"
mkdir -p dist-installers
rm -rf build/macos/dmg "$DMG"
mkdir -p build/macos/dmg
ditto "$APP" "build/macos/dmg/Inference Navigator.app"
ln -s /Applications build/macos/dmg/Applications
hdiutil create -volname "Inference Navigator $VERSION" -srcfolder build/macos/dmg -ov \
  -format UDZO "$DMG"
if [[ -n "${MACOS_CODESIGN_IDENTITY:-}" ]]; then
  codesign --sign "$MACOS_CODESIGN_IDENTITY" --timestamp "$DMG"
fi
if [[ $CAN_NOTARIZE == 1 ]]; then
  notarize "$DMG"
  xcrun stapler staple "$DMG"
fi

say "DMG test: mount, run the copy inside, unmount"
mnt="$(mktemp -d)"
hdiutil attach -nobrowse -readonly -mountpoint "$mnt" "$DMG" >/dev/null
out="$(HOME="$(mktemp -d)" QT_QPA_PLATFORM=offscreen "$mnt/Inference Navigator.app/Contents/MacOS/infernav" --smoke-test)"
hdiutil detach "$mnt" >/dev/null
[[ "$out" == ok ]] || { echo "build_macos: the DMG's app failed its smoke test" >&2; exit 1; }
du -sh "$APP"
ls -l "$DMG"
