#!/usr/bin/env bash
# Configures and builds into build/ (or $FIRSTLINE_BUILD_DIR). Used by test.sh and up.sh.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${FIRSTLINE_BUILD_DIR:-$ROOT/build}"
BUILD_TYPE="${FIRSTLINE_BUILD_TYPE:-RelWithDebInfo}"
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE="$BUILD_TYPE" "$@" >/dev/null
cmake --build "$BUILD" -j "$(nproc)"
