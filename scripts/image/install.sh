#!/bin/sh
# The Dockerfile's runtime stage (and the test that runs its steps in a clean folder): installs
# the packed tarball with its production dependencies only (better-sqlite3 from its prebuilt
# binary, or compiled when none fits) under PREFIX, so that PREFIX/bin/flotilla is the command.
# Usage: scripts/image/install.sh TARBALL PREFIX
set -eu
tarball=$1
prefix=$2
npm install --global --prefix "$prefix" --omit=dev --no-audit --no-fund "$tarball"
"$prefix/bin/flotilla" version
