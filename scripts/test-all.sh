#!/usr/bin/env bash
# Type-check, lint, then every jest suite against a real Temporal dev server and database (which jest's
# global setup starts). Extra arguments go to jest, e.g. `./ringline test test/unit`.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p .data
results=.data/jest-results.json
rm -f "$results"

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

# jest's own summary is not one the CI reads; print the plain closing line it does.
if [ -f "$results" ]; then
  node -e '
    const r = require(process.argv[1]);
    const skipped = r.numPendingTests + r.numTodoTests;
    console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests + r.numRuntimeErrorTestSuites} failed, ${skipped} skipped`);
  ' "$PWD/$results"
fi
exit $rc
