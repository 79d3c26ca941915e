#!/usr/bin/env bash
# Tests the deployment check itself: the real deploy/ passes, and each kind of breakage (a
# schema error in a manifest, an unknown kind, a missing kustomize resource, an invalid compose
# option, a YAML syntax problem) makes it fail naming the broken file.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CHECK="$ROOT/scripts/check-deploy.sh"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
failures=0

fresh_copy() {
  rm -rf "$WORK/deploy"
  cp -r "$ROOT/deploy" "$WORK/deploy"
}

expect_pass() {
  fresh_copy
  if ! "$CHECK" "$WORK/deploy" >"$WORK/out" 2>&1; then
    echo "FAIL: the real deploy/ was rejected:"
    cat "$WORK/out"
    failures=$((failures + 1))
  else
    echo "ok: the real deploy/ passes"
  fi
}

expect_rejected() {  # description, file (relative to deploy/), expected text, sed expression
  local what=$1 file=$2 expected=$3 edit=$4
  fresh_copy
  sed -i "$edit" "$WORK/deploy/$file"
  if cmp -s "$ROOT/deploy/$file" "$WORK/deploy/$file"; then
    echo "FAIL: $what: the edit changed nothing in $file"
    failures=$((failures + 1))
    return
  fi
  if "$CHECK" "$WORK/deploy" >"$WORK/out" 2>&1; then
    echo "FAIL: $what: the check passed"
    failures=$((failures + 1))
  elif ! grep -q -- "$expected" "$WORK/out"; then
    echo "FAIL: $what: the check failed without saying '$expected':"
    cat "$WORK/out"
    failures=$((failures + 1))
  else
    echo "ok: $what is rejected"
  fi
}

expect_pass
expect_rejected "a port that is not a number" k8s/base/lead-intake.yaml \
  "containerPort must be integer" 's/containerPort: 7071/containerPort: "grpc-port"/'
expect_rejected "a Deployment without a selector" k8s/base/ticket-dispatch.yaml \
  "must have required property selector" '0,/^  selector:/s//  selectr:/'
expect_rejected "an unknown kind" k8s/base/renewal-reminder.yaml \
  "unknown kind Servise" 's/^kind: Service$/kind: Servise/'
expect_rejected "a kustomize resource that does not exist" k8s/base/kustomization.yaml \
  "resource billing.yaml does not exist" 's/  - config.yaml/  - billing.yaml/'
expect_rejected "an unknown compose option" compose/docker-compose.yaml \
  "Unsupported config option" 's/^    image: redis:7.0/    imag: redis:7.0/'
expect_rejected "a duplicated YAML key" k8s/base/config.yaml \
  "duplication of key" 's/^  FIRSTLINE_LOG_LEVEL: info/  FIRSTLINE_LOG_LEVEL: info\n  FIRSTLINE_LOG_LEVEL: debug/'

if ((failures)); then
  echo "$failures deployment check test(s) failed"
  exit 1
fi
echo "deployment check: all cases behave"
