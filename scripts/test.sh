#!/usr/bin/env bash
# Installs what is missing, builds, checks formatting and protos, and runs every test.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${FIRSTLINE_BUILD_DIR:-$ROOT/build}"
start=$(date +%s)

"$ROOT/scripts/setup.sh"

echo "== format (clang-format)"
"$ROOT/scripts/format.sh" --check

echo "== protos (buf lint)"
(cd "$ROOT/proto" && "$ROOT/.tools/node_modules/.bin/buf" lint)

echo "== build"
"$ROOT/scripts/build.sh" -DFIRSTLINE_BUILD_TESTS=ON

echo "== tests"
cd "$BUILD"
ctest -j2 --output-on-failure --timeout 300 "$@"
echo "scripts/test.sh: done in $(( $(date +%s) - start ))s"
