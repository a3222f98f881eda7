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

# What building Gatehouse needs: libargon2 (passwords), SQLite (storage), zlib (async-http-client), libqrencode
# (the QR codes people scan into an authenticator app).
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

# Debian's PostgreSQL with its data in DIR/data (made on first use, with a password kept in DIR/password and
# authentication by scram-sha-256, so URLs carry a password as an operator's do), on 127.0.0.1:PORT and a socket
# in DIR. PostgreSQL refuses to run as root, so as root it runs as Debian's `postgres` user. Creates the
# database DATABASE if missing and sets POSTGRES_URL to it. Extra arguments go to the server (`-c name=value`).
start_postgres() {
  local dir="$1" port="$2" database="$3"; shift 3
  ensure_debian_packages postgresql
  local bin run_as=()
  bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then
    chown postgres: "$dir"
    run_as=(runuser -u postgres --)
  fi
  if [ ! -e "$dir/data/PG_VERSION" ]; then
    (umask 077; head -c 18 /dev/urandom | base64 | tr '+/' '-_' > "$dir/password")
    [ "$(id -u)" = 0 ] && chown postgres: "$dir/password"
    "${run_as[@]}" "$bin/initdb" -D "$dir/data" -U gatehouse --auth=scram-sha-256 --pwfile="$dir/password" \
      --no-sync -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; log "initdb failed"; exit 1; }
  fi
  "${run_as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir $*" start >/dev/null \
    || { tail -20 "$dir/server.log" >&2; log "PostgreSQL did not start"; exit 1; }
  local password
  password="$(cat "$dir/password")"
  if [ -z "$(PGPASSWORD="$password" "$bin/psql" -qAt -h 127.0.0.1 -p "$port" -U gatehouse -d postgres \
      -c "SELECT 1 FROM pg_database WHERE datname = '$database'")" ]; then
    PGPASSWORD="$password" "$bin/psql" -q -h 127.0.0.1 -p "$port" -U gatehouse -d postgres -c "CREATE DATABASE $database" >/dev/null
  fi
  POSTGRES_URL="postgres://gatehouse:$password@127.0.0.1:$port/$database?sslmode=disable"
  POSTGRES_BIN="$bin"
  log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (data in $dir)"
}

stop_postgres() {
  local dir="$1" mode="${2:-fast}" run_as=()
  [ -e "$dir/data/postmaster.pid" ] || return 0
  [ "$(id -u)" = 0 ] && run_as=(runuser -u postgres --)
  "${run_as[@]}" "$POSTGRES_BIN/pg_ctl" -D "$dir/data" -m "$mode" stop >/dev/null 2>&1 || true
}

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# A throwaway PostgreSQL server for the tests, in a temporary folder, fsync off (its data need not survive a power
# cut, and the disk is shared with the build). Sets GATEHOUSE_TEST_DATABASE_URL; stop_test_postgres stops it and
# removes the folder.
start_test_postgres() {
  TEST_POSTGRES_DIR="$(mktemp -d /tmp/gatehouse-postgres.XXXXXX)"
  start_postgres "$TEST_POSTGRES_DIR" "$(free_port)" gatehouse_test -c fsync=off -c max_connections=300
  export GATEHOUSE_TEST_DATABASE_URL="$POSTGRES_URL"
}

# The benchmarks' PostgreSQL (BENCH_DATABASE=postgres): Debian's, in a temporary folder, with PostgreSQL's durable
# defaults (fsync, synchronous commit), so its figures carry what a real install promises; stop_bench_postgres stops it
# and removes the folder. postgres_database NAME creates a database on it and prints its URL.
start_bench_postgres() {
  BENCH_POSTGRES_DIR="$(mktemp -d /tmp/gatehouse-bench-postgres.XXXXXX)"
  start_postgres "$BENCH_POSTGRES_DIR" "$(free_port)" gatehouse -c max_connections=200 -c shared_buffers=512MB
}

stop_bench_postgres() {
  [ -n "${BENCH_POSTGRES_DIR:-}" ] && [ -d "$BENCH_POSTGRES_DIR" ] || return 0
  stop_postgres "$BENCH_POSTGRES_DIR"
  rm -rf "$BENCH_POSTGRES_DIR"
}

postgres_database() {
  "$POSTGRES_BIN/psql" -q "$POSTGRES_URL" -c "CREATE DATABASE $1" >/dev/null
  echo "${POSTGRES_URL/\/gatehouse\?//$1?}"
}

stop_test_postgres() {
  [ -n "${TEST_POSTGRES_DIR:-}" ] && [ -d "$TEST_POSTGRES_DIR" ] || return 0
  stop_postgres "$TEST_POSTGRES_DIR" immediate
  rm -rf "$TEST_POSTGRES_DIR"
}
