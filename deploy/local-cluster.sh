#!/usr/bin/env bash
# A local ec-engine cluster on 127.0.0.1: three nodes (separate JVMs) with their own HTTP and
# remoting ports, all on one PostgreSQL database.
#
#   deploy/local-cluster.sh start     build the jar if needed, start the nodes, wait until ready
#   deploy/local-cluster.sh status    pid, readiness and cluster view of every node
#   deploy/local-cluster.sh stop      graceful stop (SIGTERM), node after node
#
# Settings (environment):
#   EC_CLUSTER_NODES        number of nodes (3)
#   EC_CLUSTER_HTTP_BASE    HTTP port of node 1; node i listens on base+i-1 (8081)
#   EC_CLUSTER_REMOTE_BASE  remoting port of node 1 (25521)
#   EC_CLUSTER_DIR          pid files, logs and generated keys (/tmp/ec-engine-local-cluster)
#   EC_DB_URL               jdbc:postgresql://127.0.0.1:5432/test?currentSchema=ec_local_cluster
#   EC_DB_USER / EC_DB_PASSWORD   postgres / empty
#   EC_DB_POOL_SIZE         connections per pool and node (5; each node opens two pools)
#   EC_CLUSTER_HEAP         -Xmx of each node (512m)
# Any other EC_* variable (EC_ASK_TIMEOUT, EC_SHUTDOWN_DRAIN, ...) is passed on to every node.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="$ROOT/http-api/target/ec-engine.jar"
NODES="${EC_CLUSTER_NODES:-3}"
HTTP_BASE="${EC_CLUSTER_HTTP_BASE:-8081}"
REMOTE_BASE="${EC_CLUSTER_REMOTE_BASE:-25521}"
DIR="${EC_CLUSTER_DIR:-${TMPDIR:-/tmp}/ec-engine-local-cluster}"
SCHEMA_DEFAULT="ec_local_cluster"
DB_URL="${EC_DB_URL:-jdbc:postgresql://127.0.0.1:5432/test?currentSchema=$SCHEMA_DEFAULT}"
DB_USER="${EC_DB_USER:-postgres}"
DB_PASSWORD="${EC_DB_PASSWORD:-}"
POOL="${EC_DB_POOL_SIZE:-5}"
HEAP="${EC_CLUSTER_HEAP:-512m}"

say() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*"; }
http_port() { echo $((HTTP_BASE + $1 - 1)); }
remote_port() { echo $((REMOTE_BASE + $1 - 1)); }
pid_of() { [[ -f "$DIR/node$1.pid" ]] && cat "$DIR/node$1.pid" || true; }
alive() { local pid; pid="$(pid_of "$1")"; [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; }
ready() { curl -fsS -m 2 "http://127.0.0.1:$(http_port "$1")/ready" >/dev/null 2>&1; }

seed_nodes() {
  local seeds="" i
  for ((i = 1; i <= NODES; i++)); do
    seeds+="${seeds:+,}127.0.0.1:$(remote_port "$i")"
  done
  echo "$seeds"
}

# A key kept in $DIR so that every node, and every later start, uses the same one.
kept_key() {
  local file="$DIR/$1"
  if [[ ! -s "$file" ]]; then
    (umask 077 && head -c 32 /dev/urandom | base64 | tr -d '\n' >"$file")
  fi
  cat "$file"
}

# Creates the schema named in the URL (currentSchema=...) if psql is at hand.
ensure_schema() {
  local schema
  schema="$(sed -n 's/.*[?&]currentSchema=\([A-Za-z0-9_]*\).*/\1/p' <<<"$DB_URL")"
  [[ -z "$schema" ]] && return 0
  local psql
  psql="$(command -v psql || ls /usr/lib/postgresql/*/bin/psql 2>/dev/null | tail -1 || true)"
  if [[ -z "$psql" ]]; then
    say "psql not found: make sure schema $schema exists in the database"
    return 0
  fi
  local target="${DB_URL#jdbc:}"
  target="${target%%\?*}"
  PGPASSWORD="$DB_PASSWORD" "$psql" -q -X "$target" -U "$DB_USER" \
    -c "CREATE SCHEMA IF NOT EXISTS $schema" >/dev/null
  say "database schema $schema is in place"
}

start() {
  mkdir -p "$DIR"
  if [[ ! -f "$JAR" ]]; then
    say "building $JAR (./mvnw -B -q -DskipTests package)"
    (cd "$ROOT" && ./mvnw -B -q -DskipTests package)
  fi
  ensure_schema
  local admin secrets seeds i
  admin="${EC_ADMIN_KEY:-ec_admin_$(kept_key admin-key | tr '+/' '-_' | tr -d '=')}"
  secrets="${EC_SECRETS_KEY:-$(kept_key secrets-key)}"
  seeds="$(seed_nodes)"
  for ((i = 1; i <= NODES; i++)); do
    if alive "$i"; then
      say "node$i already runs (pid $(pid_of "$i"))"
      continue
    fi
    EC_HTTP_PORT="$(http_port "$i")" EC_HTTP_INTERFACE=127.0.0.1 \
      EC_REMOTE_HOST=127.0.0.1 EC_REMOTE_PORT="$(remote_port "$i")" EC_SEED_NODES="$seeds" \
      EC_DB_URL="$DB_URL" EC_DB_USER="$DB_USER" EC_DB_PASSWORD="$DB_PASSWORD" \
      EC_DB_POOL_SIZE="$POOL" EC_ADMIN_KEY="$admin" EC_SECRETS_KEY="$secrets" \
      nohup java "-Xmx$HEAP" -jar "$JAR" >>"$DIR/node$i.log" 2>&1 </dev/null &
    echo $! >"$DIR/node$i.pid"
    say "node$i started (pid $!, http $(http_port "$i"), remoting $(remote_port "$i"))"
  done
  say "waiting for every node to be ready (logs: $DIR/node*.log)"
  local deadline=$((SECONDS + 180))
  for ((i = 1; i <= NODES; i++)); do
    until ready "$i"; do
      if ! alive "$i"; then
        say "node$i exited; last lines of $DIR/node$i.log:"
        tail -20 "$DIR/node$i.log"
        exit 1
      fi
      if ((SECONDS > deadline)); then
        say "node$i is not ready after 180 s; see $DIR/node$i.log"
        exit 1
      fi
      sleep 1
    done
    say "node$i ready: http://127.0.0.1:$(http_port "$i")"
  done
  echo "$admin" >"$DIR/admin"
  chmod 600 "$DIR/admin"
  say "cluster of $NODES nodes is up; administrator key in $DIR/admin"
  say "try: curl -s -H \"Authorization: Bearer \$(cat $DIR/admin)\" http://127.0.0.1:$HTTP_BASE/v1/cluster"
}

stop() {
  local i pid
  for ((i = NODES; i >= 1; i--)); do
    if ! alive "$i"; then
      rm -f "$DIR/node$i.pid"
      continue
    fi
    pid="$(pid_of "$i")"
    say "stopping node$i (pid $pid): drain, hand shards over, leave"
    kill -TERM "$pid"
    local deadline=$((SECONDS + 90))
    while kill -0 "$pid" 2>/dev/null; do
      if ((SECONDS > deadline)); then
        say "node$i still runs after 90 s; killing it"
        kill -KILL "$pid" || true
        break
      fi
      sleep 1
    done
    rm -f "$DIR/node$i.pid"
    say "node$i stopped"
  done
  say "all nodes stopped; logs stay in $DIR"
}

status() {
  local i admin=""
  [[ -f "$DIR/admin" ]] && admin="$(cat "$DIR/admin")"
  for ((i = 1; i <= NODES; i++)); do
    if ! alive "$i"; then
      say "node$i: not running"
      continue
    fi
    local state="not ready"
    ready "$i" && state="ready"
    say "node$i: pid $(pid_of "$i"), $state, http $(http_port "$i"), remoting $(remote_port "$i")"
    if [[ -n "$admin" ]]; then
      curl -fsS -m 3 -H "Authorization: Bearer $admin" \
        "http://127.0.0.1:$(http_port "$i")/v1/cluster" 2>/dev/null |
        { command -v jq >/dev/null && jq -c '{self, selfStatus, members: [.members[] | "\(.address) \(.status)\(if .reachable then "" else " UNREACHABLE" end)"], skuShards: (.shards.Sku | length)}' || cat; } || true
    fi
  done
  say "logs and pid files: $DIR"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
