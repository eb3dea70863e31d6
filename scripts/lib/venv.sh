# shellcheck shell=bash
# Sourced by scripts/run, scripts/test, scripts/get-llama-server and
# installers/ci-linux-packaging.sh: one definition of "a virtual environment that works".

# ensure_venv DIR: make DIR a virtual environment whose pip runs. A venv that an earlier,
# interrupted or failed run left behind (bin/python without pip, a dangling interpreter
# link) is removed and built again, so a rerun never needs `rm -rf .venv` by hand.
ensure_venv() {
  local dir="$1"
  if [[ -e "$dir" ]] && ! "$dir/bin/python" -m pip --version >/dev/null 2>&1; then
    echo "$dir is incomplete (an earlier run stopped part-way): building it again" >&2
    rm -rf "$dir"
  fi
  [[ -e "$dir" ]] && return 0
  local err
  if ! err="$(python3 -m venv "$dir" 2>&1)" ||
    ! "$dir/bin/python" -m pip --version >/dev/null 2>&1; then
    rm -rf "$dir"
    echo "could not create the virtual environment $dir with $(command -v python3):" >&2
    printf '%s\n' "$err" | tail -n 3 >&2
    return 1
  fi
}
