# Shared by Deploy/run, Deploy/test and Deploy/bench: installs what a fresh Debian machine with Swift lacks.
# shellcheck shell=bash

log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then
    "$@"
  elif command -v sudo >/dev/null; then
    sudo "$@"
  else
    log "not root and no sudo: as root, run: $*"; exit 1
  fi
}

# Installs the named Debian packages when any is missing (one apt-get update, then one install).
ensure_debian_packages() {
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

# What building Gatehouse needs: libargon2 (passwords), SQLite (storage), zlib (async-http-client), libqrencode (QR codes).
ensure_build_packages() {
  command -v swift >/dev/null || { log "swift is not on PATH: install the Swift toolchain first (swift.org)"; exit 1; }
  ensure_debian_packages libargon2-dev libsqlite3-dev zlib1g-dev libqrencode-dev
}

# A Python virtual environment under .build (ignored by git) holding Tests/EndToEnd/requirements.txt.
ensure_python_venv() {
  local venv="$1"
  if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then ensure_debian_packages python3 python3-venv; fi
  # A venv left half-made by an interrupted run has python but no pip: make it again.
  if ! "$venv/bin/python" -m pip --version >/dev/null 2>&1; then rm -rf "$venv"; python3 -m venv "$venv"; fi
  if ! "$venv/bin/python" -m pip install -q --disable-pip-version-check -r Tests/EndToEnd/requirements.txt; then
    log "pip could not install Tests/EndToEnd/requirements.txt"; exit 1
  fi
}
