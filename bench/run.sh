#!/usr/bin/env bash
# The Newsdesk benchmark: seeds a generated newsroom, serves it with the
# release build, and loads it over loopback with wrk for five kinds of
# request, with the response cache off and on, at 16 and 64 connections.
# On PostgreSQL, pgbench runs the same SQL as a floor (when installed).
# When nginx is installed it serves the same response bytes as static files,
# each loaded right after Newsdesk's cache answers the same kind, for
# comparison. Prints a table and writes JSON results.
#
#   bench/run.sh [--articles N] [--comments N] [--duration SECS]
#                [--database-url URL] [--out FILE] [--reuse]
#
# Needs: wrk, curl, python3 (apt-get install wrk curl python3; nginx-light
# for the comparison). PostgreSQL: pass --database-url postgres://... naming
# an empty database (or one seeded earlier, with --reuse).
set -euo pipefail

cd "$(dirname "$0")/.."
ARTICLES=10000
COMMENTS=50000
DURATION=10
DATABASE_URL=""
OUT=bench/results/latest.json
REUSE=0
CONNECTIONS="16 64"
PORT=18080
NGINX_PORT=18081

while [ $# -gt 0 ]; do
  case "$1" in
    --articles) ARTICLES=$2; shift 2 ;;
    --comments) COMMENTS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --database-url) DATABASE_URL=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --reuse) REUSE=1; shift ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done

for tool in wrk curl python3; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is required (apt-get install $tool)" >&2; exit 1; }
done

WORK=$(mktemp -d /tmp/newsdesk-bench.XXXXXX)
# nginx workers run as an unprivileged user and must read the files served.
chmod 755 "$WORK"
SERVER_PID=""
NGINX_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
  [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT

if [ -z "$DATABASE_URL" ]; then
  DATABASE_URL="sqlite://$WORK/bench.db?mode=rwc"
fi
BIN=target/release/newsdesk
echo "== building the release binary"
cargo build --release --quiet

if [ "$REUSE" = 0 ]; then
  echo "== seeding $ARTICLES articles and $COMMENTS comments"
  start=$(date +%s.%N)
  "$BIN" seed --scale --articles "$ARTICLES" --comments "$COMMENTS" \
    --database-url "$DATABASE_URL" --log warn
  SEED_SECONDS=$(python3 -c "print(round($(date +%s.%N) - $start, 1))")
else
  SEED_SECONDS=null
fi

BASE="http://127.0.0.1:$PORT"
await_answer() { # $1 URL, $2 what answers it, $3 its log: waits up to ten seconds
  for _ in $(seq 1 100); do
    curl -sf "$1" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "bench: $2 did not start; see $3" >&2
  exit 1
}
start_server() { # $1: cache megabytes (0 = off)
  NEWSDESK_LOG=warn NEWSDESK_CACHE_MB=$1 "$BIN" --database-url "$DATABASE_URL" \
    --bind "127.0.0.1:$PORT" --no-demo > "$WORK/server-$1.log" 2>&1 &
  SERVER_PID=$!
  await_answer "$BASE/readyz" "the server" "$WORK/server-$1.log"
}
stop_server() {
  kill "$SERVER_PID"
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

# The request kinds. The article is the newest (it has comment threads); page
# 500 is reached by following cursors, as a client would.
python3 - "$WORK" <<'PY'
import hashlib, json, sys, urllib.parse
work = sys.argv[1]
query = open("bench/article-page.graphql").read()
variables = {"slug": "story-1"}
digest = hashlib.sha256(query.encode()).hexdigest()
extensions = {"persistedQuery": {"version": 1, "sha256Hash": digest}}
json.dump({"query": query, "variables": variables}, open(f"{work}/page.json", "w"))
json.dump({"query": query, "variables": variables, "extensions": extensions},
          open(f"{work}/register.json", "w"))
params = urllib.parse.urlencode({"variables": json.dumps(variables, separators=(",", ":")),
                                 "extensions": json.dumps(extensions, separators=(",", ":"))})
open(f"{work}/apq-path", "w").write("/graphql?" + params)
PY
APQ_PATH=$(cat "$WORK/apq-path")

start_server 0
echo "== following cursors to page 500"
CURSOR=$(python3 - "$BASE" <<'PY'
import json, sys, urllib.request
base, cursor = sys.argv[1], None
for _ in range(499):
    url = base + "/api/v1/articles?limit=20" + (f"&cursor={cursor}" if cursor else "")
    cursor = json.load(urllib.request.urlopen(url))["page"]["next_cursor"]
print(cursor)
PY
)
stop_server

kind_path() {
  case "$1" in
    a) echo "/api/v1/sections/section-1/articles?limit=20" ;;
    b) echo "/api/v1/articles/story-1?include=comments" ;;
    c) echo "/graphql" ;;
    d) echo "$APQ_PATH" ;;
    e1) echo "/api/v1/articles?limit=20" ;;
    e500) echo "/api/v1/articles?limit=20&cursor=$CURSOR" ;;
  esac
}
KINDS="a b c d e1 e500"

