#!/usr/bin/env bash
# Validates the deployment files offline: yamllint on every YAML file, `docker-compose config
# -q` on the compose file, and every Kubernetes manifest against the API schemas
# (scripts/check-manifests.mjs, kubernetes-models). Usage: check-deploy.sh [DEPLOY_DIR]
# (default: deploy/). Prints every problem found and exits 1 when there is any.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEPLOY="${1:-$ROOT/deploy}"
failed=0

if ! yamllint -c "$ROOT/.yamllint" -f parsable "$DEPLOY"; then
  failed=1
fi
# The compose file demands a secret; any value does for checking its shape.
if ! FIRSTLINE_AUTH_SECRET=check docker-compose -f "$DEPLOY/compose/docker-compose.yaml" \
     config -q; then
  echo "compose: $DEPLOY/compose/docker-compose.yaml is invalid" >&2
  failed=1
fi
if ! node "$ROOT/scripts/check-manifests.mjs" "$DEPLOY/k8s" "$DEPLOY/policies/kustomization.yaml"; then
  failed=1
fi

if ((failed)); then
  echo "check-deploy: $DEPLOY has errors (above)" >&2
  exit 1
fi
echo "check-deploy: $DEPLOY is valid (yamllint, docker-compose config, Kubernetes schemas)"
