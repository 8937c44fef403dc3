#!/usr/bin/env bash
# ctest entry of the browser test: node --test over search_page.test.js.
# Usage: run.sh HERALD_SERVER HERALD_INDEXER DATA_DIR
# Skips (exit 0, with a message) when Chromium or node_modules are missing, except under CI,
# where scripts/setup has installed them and a missing piece is a failure.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
missing=""
[ -x /usr/bin/chromium ] || missing="/usr/bin/chromium (Debian package chromium)"
command -v node >/dev/null || missing="${missing:+$missing, }node"
[ -d "$here/node_modules/playwright-core" ] || missing="${missing:+$missing, }tests/browser/node_modules (npm ci in tests/browser)"
if [ -n "$missing" ]; then
  if [ -n "${CI:-}" ]; then
    echo "browser test: missing $missing; scripts/setup installs them" >&2
    exit 1
  fi
  echo "browser test SKIPPED: missing $missing; run scripts/setup to install them"
  exit 0
fi
export HERALD_SERVER="$1" HERALD_INDEXER="$2" HERALD_DATA="$3"
cd "$here"
exec node --test search_page.test.js