load() { # $1 url, $2 connections, $3 body file or empty
  WRK_BODY_FILE="${3:-}" wrk -t2 -c"$2" -d"${DURATION}s" --timeout 5s -s bench/report.lua "$1" \
    | sed -n 's/^RESULT //p'
}

warm_up() { # fills caches and pools before the measured run
  WRK_BODY_FILE="${3:-}" wrk -t2 -c"$2" -d1s -s bench/report.lua "$1" >/dev/null
}

# A benchmark of error responses measures nothing: each kind must answer
# 200 with data and no GraphQL errors before it is loaded.
check_answer() { # $1 kind, $2 path, $3 POST body file or empty
  if [ -n "$3" ]; then
    curl -s -o "$WORK/answer.json" -w '%{http_code}' -X POST -H 'content-type: application/json' \
      --data @"$3" "$BASE$2" > "$WORK/answer.status"
  else
    curl -s -o "$WORK/answer.json" -w '%{http_code}' "$BASE$2" > "$WORK/answer.status"
  fi
  python3 - "$1" "$(cat "$WORK/answer.status")" "$WORK/answer.json" <<'PY' || exit 1
import json, sys
kind, status, path = sys.argv[1], sys.argv[2], sys.argv[3]
answer = json.load(open(path))
if status != "200" or "errors" in answer or answer.get("data") is None and "slug" not in answer:
    sys.exit(f"bench: ({kind}) answered {status}: {json.dumps(answer)[:300]}")
PY
}

# nginx serving the same response bytes as static files, loaded right after
# Newsdesk's cache for each kind, so the two are compared in the same minute
# (the host's speed drifts by a fifth over a run). Started once the cached
# responses are saved as its files.
NGINX_BASE="http://127.0.0.1:$NGINX_PORT"
start_nginx() {
  mkdir -p "$WORK/nginx-tmp"
  cat > "$WORK/nginx.conf" <<NGX
worker_processes 2;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
daemon off;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx-tmp; proxy_temp_path $WORK/nginx-tmp;
  fastcgi_temp_path $WORK/nginx-tmp; uwsgi_temp_path $WORK/nginx-tmp; scgi_temp_path $WORK/nginx-tmp;
  default_type application/json;
  sendfile on; tcp_nopush on; keepalive_requests 1000000;
  # A static file is answered to GET alone; turning the 405 into the file
  # answers (c)'s own POST too, body read and all, so (c) can be set against
  # the same request as well as against a GET for the same bytes.
  server { listen 127.0.0.1:$NGINX_PORT; root $WORK/www; error_page 405 =200 \$uri; }
}
NGX
  nginx -c "$WORK/nginx.conf" &
  NGINX_PID=$!
  await_answer "$NGINX_BASE/a.json" nginx "$WORK/nginx-error.log"
}
load_nginx() { # $1 kind, $2 connections
  line=$(load "$NGINX_BASE/$1.json" "$2" "")
  echo "{\"server\":\"nginx\",\"cache\":\"static\",\"kind\":\"$1\",\"connections\":$2,\"result\":$line}" >> "$RESULTS"
  printf '%-9s static    %-5s c=%-3s %s\n' nginx "$1" "$2" "$line"
  if [ "$1" = c ]; then
    line=$(load "$NGINX_BASE/$1.json" "$2" "$WORK/page.json")
    echo "{\"server\":\"nginx\",\"cache\":\"static-post\",\"kind\":\"$1\",\"connections\":$2,\"result\":$line}" >> "$RESULTS"
    printf '%-9s post      %-5s c=%-3s %s\n' nginx "$1" "$2" "$line"
  fi
}
NGINX=0
if command -v nginx >/dev/null; then
  NGINX=1
else
  echo "nginx is not installed: skipping the static-file comparison (apt-get install nginx-light)"
fi

