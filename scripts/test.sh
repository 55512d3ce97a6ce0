#!/usr/bin/env bash
# Sets up what is missing on this machine and runs every check: type check, lint, prettier,
# unit tests, end-to-end tests in Debian's Chromium and the proof of installation into a new app.
# Ends with the line `N passed, N failed`
# (tests plus one per static check) and exits non-zero when anything failed.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh" || exit 1
set +e

results=.test-results
rm -rf "$results" && mkdir -p "$results"
export CI="${CI:-true}"

check() { # name, command...
  local name=$1; shift
  echo "::: $name"
  if "$@" >"$results/$name.log" 2>&1; then
    echo "pass" >"$results/$name.status"
  else
    echo "fail" >"$results/$name.status"
    tail -n 60 "$results/$name.log"
  fi
}

ensure_chromium() {
  [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] && return 0
  echo "::: installing Debian's chromium for the end-to-end tests"
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq >/dev/null && $sudo apt-get install -y -qq chromium >/dev/null
}

check tsc yarn tsc
check lint yarn lint:all
check prettier yarn prettier:check
check openapi yarn generate:openapi --check
check api-reports yarn build:api-reports:check

echo "::: test PostgreSQL"
eval "$(scripts/start-test-postgres.sh)" || echo "could not start PostgreSQL: the ledger's PostgreSQL tests will fail"

echo "::: unit tests"
yarn backstage-cli repo test --json --outputFile="$results/unit.json" 2>&1 | tail -n 80

echo "::: end-to-end tests"
if ensure_chromium; then
  yarn playwright test
else
  echo "could not install chromium" >"$results/e2e-setup.log"
fi

echo "::: proof of installation into a new app (yarn verify:install)"
check verify-install yarn verify:install
tail -n 12 "$results/verify-install.log"

node scripts/print-reliability-report.js "$results"
node scripts/summarize-tests.js "$results"
