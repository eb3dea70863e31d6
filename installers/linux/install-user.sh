#!/bin/sh
# Install Inference Navigator for the current user only (no root): the app goes to
# ~/.local/opt/infernav, a menu entry and icon to ~/.local/share, the command to ~/.local/bin.
#   ./install-user.sh              install or upgrade
#   ./install-user.sh --uninstall  remove it again (your data in ~/.local/share is kept)
set -eu
APP_ID=org.infernav.InferenceNavigator
HERE="$(cd "$(dirname "$0")" && pwd)"
DATA="${XDG_DATA_HOME:-$HOME/.local/share}"
PREFIX="$HOME/.local/opt/infernav"
BIN="$HOME/.local/bin"
DESKTOP="$DATA/applications/$APP_ID.desktop"
ICON="$DATA/icons/hicolor/256x256/apps/$APP_ID.png"

refresh_menus() {
  command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$DATA/applications" || true
  command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$DATA/icons/hicolor" || true
}

if [ "${1:-}" = "--uninstall" ]; then
  rm -rf "$PREFIX"
  rm -f "$DESKTOP" "$ICON"
  if [ -L "$BIN/infernav" ]; then rm -f "$BIN/infernav"; fi
  refresh_menus
  echo "Inference Navigator was removed."
  exit 0
fi

[ -x "$HERE/infernav/infernav" ] || { echo "install-user.sh: run me from the unpacked folder" >&2; exit 1; }
mkdir -p "$HOME/.local/opt" "$BIN" "$(dirname "$DESKTOP")" "$(dirname "$ICON")"
# Copy to a temporary name first, so an upgrade never leaves a half-old, half-new folder.
rm -rf "$PREFIX.new"
cp -a "$HERE/infernav" "$PREFIX.new"
rm -rf "$PREFIX"
mv "$PREFIX.new" "$PREFIX"
ln -sfn "$PREFIX/infernav" "$BIN/infernav"
sed "s|^Exec=.*|Exec=\"$PREFIX/infernav\"|" "$HERE/$APP_ID.desktop" > "$DESKTOP"
cp "$HERE/$APP_ID.png" "$ICON"
refresh_menus
echo "Inference Navigator is installed: find it in your applications menu,"
echo "or run $BIN/infernav"
