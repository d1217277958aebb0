#!/usr/bin/env bash
# Search, feeds and sitemaps under load: seeds a generated newsroom (or reuses
# one), serves it with the release build and the response cache off, and
# loads each kind of request over loopback with wrk. Prints one line per kind:
# requests/s and p50/p99 latency. The generated articles share twelve title
# subjects and a few bodies, so a title word matches one article in twelve:
# a hard case for ranking.
#
#   bench/discovery.sh [--articles N] [--duration SECS] [--connections N]
#                      [--database-url URL] [--reuse]
set -euo pipefail

cd "$(dirname "$0")/.."
ARTICLES=10000
DURATION=5
CONNECTIONS=16
DATABASE_URL=""
REUSE=0
PORT=18082

while [ $# -gt 0 ]; do
  case "$1" in
    --articles) ARTICLES=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --database-url) DATABASE_URL=$2; shift 2 ;;
    --reuse) REUSE=1; shift ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done
for tool in wrk curl python3; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is required (apt-get install $tool)" >&2; exit 1; }
done

WORK=$(mktemp -d /tmp/newsdesk-discovery.XXXXXX)
SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT
[ -n "$DATABASE_URL" ] || DATABASE_URL="sqlite://$WORK/bench.db?mode=rwc"
BIN=target/release/newsdesk
cargo build --release --quiet

if [ "$REUSE" = 0 ]; then
  echo "== seeding $ARTICLES articles"
  start=$(date +%s.%N)
  "$BIN" seed --scale --articles "$ARTICLES" --comments 1000 --database-url "$DATABASE_URL" --log warn
  echo "seeded in $(python3 -c "print(round($(date +%s.%N) - $start, 1))") s"
fi

BASE="http://127.0.0.1:$PORT"
NEWSDESK_LOG=warn NEWSDESK_CACHE_MB=0 "$BIN" --database-url "$DATABASE_URL" \
  --bind "127.0.0.1:$PORT" --no-demo > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
  curl -sf "$BASE/readyz" >/dev/null 2>&1 && break
  sleep 0.1
done
MONTH=$(curl -sf "$BASE/sitemap.xml" | python3 -c 'import re,sys,html; print(html.unescape(re.findall(r"<loc>([^<]*articles[^<]*)</loc>", sys.stdin.read())[0]).split("/", 3)[3])')

printf '| request | req/s | p50 ms | p99 ms | errors |\n| --- | --- | --- | --- | --- |\n'
for path in \
  "/api/v1/search?q=harbor" \
  "/api/v1/search?q=harbor%20talks" \
  "/api/v1/search?q=%22talks%20resume%22&section=section-1" \
  "/feeds/rss.xml" \
  "/sitemap.xml" \
  "/$MONTH" \
  "/sitemap-news.xml"; do
  status=$(curl -s -o /dev/null -w '%{http_code}' "$BASE$path")
  [ "$status" = 200 ] || { echo "bench: $path answered $status" >&2; exit 1; }
  wrk -t2 -c"$CONNECTIONS" -d1s "$BASE$path" >/dev/null
  line=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s -s bench/report.lua "$BASE$path" | sed -n 's/^RESULT //p')
  python3 - "$path" "$line" <<'PY'
import json, sys
path, r = sys.argv[1], json.loads(sys.argv[2])
print(f"| `{path}` | {r['rps']:,.0f} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {r['errors']} |")
PY
done
