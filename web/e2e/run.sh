#!/usr/bin/env bash
# `npm run e2e`: makes sure the server and the web UI are built, then runs the Playwright suite
# (which starts its own server on a fresh data folder). Extra arguments go to `playwright test`.
set -euo pipefail
web="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$web"
# `yz help` builds artifacts/yz when it is missing or older than the sources.
../yz help >/dev/null
if [ ! -f dist/index.html ] || [ -n "$(find src index.html package.json -newer dist/index.html -type f -print -quit)" ]; then
  npm run build --silent
fi
exec npx playwright test "$@"
