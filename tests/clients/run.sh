#!/usr/bin/env bash
# Starts the built newsdesk on a throwaway SQLite file and runs the stock-client
# checks against it: GraphQL over HTTP, paging, subscriptions over WebSocket
# and SSE, previews, the docs page and GraphiQL in headless Chromium, and
# Standard Webhooks deliveries (across a restart, and
# from two nodes over PostgreSQL when it is reachable). Needs node and npm; `bash .ci/run` calls it after the tests.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="$here/../../target/debug/newsdesk"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
work="$(mktemp -d)"
server=""
pg_base="${NEWSDESK_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
pg_db=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  if [ -n "$pg_db" ]; then psql "$pg_base" -qc "DROP DATABASE IF EXISTS $pg_db" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

if ! (cd "$here" && npm install --no-audit --no-fund --no-package-lock --silent); then
  echo "SKIPPED: the client checks could not install their npm packages"
  exit 0
fi

NEWSDESK_DATABASE_URL="sqlite://$work/check.db?mode=rwc" NEWSDESK_BIND="127.0.0.1:$port" NEWSDESK_LOG=warn \
  "$bin" serve >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -sf "http://127.0.0.1:$port/readyz" >/dev/null || { cat "$work/server.log"; exit 1; }

# A token that may write (live entries, preview links), made the way an operator would.
token="$(NEWSDESK_DATABASE_URL="sqlite://$work/check.db?mode=rwc" NEWSDESK_LOG=warn \
  "$bin" token create --name "subscription check" --scopes content:write | tail -n 1)"

node "$here/graphql-http-audit.mjs" "http://127.0.0.1:$port/graphql"
node "$here/graphql-request-paging.mjs" "http://127.0.0.1:$port/graphql"
node "$here/newsroom-workflow.mjs" "http://127.0.0.1:$port" "$token"

# The docs page and GraphiQL in headless Chromium, offline (.ci/run installs Debian's chromium).
chromium_bin="$(command -v chromium || command -v chromium-browser || true)"
if [ -n "$chromium_bin" ]; then
  node "$here/docs-pages.mjs" "http://127.0.0.1:$port" "$chromium_bin" "$work"
else
  echo "docs pages: SKIPPED (no chromium)"
fi

# Webhooks start and stop their own nodes (a restart is part of the check):
# this server must not send them first.
kill "$server" && wait "$server" 2>/dev/null || true
server=""
pg_url=""
if command -v psql >/dev/null 2>&1 && psql "$pg_base" -Atqc 'select 1' >/dev/null 2>&1; then
  pg_db="newsdesk_hooks_$$"
  psql "$pg_base" -qc "CREATE DATABASE $pg_db" >/dev/null
  pg_url="${pg_base%/*}/$pg_db"
fi
node "$here/webhooks.mjs" "$bin" "sqlite://$work/check.db?mode=rwc" $pg_url
