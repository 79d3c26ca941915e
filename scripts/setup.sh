#!/usr/bin/env bash
# Installs every OS package Firstline needs on Debian 12 (idempotent; silent when all present),
# and the buf CLI (npm) used to lint the protos.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

PACKAGES=(
  build-essential cmake ninja-build pkg-config ccache clang-format git curl openssl
  protobuf-compiler protobuf-compiler-grpc libprotobuf-dev libgrpc++-dev
  librdkafka-dev libhiredis-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libspdlog-dev libcli11-dev libyaml-cpp-dev nlohmann-json3-dev
  prometheus-cpp-dev libcivetweb-dev libjwt-dev libabsl-dev
  redis-server redis-tools util-linux
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
# Node.js may come from another packaging of the same name; only the commands matter.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  missing+=(nodejs npm)
fi

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# buf (protobuf linter) from the npm registry, pinned, into a project-local directory.
BUF_VERSION=1.47.2
TOOLS="$ROOT/.tools"
if [[ ! -x "$TOOLS/node_modules/.bin/buf" ]] || \
   [[ "$("$TOOLS/node_modules/.bin/buf" --version 2>/dev/null)" != "$BUF_VERSION" ]]; then
  echo "setup: installing buf $BUF_VERSION (npm)"
  mkdir -p "$TOOLS"
  npm install --silent --no-audit --no-fund --prefix "$TOOLS" "@bufbuild/buf@$BUF_VERSION" >/dev/null
fi
