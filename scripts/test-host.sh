#!/usr/bin/env bash
# What the tests need of the host, in one list, for both modes:
#   check    one line per missing need, with the Debian package that brings it; exit 1 if any
#   install  apt-get update, then install the packages of the missing needs (root, no prompts)
# `npm test` runs `check` first; `npm run test:setup` and .ci/run run `install`.
set -euo pipefail

# need|how it is checked|Debian package(s) that bring it
NEEDS=(
  'dockerd (the private test engine)|command -v dockerd|docker.io'
  'docker (the CLI the tests drive the engine with)|command -v docker|docker.io'
  '/bin/busybox, statically linked (the test image)|static_busybox|busybox-static'
  'ip (the test engine'"'"'s own bridge)|command -v ip|iproute2'
  'openssl (test certificates)|command -v openssl|openssl'
  '/usr/bin/chromium (browser tests)|test -x /usr/bin/chromium|chromium'
  'nginx (deployment tests)|command -v nginx|nginx'
  'docker-compose (the compose file test)|command -v docker-compose|docker-compose'
  '/usr/bin/tini-static (the init of the image test'"'"'s base)|test -x /usr/bin/tini-static|tini'
  'systemd-analyze (the systemd unit test)|command -v systemd-analyze|systemd'
  'python3-socketio for /usr/bin/python3 (the original'"'"'s client)|python_has socketio.Client|python3-socketio'
  'python3-requests for /usr/bin/python3|python_has requests.get|python3-requests'
  'python3-websocket for /usr/bin/python3|python_has websocket.WebSocket|python3-websocket'
  'g++, make and python3 (better-sqlite3 compiled for Node 24: the node24 and image tests)|command -v g++ && command -v make && command -v python3|g++ make python3'
)
# Not checked by `check`: what `npm ci` needs to build better-sqlite3, and what apt needs.
BUILD_PACKAGES=(python3 make g++ procps ca-certificates)

# dockerd and nginx live in /usr/sbin, which a non-root PATH may lack.
PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

static_busybox() {
  # The test image holds busybox alone: a dynamically linked one (package busybox) cannot run.
  [ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1
}

# A name the client uses, not just its import: an empty folder imports too.
python_has() {
  [ -x /usr/bin/python3 ] && /usr/bin/python3 -c "import ${1%%.*}; $1" >/dev/null 2>&1
}

# The package(s) of every need not met, one per line, after printing what is missing.
missing_packages() {
  local need what test packages
  for need in "${NEEDS[@]}"; do
    IFS='|' read -r what test packages <<<"$need"
    if ! eval "$test" >/dev/null 2>&1; then
      echo "missing: $what; install with: apt-get install $packages" >&2
      echo "$packages"
    fi
  done
}

case "${1:-}" in
  check)
    status=0
    if [ "$(id -u)" -ne 0 ]; then
      echo 'missing: root; run the tests as root (they start dockerd and create network bridges)' >&2
      status=1
    fi
    [ -z "$(missing_packages)" ] || status=1
    if [ "$status" -ne 0 ]; then
      echo 'npm run test:setup (as root) installs the missing packages; npm run test:unit needs none of them.' >&2
    fi
    exit "$status"
    ;;
  install)
    if [ "$(id -u)" -ne 0 ]; then
      echo 'test:setup installs Debian packages: run it as root' >&2
      exit 1
    fi
    mapfile -t packages < <(
      {
        missing_packages 2>/dev/null | tr ' ' '\n'
        for pkg in "${BUILD_PACKAGES[@]}"; do
          dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' ||
            echo "$pkg"
        done
      } | sort -u
    )
    if [ "${#packages[@]}" -eq 0 ]; then
      echo 'test host: nothing to install'
      exit 0
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q </dev/null
    apt-get install -y -q --no-install-recommends "${packages[@]}" </dev/null
    ;;
  *)
    echo "usage: $0 check|install" >&2
    exit 2
    ;;
esac
