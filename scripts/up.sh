#!/usr/bin/env bash
# Installs what is missing, builds, and runs the embedded stack in the foreground:
# redis-server (AOF), the dev broker (in-memory Kafka) and every Firstline service.
# --demo also runs simulated users (firstline-demo) and prints their summary every 5 s;
# renewal-reminder's clock then runs 7,200 times faster so follow-ups and renewals fall due;
# it starts from empty data each time (.run/demo), the plain suite keeps .run between runs.
# Ctrl-C or SIGTERM stops everything cleanly.
set -euo pipefail
DEMO=0
for arg in "$@"; do
  case "$arg" in
    --demo) DEMO=1 ;;
    -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "up.sh: unknown argument '$arg' (usage: scripts/up.sh [--demo])" >&2; exit 2 ;;
  esac
done
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${FIRSTLINE_BUILD_DIR:-$ROOT/build}"
RUN="${FIRSTLINE_RUN_DIR:-$ROOT/.run}"
if ((DEMO)); then
  # The demo starts from an empty suite every time, in a data directory of its own: its
  # simulated reps, accounts and open leads would otherwise pile up from run to run.
  RUN="$RUN/demo"
  rm -rf "$RUN/redis"
fi
REDIS_PORT="${FIRSTLINE_REDIS_PORT:-6380}"
CONTROL_PORT="${FIRSTLINE_DEVBROKER_CONTROL_PORT:-9690}"

"$ROOT/scripts/setup.sh"
echo "up: building (first build takes a few minutes)"
"$ROOT/scripts/build.sh" >/dev/null

mkdir -p "$RUN/redis" "$RUN/logs"
if [[ -z "${FIRSTLINE_AUTH_SECRET:-}" ]]; then
  [[ -s "$RUN/auth.secret" ]] || head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$RUN/auth.secret"
  FIRSTLINE_AUTH_SECRET="$(cat "$RUN/auth.secret")"
fi
export FIRSTLINE_AUTH_SECRET
export FIRSTLINE_REDIS_PORT="$REDIS_PORT"
export FIRSTLINE_KAFKA_BOOTSTRAP_FILE="$RUN/kafka.bootstrap"
LEAD_POLICY="${FIRSTLINE_LEAD_POLICY:-$ROOT/deploy/policies/leads.yaml}"
TICKET_POLICY="${FIRSTLINE_TICKET_POLICY:-$ROOT/deploy/policies/tickets.yaml}"
REMINDER_POLICY="${FIRSTLINE_SCHEDULE_POLICY:-$ROOT/deploy/policies/reminders.yaml}"
ATTRIBUTION_SETTINGS="${FIRSTLINE_ATTRIBUTION_SETTINGS:-$ROOT/deploy/policies/attribution.yaml}"
rm -f "$FIRSTLINE_KAFKA_BOOTSTRAP_FILE"
REMINDER_EXTRA=""
if ((DEMO)); then
  DEMO_CLOCK="$RUN/demo-clock"
  echo 0 > "$DEMO_CLOCK"
  REMINDER_EXTRA="--clock-shift-file $DEMO_CLOCK"
fi

pids=()
stop_all() {
  trap - INT TERM EXIT
  echo
  echo "up: stopping"
  # Services first (they drain and flush to the broker), then the broker, then Redis.
  for ((i=${#pids[@]}-1; i>=0; i--)); do
    kill -TERM "${pids[i]}" 2>/dev/null || true
    wait "${pids[i]}" 2>/dev/null || true
  done
  echo "up: stopped"
}
trap 'stop_all; exit 0' INT TERM
trap stop_all EXIT

start() {  # name, command...
  local name=$1
  shift
  # A session of its own: Ctrl-C reaches only this script, which then stops everything in
  # order (services drain while the broker and Redis are still there).
  setsid "$@" >>"$RUN/logs/$name.log" 2>&1 &
  pids+=($!)
}

wait_until() {  # description, seconds, command...
  local what=$1 seconds=$2
  shift 2
  for ((i = 0; i < seconds * 10; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  echo "up: $what did not come up; see $RUN/logs" >&2
  exit 1
}

start redis redis-server "$ROOT/deploy/local/redis.conf" --port "$REDIS_PORT" --dir "$RUN/redis"
wait_until "redis-server" 10 redis-cli -p "$REDIS_PORT" ping

start devbroker "$BUILD/services/devbroker/firstline-devbroker" \
  --bootstrap-file "$FIRSTLINE_KAFKA_BOOTSTRAP_FILE" --control-port "$CONTROL_PORT"
wait_until "dev broker" 10 test -s "$FIRSTLINE_KAFKA_BOOTSTRAP_FILE"

# name | binary | gRPC port | metrics port | extra flags  (docs/operations.md lists the same)
SERVICES=(
  "echo|services/echo/firstline-echo|7070|9470|"
  "lead-intake|services/lead-intake/firstline-lead-intake|7071|9471|--policy $LEAD_POLICY"
  "ticket-dispatch|services/ticket-dispatch/firstline-ticket-dispatch|7072|9472|--policy $TICKET_POLICY"
  "renewal-reminder|services/renewal-reminder/firstline-renewal-reminder|7073|9473|--schedule-policy $REMINDER_POLICY $REMINDER_EXTRA"
  "channel-attribution|services/channel-attribution/firstline-channel-attribution|7074|9474|--settings $ATTRIBUTION_SETTINGS"
)
for row in "${SERVICES[@]}"; do
  IFS='|' read -r name binary grpc_port metrics_port extra <<<"$row"
  # shellcheck disable=SC2086  # extra holds flags and their values
  start "$name" "$BUILD/$binary" --grpc-port "$grpc_port" --metrics-port "$metrics_port" $extra
done
for row in "${SERVICES[@]}"; do
  IFS='|' read -r name binary grpc_port metrics_port _ <<<"$row"
  wait_until "$name" 30 curl -sf "http://127.0.0.1:$metrics_port/healthz"
done

cat <<INFO

Firstline is up (logs: $RUN/logs, Redis data: $RUN/redis)
  redis-server        127.0.0.1:$REDIS_PORT (AOF on)
  kafka (dev broker)  $(cat "$FIRSTLINE_KAFKA_BOOTSTRAP_FILE")   control: 127.0.0.1:$CONTROL_PORT
INFO
for row in "${SERVICES[@]}"; do
  IFS='|' read -r name binary grpc_port metrics_port _ <<<"$row"
  printf '  %-19s grpc 127.0.0.1:%s   metrics http://127.0.0.1:%s/metrics\n' "$name" "$grpc_port" "$metrics_port"
done
cat <<INFO

Talk to it: mint a token, then call any service with 'authorization: Bearer <token>':
  FIRSTLINE_AUTH_SECRET=\$(cat $RUN/auth.secret) $BUILD/services/admin/firstline token mint --kind operator --subject me
Health: curl http://127.0.0.1:9470/healthz   Ctrl-C stops everything.
INFO

if ((DEMO)); then
  echo "up: starting simulated users (firstline-demo); its summary follows every 5 s"
  "$BUILD/services/demo/firstline-demo" --clock-shift-file "$DEMO_CLOCK" \
    2> >(tee -a "$RUN/logs/demo.log" >&2) &
  pids+=($!)
fi

# Stay in the foreground until a signal arrives or a component dies.
while true; do
  for pid in "${pids[@]}"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "up: a component exited (pid $pid); see $RUN/logs" >&2
      exit 1
    fi
  done
  sleep 1
done
