#!/usr/bin/env bash
# Bench harness: scripts/bench.sh [scenario...]   (default: every scenario)
# Builds with optimisation, starts what the scenarios need on loopback, measures the
# baselines of this run (null gRPC echo, redis-benchmark EVALSHA) and prints each figure
# beside its baseline and the ratio. Results: bench-results/<time>.json.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${FIRSTLINE_BENCH_BUILD_DIR:-$ROOT/build-bench}"
SECONDS_PER_RUN="${FIRSTLINE_BENCH_SECONDS:-5}"
ALL_SCENARIOS=(outbox routing leads engineers reminders attribution)
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
ECHO_PID=$!
wait_for curl -sf "http://127.0.0.1:$METRICS_PORT/healthz"
TOKEN="$(FIRSTLINE_AUTH_SECRET="$SECRET" "$BUILD/services/admin/firstline" token mint --kind service --subject bench)"
BENCH="$BUILD/tests/bench/firstline-bench"
OUT="$RUN/figures.jsonl"

# start_service <name> [flags...]: starts services/<name> on free ports with its own flags (e.g.
# --policy <file>) and waits until it is healthy; sets SERVICE_PORT, SERVICE_METRICS_PORT and
# SERVICE_PID.
start_service() {
  SERVICE_PORT=$(free_port)
  SERVICE_METRICS_PORT=$(free_port)
  FIRSTLINE_AUTH_SECRET="$SECRET" "$BUILD/services/$1/firstline-$1" \
    --grpc-port "$SERVICE_PORT" --metrics-port "$SERVICE_METRICS_PORT" --redis-port "$REDIS_PORT" \
    --kafka-bootstrap "$BOOTSTRAP" --log-level warn "${@:2}" >"$RUN/$1.log" 2>&1 &
  SERVICE_PID=$!
  pids+=("$SERVICE_PID")
  wait_for curl -sf "http://127.0.0.1:$SERVICE_METRICS_PORT/healthz"
}

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
      start_service lead-intake --policy "$ROOT/deploy/policies/leads.yaml"
      "$BENCH" leads --target "127.0.0.1:$SERVICE_PORT" --secret "$SECRET" --bootstrap "$BOOTSTRAP" \
        --server-metrics-port "$SERVICE_METRICS_PORT" --seconds "$SECONDS_PER_RUN" \
        --paced-rate "${FIRSTLINE_BENCH_PACED_RATE:-0}" --out "$OUT"
      ;;
    engineers)
      # Thousands of connections on each side: raise the descriptor limit as far as allowed.
      ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
      # Offers go round robin among the engineers of the ticket's region (no broadcast, so
      # every ticket is one offer and one accept).
      cat >"$RUN/bench-tickets.yaml" <<'YAML'
version: bench
rules:
  - name: default
    default: true
    targets:
      - strategy: owner
        offer_timeout: 10m
      - strategy: round_robin
        pool: field-engineers
        offer_timeout: 10m
        max_offers: 3
YAML
      start_service ticket-dispatch --policy "$RUN/bench-tickets.yaml"
      "$BENCH" engineers --target "127.0.0.1:$SERVICE_PORT" --secret "$SECRET" \
        --server-pid "$SERVICE_PID" --echo-target "127.0.0.1:$ECHO_PORT" --echo-token "$TOKEN" \
        --echo-pid "$ECHO_PID" --server-metrics-port "$SERVICE_METRICS_PORT" \
        --streams "${FIRSTLINE_BENCH_STREAMS:-2000,10000}" \
        --tickets-per-second "${FIRSTLINE_BENCH_TICKET_RATE:-1000}" \
        --seconds "$SECONDS_PER_RUN" --out "$OUT"
      ;;
    reminders)
      "$BENCH" reminders --redis-port "$REDIS_PORT" \
        --contracts "${FIRSTLINE_BENCH_CONTRACTS:-1000000}" --warmup-seconds "$SECONDS_PER_RUN" \
        --seconds "$((SECONDS_PER_RUN * 6))" \
        --out "$OUT"
      ;;
    attribution)
      start_service channel-attribution --settings "$ROOT/deploy/policies/attribution.yaml"
      "$BENCH" attribution --redis-port "$REDIS_PORT" --target "127.0.0.1:$SERVICE_PORT" \
        --secret "$SECRET" --leads "${FIRSTLINE_BENCH_LEADS:-1000000}" --threads 2 \
        --seconds "$SECONDS_PER_RUN" --out "$OUT"
      ;;
  esac
done

mkdir -p "$ROOT/bench-results"
"$BENCH" report --in "$OUT" --json "$ROOT/bench-results/$(date -u +%Y%m%dT%H%M%SZ).json"
