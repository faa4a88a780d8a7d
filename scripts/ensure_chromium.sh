#!/usr/bin/env bash
# The dashboard's browser test drives Debian's Chromium (/usr/bin/chromium) with Playwright; a
# browser download at test time is not possible. Installed here if it is missing (root and apt only).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing Debian's chromium for the dashboard's browser test" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
  echo "chromium not found: the dashboard's browser test will be skipped" >&2
fi
