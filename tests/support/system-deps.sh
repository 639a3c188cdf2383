#!/usr/bin/env bash
# The system programs the test suite runs for real, installed only when missing (quiet; one apt-get
# update at most): Debian's Chromium and axe-core (pinned in tests/support/axe/package-lock.json) for the
# report's browser and accessibility tests; Debian's redis-server and postgresql for the distributed-mode
# and PostgreSQL-store tests (the tests start and stop their own servers on 127.0.0.1; see
# tests/support/servers.py). Needs root for apt (or sudo); npm for axe-core.
set -euo pipefail
cd "$(dirname "$0")/../.."
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing+=(postgresql)
if ((${#missing[@]})); then
  as_root=()
  [ "$(id -u)" -eq 0 ] || as_root=(sudo)
  { "${as_root[@]}" apt-get update -qq \
      && DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq "${missing[@]}"; } \
      >/tmp/parity-apt.log 2>&1 \
    || { tail -n 20 /tmp/parity-apt.log; echo "installing ${missing[*]} failed (log: /tmp/parity-apt.log)"; exit 1; }
fi
npm ci --prefix tests/support/axe --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null