RESULTS="$WORK/results.jsonl"
: > "$RESULTS"
for cache in off on; do
  mb=0; [ "$cache" = on ] && mb=64
  start_server "$mb"
  curl -sf -X POST -H 'content-type: application/json' --data @"$WORK/register.json" \
    "$BASE/graphql" >/dev/null
  if [ "$cache" = on ] && [ "$NGINX" = 1 ]; then
    mkdir -p "$WORK/www"
    for kind in a b c d; do
      path=$(kind_path "$kind")
      if [ "$kind" = c ]; then
        curl -sf -X POST -H 'content-type: application/json' --data @"$WORK/page.json" "$BASE$path" > "$WORK/www/$kind.json"
      else
        curl -sf "$BASE$path" > "$WORK/www/$kind.json"
      fi
    done
    start_nginx
  fi
  for kind in $KINDS; do
    path=$(kind_path "$kind")
    body=""; [ "$kind" = c ] && body="$WORK/page.json"
    check_answer "$kind" "$path" "$body"
    for conns in $CONNECTIONS; do
      warm_up "$BASE$path" "$conns" "$body"
      line=$(load "$BASE$path" "$conns" "$body")
      echo "{\"server\":\"newsdesk\",\"cache\":\"$cache\",\"kind\":\"$kind\",\"connections\":$conns,\"result\":$line}" >> "$RESULTS"
      printf '%-9s cache %-3s %-5s c=%-3s %s\n' newsdesk "$cache" "$kind" "$conns" "$line"
      if [ -n "$NGINX_PID" ] && [ -f "$WORK/www/$kind.json" ]; then
        load_nginx "$kind" "$conns"
      fi
    done
  done
  if [ -n "$NGINX_PID" ]; then
    kill "$NGINX_PID"; wait "$NGINX_PID" 2>/dev/null || true; NGINX_PID=""
  fi
  rss=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status")
  echo "{\"server\":\"newsdesk\",\"cache\":\"$cache\",\"peak_rss_kb\":$rss}" >> "$RESULTS"
  echo "peak RSS (cache $cache): $rss kB"
  stop_server
done

# The write mix: editors create and publish, readers comment, moderators
# approve, with the response cache on (as in production: every write retires
# what it changed). Readers' comments are limited per address; the mix comes
# from one address, so the limit is raised to its ceiling.
echo "== the write mix"
TOKEN=$("$BIN" token --database-url "$DATABASE_URL" --log warn create --name bench-writes \
  --scopes content:write,comments:moderate --rate 1000000/min | tail -1)
NEWSDESK_COMMENTS_PER_MINUTE=10000 start_server 64
line=$(python3 bench/write_mix.py "$BASE" "$TOKEN" "$DURATION" 4)
echo "{\"server\":\"newsdesk\",\"cache\":\"on\",\"kind\":\"writes\",\"connections\":4,\"result\":$line}" >> "$RESULTS"
echo "newsdesk  writes    $line"
stop_server

# On PostgreSQL, the floor: the very statements Newsdesk runs for (a), (b)
# and (e), printed by `newsdesk sql` with their values written in, run by
# pgbench over prepared statements with the same connections and duration.
# What Newsdesk serves is then a share of what the database alone can do.
if [[ "$DATABASE_URL" == postgres* ]]; then
  if command -v pgbench >/dev/null; then
    echo "== pgbench: the same SQL, straight to PostgreSQL"
    for kind in a b e1 e500; do
      case "$kind" in
        a) "$BIN" sql list --section section-1 --limit 20 ;;
        b) "$BIN" sql article story-1 --comments ;;
        e1) "$BIN" sql list --limit 20 ;;
        e500) "$BIN" sql list --limit 20 --cursor "$CURSOR" ;;
      esac > "$WORK/$kind.sql"
      echo ";" >> "$WORK/$kind.sql"
      for conns in $CONNECTIONS; do
        tps=$(pgbench -n -M prepared -c "$conns" -j 2 -T "$DURATION" -f "$WORK/$kind.sql" "$DATABASE_URL" 2>&1 \
          | sed -n 's/^tps = \([0-9.]*\).*/\1/p')
        [ -n "$tps" ] || { echo "bench: pgbench failed on $kind" >&2; exit 1; }
        echo "{\"server\":\"pgbench\",\"cache\":\"floor\",\"kind\":\"$kind\",\"connections\":$conns,\"result\":{\"rps\":$tps}}" >> "$RESULTS"
        printf '%-9s floor     %-5s c=%-3s %s tps\n' pgbench "$kind" "$conns" "$tps"
      done
    done
  else
    echo "pgbench is not installed: skipping the PostgreSQL floor (apt-get install postgresql-contrib)"
  fi
fi

mkdir -p "$(dirname "$OUT")"
python3 - "$RESULTS" "$OUT" "$ARTICLES" "$COMMENTS" "$DURATION" "$SEED_SECONDS" "$DATABASE_URL" <<'PY'
import json, os, platform, subprocess, sys
results, out, articles, comments, duration, seed, url = sys.argv[1:]
rows = [json.loads(l) for l in open(results) if l.strip()]

def wrk_version():
    run = subprocess.run(["wrk", "-v"], capture_output=True, text=True)
    return ((run.stdout + run.stderr).splitlines() or ["wrk"])[0]

cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
doc = {
    "machine": {"cpus": os.cpu_count(), "cpu": cpu, "kernel": platform.release(),
                "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30)},
    "database": url.split(":", 1)[0],
    "dataset": {"articles": int(articles), "comments": int(comments)},
    "duration_seconds": int(duration),
    "seed_seconds": None if seed == "null" else float(seed),
    "load_generator": wrk_version(),
    "runs": [r for r in rows if "result" in r],
    "peak_rss_kb": {r["cache"]: r["peak_rss_kb"] for r in rows if "peak_rss_kb" in r},
}
json.dump(doc, open(out, "w"), indent=1)
print(f"results written to {out}")
PY
