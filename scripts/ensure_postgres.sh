#!/usr/bin/env bash
# The PostgreSQL end-to-end test starts its own server on a loopback port; it needs
# Debian's server binaries, installed here if they are missing (root and apt only).
set -euo pipefail
if ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing Debian's postgresql for the end-to-end test" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
else
  echo "PostgreSQL server binaries not found: the PostgreSQL end-to-end test will be skipped" >&2
fi
