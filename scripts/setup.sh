#!/usr/bin/env bash
# Installs every OS package Firstline needs on Debian 12 (idempotent; silent when all present),
# and the npm tools: buf (lints the protos), kubernetes-models and yaml (check the manifests).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

PACKAGES=(
  build-essential cmake ninja-build pkg-config ccache clang-format git curl openssl
  protobuf-compiler protobuf-compiler-grpc libprotobuf-dev libgrpc++-dev
  librdkafka-dev libhiredis-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libspdlog-dev libcli11-dev libyaml-cpp-dev nlohmann-json3-dev libjemalloc-dev
  prometheus-cpp-dev libcivetweb-dev libjwt-dev libabsl-dev
  redis-server redis-tools util-linux
  docker-compose yamllint
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

# npm tools, pinned, into a project-local directory: buf lints the protos; kubernetes-models
# and yaml check the Kubernetes manifests offline (scripts/check-manifests.mjs).
BUF_VERSION=1.47.2
NPM_TOOLS=("@bufbuild/buf@$BUF_VERSION" kubernetes-models@5.1.0 yaml@2.9.1)
TOOLS="$ROOT/.tools"
installed() {  # package@version
  local name=${1%@*} version=${1##*@}
  [[ "$(node -p "require('$TOOLS/node_modules/$name/package.json').version" 2>/dev/null)" == "$version" ]]
}
need=()
for tool in "${NPM_TOOLS[@]}"; do installed "$tool" || need+=("$tool"); done
if ((${#need[@]})); then
  echo "setup: installing ${need[*]} (npm)"
  mkdir -p "$TOOLS"
  npm install --silent --no-audit --no-fund --prefix "$TOOLS" "${NPM_TOOLS[@]}" >/dev/null
fi
