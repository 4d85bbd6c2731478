#!/bin/sh
# The Dockerfile's build stage (and the test that runs its steps in a clean folder): from a
# checkout, install the exact dependencies without running their scripts (the build needs only
# tsc and esbuild), build, and pack the npm tarball into OUT (default: ./out).
# Usage: scripts/image/pack.sh [OUT]
set -eu
out=${1:-out}
npm ci --ignore-scripts --no-audit --no-fund
npm run build
mkdir -p "$out"
# --ignore-scripts: `prepare` would build a second time.
npm pack --ignore-scripts --pack-destination "$out"
