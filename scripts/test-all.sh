#!/usr/bin/env bash
# Type-check, lint, then every jest suite against a real Temporal dev server and database (which jest's
# global setup starts): the main suite, then the tests that need the machine alone. Extra arguments go
# to jest's main suite only, e.g. `./ringline test test/unit`; the others run with
# `npx jest -c jest.alone.config.js`.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p .data
results=.data/jest-results.json
alone_results=.data/jest-alone-results.json
rm -f "$results" "$alone_results"

step() { printf '\n\033[1m▸ %s\033[0m\n' "$*"; }

step "Type-check (tsc)"
npx tsc --noEmit -p tsconfig.json || { echo "type-check failed"; echo "0 passed, 1 failed"; exit 1; }

step "Lint (eslint)"
npx eslint . --max-warnings=0 || { echo "lint failed"; echo "0 passed, 1 failed"; exit 1; }

# The dashboard's browser test drives Debian's chromium.
if [ "${RINGLINE_SKIP_BROWSER_TESTS:-}" != 1 ]; then
  step "Chromium for the browser test"
  bash scripts/ensure-chromium.sh || { echo "chromium could not be installed"; echo "0 passed, 1 failed"; exit 1; }
fi

step "Tests (jest)"
npx jest --ci --json --outputFile="$results" "$@"
rc=$?

# Then the tests that need the machine alone: the start command end to end, and the campaign scale
# test. CI runs the scale test at 5,000 contacts: at the issue's 10,000 it takes about 17 minutes on
# 2 cores, too long beside the main suite and a fresh machine's tool builds.
if [ $# -eq 0 ]; then
  export RINGLINE_SCALE_CONTACTS="${RINGLINE_SCALE_CONTACTS:-5000}"
  if [ "${RINGLINE_SKIP_SCALE_TESTS:-}" = 1 ]; then
    step "Tests that need the machine alone: the start command end to end"
  else
    step "Tests that need the machine alone: the start command end to end, then a campaign of ${RINGLINE_SCALE_CONTACTS} contacts (about 9 minutes on 2 cores)"
  fi
  npx jest --ci -c jest.alone.config.js --json --outputFile="$alone_results"
  alone_rc=$?
  [ $rc -eq 0 ] && rc=$alone_rc
fi

# jest's own summary is not one the CI reads; print the plain closing line it does.
node -e '
  const fs = require("fs");
  const runs = process.argv.slice(1).filter((f) => fs.existsSync(f)).map((f) => require(f));
  if (runs.length === 0) process.exit(0);
  const sum = (pick) => runs.reduce((n, r) => n + pick(r), 0);
  const failed = sum((r) => r.numFailedTests + r.numRuntimeErrorTestSuites);
  const skipped = sum((r) => r.numPendingTests + r.numTodoTests);
  console.log(`tests: ${sum((r) => r.numPassedTests)} passed, ${failed} failed, ${skipped} skipped`);
' "$PWD/$results" "$PWD/$alone_results"
exit $rc
