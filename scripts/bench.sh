#!/usr/bin/env bash
# Bench harness: scripts/bench.sh [scenario...]   (default: every scenario)
# Builds with optimisation, starts what the scenarios need on loopback, measures the
# baselines of this run (null gRPC echo, redis-benchmark EVALSHA) and prints each figure
# beside its baseline and the ratio. Results: bench-results/<time>.json.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${FIRSTLINE_BENCH_BUILD_DIR:-$ROOT/build-bench}"
SECONDS_PER_RUN="${FIRSTLINE_BENCH_SECONDS:-5}"
ALL_SCENARIOS=(outbox routing leads)
SCENARIOS=("$@")
((${#SCENARIOS[@]})) || SCENARIOS=("${ALL_SCENARIOS[@]}")
for s in "${SCENARIOS[@]}"; do
  [[ " ${ALL_SCENARIOS[*]} " == *" $s "* ]] || { echo "bench: unknown scenario '$s' (known: ${ALL_SCENARIOS[*]})" >&2; exit 2; }
done

"$ROOT/scripts/setup.sh"
echo "bench: building (optimised, same flags as the tests) in $BUILD"
FIRSTLINE_BUILD_DIR="$BUILD" FIRSTLINE_BUILD_TYPE=RelWithDebInfo "$ROOT/scripts/build.sh" \
  -DFIRSTLINE_BUILD_TESTS=OFF >/dev/null

RUN="$(mktemp -d)"
pids=()
cleanup() {
  for ((i=${#pids[@]}-1; i>=0; i--)); do kill -TERM "${pids[i]}" 2>/dev/null || true; wait "${pids[i]}" 2>/dev/null || true; done
  rm -rf "$RUN"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo $((20000 + RANDOM % 20000)); }
wait_for() { for _ in $(seq 1 100); do if "$@" >/dev/null 2>&1; then return 0; fi; sleep 0.1; done; echo "bench: timed out waiting for: $*" >&2; exit 1; }

REDIS_PORT=$(free_port)
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$RUN" --save "" --appendonly yes \
  --loglevel warning >"$RUN/redis.log" 2>&1 &
pids+=($!)
wait_for redis-cli -p "$REDIS_PORT" ping
"$BUILD/services/devbroker/firstline-devbroker" --bootstrap-file "$RUN/bootstrap" \
  >"$RUN/devbroker.log" 2>&1 &
pids+=($!)
wait_for test -s "$RUN/bootstrap"
BOOTSTRAP="$(cat "$RUN/bootstrap")"
SECRET="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
ECHO_PORT=$(free_port)
METRICS_PORT=$(free_port)
FIRSTLINE_AUTH_SECRET="$SECRET" "$BUILD/services/echo/firstline-echo" --grpc-port "$ECHO_PORT" \
  --metrics-port "$METRICS_PORT" --redis-port "$REDIS_PORT" --kafka-bootstrap "$BOOTSTRAP" \
  --log-level warn >"$RUN/echo.log" 2>&1 &
pids+=($!)
wait_for curl -sf "http://127.0.0.1:$METRICS_PORT/healthz"
TOKEN="$(FIRSTLINE_AUTH_SECRET="$SECRET" "$BUILD/services/admin/firstline" token mint --kind service --subject bench)"
BENCH="$BUILD/tests/bench/firstline-bench"
OUT="$RUN/figures.jsonl"

echo "bench: baselines"
"$BENCH" echo --target "127.0.0.1:$ECHO_PORT" --token "$TOKEN" --seconds "$SECONDS_PER_RUN" --out "$OUT"
SHA="$(redis-cli -p "$REDIS_PORT" script load "return 1")"
EVALSHA_RPS="$(redis-benchmark -p "$REDIS_PORT" -c 50 -n 200000 --csv EVALSHA "$SHA" 0 | tail -1 | cut -d, -f2 | tr -d '"')"
"$BENCH" record --metric "redis EVALSHA calls/s" --value "$EVALSHA_RPS" --out "$OUT"

for scenario in "${SCENARIOS[@]}"; do
  echo "bench: scenario $scenario"
  case "$scenario" in
    outbox)
      "$BENCH" outbox --redis-port "$REDIS_PORT" --bootstrap "$BOOTSTRAP" \
        --seconds "$SECONDS_PER_RUN" --out "$OUT"
      ;;
    routing)
      "$BENCH" routing --redis-port "$REDIS_PORT" --seconds "$SECONDS_PER_RUN" --out "$OUT"
      ;;
    leads)
      LEADS_PORT=$(free_port)
      LEADS_METRICS=$(free_port)
      FIRSTLINE_AUTH_SECRET="$SECRET" "$BUILD/services/lead-intake/firstline-lead-intake" \
        --grpc-port "$LEADS_PORT" --metrics-port "$LEADS_METRICS" --redis-port "$REDIS_PORT" \
        --kafka-bootstrap "$BOOTSTRAP" --policy "$ROOT/deploy/policies/leads.yaml" \
        --log-level warn >"$RUN/lead-intake.log" 2>&1 &
      pids+=($!)
      wait_for curl -sf "http://127.0.0.1:$LEADS_METRICS/healthz"
      "$BENCH" leads --target "127.0.0.1:$LEADS_PORT" --secret "$SECRET" --bootstrap "$BOOTSTRAP" \
        --seconds "$SECONDS_PER_RUN" --out "$OUT"
      ;;
  esac
done

mkdir -p "$ROOT/bench-results"
"$BENCH" report --in "$OUT" --json "$ROOT/bench-results/$(date -u +%Y%m%dT%H%M%SZ).json"
