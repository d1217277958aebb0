#!/usr/bin/env bash
# Fleet fault tests. Two Newsdesk nodes behind nginx (round robin) over one
# PostgreSQL and one Redis, every one of them started here, in a scratch
# directory and on ports of its own (the machine's own PostgreSQL and Redis
# are never touched), under wrk load mixing reads and comment writes:
#
#   delay  cross-node invalidation: a write acknowledged by node A, seen on node B
#   a      kill -9 one node mid-load: the other keeps serving, no acknowledged write lost
#   b      restart PostgreSQL mid-load: 503 with Retry-After while it is down, no 500,
#          recovery time after it is back
#   c      stop Redis mid-load, with NEWSDESK_REDIS_FAILURE=open and then =closed
#   e      a token limited to 600/min, hammered through both nodes for a minute
#   r      a real streaming standby (pg_basebackup) as read replica: reads go to it,
#          an editor reads its own writes, and stopping it mid-load is survived
#   d      a soak at mixed load: RSS and open files of both nodes sampled over time
#
#   ops/fleet-test.sh [--soak-minutes N] [--only delay,a,b,c,e,r,d] [--out FILE]
#
# Results: one JSON document (ops/results/latest.json by default), and the
# figures on stdout. RELIABILITY.md is written from them.
#
# Needs: PostgreSQL server binaries (initdb, pg_ctl), redis-server, nginx,
# wrk, curl, psql, python3. As root it runs PostgreSQL as the postgres user.
set -euo pipefail
cd "$(dirname "$0")/.."

SOAK_MINUTES=30
ONLY="delay,a,b,c,e,r,d"
OUT=ops/results/latest.json
ARTICLES=1000
COMMENTS=5000
while [ $# -gt 0 ]; do
  case "$1" in
    --soak-minutes) SOAK_MINUTES=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done
wanted() { [[ ",$ONLY," == *",$1,"* ]]; }

PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
for tool in "$PG_BIN/initdb" "$PG_BIN/pg_ctl" redis-server nginx wrk curl psql python3; do
  command -v "$tool" >/dev/null || { echo "fleet-test: $tool is required" >&2; exit 1; }
done

PG_PORT=25432
REDIS_PORT=26379
NODE_PORTS=(28081 28082)
LB_PORT=28080
LB="http://127.0.0.1:$LB_PORT"
DB_URL="postgres://postgres@127.0.0.1:$PG_PORT/newsdesk"
REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
JWT_SECRET="fleet-test-secret-fleet-test-secret-0123456789"
BIN=target/release/newsdesk

WORK=$(mktemp -d /tmp/newsdesk-fleet.XXXXXX)
chmod 777 "$WORK"
RESULTS="$WORK/results.jsonl"
: > "$RESULTS"
NODE_PIDS=("" "")
REDIS_PID=""
NGINX_PID=""

as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pg_up() { as_pg "$PG_BIN/pg_ctl" -D "$WORK/pg" -l "$WORK/pg.log" -w \
  -o "-p $PG_PORT -k $WORK -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null; }
pg_down() { as_pg "$PG_BIN/pg_ctl" -D "$WORK/pg" -m fast -w stop >/dev/null; }
sql() { psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d newsdesk -Atqc "$1"; }
now() { date +%s.%N; }
record() { echo "$1" >> "$RESULTS"; }

cleanup() {
  for pid in "${NODE_PIDS[@]}" "$REDIS_PID" "$NGINX_PID"; do
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  done
  [ -f "$WORK/standby/postmaster.pid" ] && as_pg "$PG_BIN/pg_ctl" -D "$WORK/standby" -m fast -w stop >/dev/null 2>&1 || true
  [ -d "$WORK/pg" ] && pg_down 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT

redis_up() {
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
    > "$WORK/redis.log" 2>&1 &
  REDIS_PID=$!
  for _ in $(seq 1 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "redis did not start" >&2; exit 1
}
redis_down() { kill "$REDIS_PID"; wait "$REDIS_PID" 2>/dev/null || true; REDIS_PID=""; }

REPLICA_URLS=""
node_up() { # $1: 0 or 1; $2: redis failure mode
  local port=${NODE_PORTS[$1]}
  NEWSDESK_DATABASE_REPLICA_URLS="$REPLICA_URLS" \
  NEWSDESK_LOG=warn NEWSDESK_DATABASE_URL="$DB_URL" NEWSDESK_BIND="127.0.0.1:$port" \
    NEWSDESK_REDIS_URL="$REDIS_URL" NEWSDESK_REDIS_FAILURE="${2:-open}" \
    NEWSDESK_JWT_SECRET="$JWT_SECRET" NEWSDESK_COMMENTS_PER_MINUTE=10000 \
    NEWSDESK_DB_MAX_CONNECTIONS=8 \
    "$BIN" serve --no-demo --no-migrate >> "$WORK/node-$1.log" 2>&1 &
  NODE_PIDS[$1]=$!
  for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "node $1 did not start; see $WORK/node-$1.log" >&2; exit 1
}
node_down() { kill "${NODE_PIDS[$1]}" 2>/dev/null || true; wait "${NODE_PIDS[$1]}" 2>/dev/null || true; NODE_PIDS[$1]=""; }

nginx_up() {
  mkdir -p "$WORK/nginx"
  cat > "$WORK/nginx.conf" <<EOF
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx/body;
  proxy_temp_path $WORK/nginx/proxy;
  fastcgi_temp_path $WORK/nginx/fastcgi;
  uwsgi_temp_path $WORK/nginx/uwsgi;
  scgi_temp_path $WORK/nginx/scgi;
  upstream newsdesk {
    server 127.0.0.1:${NODE_PORTS[0]} max_fails=1 fail_timeout=2s;
    server 127.0.0.1:${NODE_PORTS[1]} max_fails=1 fail_timeout=2s;
    keepalive 64;
  }
  server {
    listen 127.0.0.1:$LB_PORT;
    location / {
      proxy_pass http://newsdesk;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_next_upstream error timeout;
    }
  }
}
EOF
  nginx -c "$WORK/nginx.conf" -g 'daemon off;' &
  NGINX_PID=$!
  for _ in $(seq 1 50); do curl -sf "$LB/healthz" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "nginx did not start" >&2; exit 1
}

# wrk through nginx; prints wrk's FLEET line. $1 name, $2 seconds, more: env.
load() {
  local name=$1 seconds=$2
  shift 2
  env FLEET_ARTICLES="$ARTICLES" FLEET_AUTHOR="$name" "$@" \
    wrk -t2 -c16 -d"${seconds}s" --timeout 5s -s ops/mix.lua "$LB" > "$WORK/wrk-$name.txt" 2>&1
  grep '^FLEET ' "$WORK/wrk-$name.txt" | sed 's/^FLEET //'
}

echo "== scratch directory $WORK"
echo "== building the release binary"
cargo build --release --quiet

echo "== PostgreSQL on $PG_PORT, Redis on $REDIS_PORT"
as_pg "$PG_BIN/initdb" -D "$WORK/pg" -A trust -U postgres >/dev/null
pg_up
psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -qc "CREATE DATABASE newsdesk"
redis_up

echo "== seeding $ARTICLES articles and $COMMENTS comments"
export NEWSDESK_DATABASE_URL="$DB_URL" NEWSDESK_LOG=warn
"$BIN" seed --scale --articles "$ARTICLES" --comments "$COMMENTS"
printf 'fleet-password-123\n' | "$BIN" user create --email fleet@example.com --name Fleet \
  --role admin >/dev/null
READ_TOKEN=$("$BIN" token create --name fleet-reader --scopes content:read --rate 1000/s | tail -n 1)
LIMITED_TOKEN=$("$BIN" token create --name fleet-limited --scopes content:read --rate 600/min | tail -n 1)

echo "== two nodes on ${NODE_PORTS[*]}, nginx on $LB_PORT"
node_up 0
node_up 1
nginx_up

login() {
  curl -sf "http://127.0.0.1:${NODE_PORTS[0]}/api/v1/auth/login" -H 'content-type: application/json' \
    -d '{"email":"fleet@example.com","password":"fleet-password-123"}' \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}

if wanted delay; then
  echo "== delay: a write on node A, seen on node B"
  result=$(python3 ops/invalidation_delay.py "http://127.0.0.1:${NODE_PORTS[0]}" \
    "http://127.0.0.1:${NODE_PORTS[1]}" "$(login)" fleet-delay-check 200)
  echo "   $result"
  record "{\"scenario\": \"delay\", \"result\": $result}"
fi

if wanted a; then
  echo "== (a) kill -9 node B under load"
  load a 20 > "$WORK/a.json" &
  wrk_pid=$!
  sleep 8
  in_flight=$(ss -tn state established "( dport = :${NODE_PORTS[1]} )" 2>/dev/null | tail -n +2 | wc -l)
  kill -9 "${NODE_PIDS[1]}"
  wait "${NODE_PIDS[1]}" 2>/dev/null || true
  NODE_PIDS[1]=""
  wait "$wrk_pid"
  stored=$(sql "select count(*) from comments where author_name = 'a'")
  echo "   wrk: $(cat "$WORK/a.json")"
  echo "   connections open to node B when killed: $in_flight; comments stored: $stored"
  record "{\"scenario\": \"a\", \"wrk\": $(cat "$WORK/a.json"), \"connections_to_killed_node\": $in_flight, \"comments_stored\": $stored}"
  node_up 1
fi

if wanted b; then
  echo "== (b) restart PostgreSQL under load"
  # A credentialed probe skips the response cache, so every answer needs the database.
  python3 - "$LB" "$READ_TOKEN" "$WORK/probe.jsonl" 26 <<'EOF' &
import http.client, json, sys, time
base, token, out, seconds = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
host, port = base.replace("http://", "").split(":")
end = time.time() + seconds
with open(out, "w") as f:
    while time.time() < end:
        try:
            c = http.client.HTTPConnection(host, int(port), timeout=5)
            c.request("GET", "/api/v1/articles/story-2", headers={"Authorization": "Bearer " + token})
            r = c.getresponse(); r.read()
            f.write(json.dumps({"t": time.time(), "status": r.status, "retry_after": r.getheader("retry-after")}) + "\n")
            c.close()
        except Exception as e:
            f.write(json.dumps({"t": time.time(), "status": 0, "error": str(e)}) + "\n")
        time.sleep(0.02)
EOF
  probe_pid=$!
  load b 25 > "$WORK/b.json" &
  wrk_pid=$!
  sleep 8
  down_at=$(now)
  pg_down
  sleep 3
  pg_up
  up_at=$(now)
  wait "$wrk_pid"
  wait "$probe_pid"
  stored=$(sql "select count(*) from comments where author_name = 'b'")
  probe=$(python3 - "$WORK/probe.jsonl" "$down_at" "$up_at" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
down, up = float(sys.argv[2]), float(sys.argv[3])
after = [r for r in rows if r["t"] >= up]
first_ok = next((r["t"] for r in after if r["status"] == 200), None)
statuses = {}
for r in rows:
    statuses[str(r["status"])] = statuses.get(str(r["status"]), 0) + 1
unavailable = [r for r in rows if r["status"] == 503]
print(json.dumps({
    "statuses": statuses,
    "down_seconds": round(up - down, 2),
    "recovered_after_return_seconds": None if first_ok is None else round(first_ok - up, 3),
    "every_503_has_retry_after": all(r.get("retry_after") for r in unavailable),
}))
EOF
)
  echo "   wrk: $(cat "$WORK/b.json")"
  echo "   probe: $probe; comments stored: $stored"
  record "{\"scenario\": \"b\", \"wrk\": $(cat "$WORK/b.json"), \"probe\": $probe, \"comments_stored\": $stored}"
fi

if wanted c; then
  for mode in open closed; do
    echo "== (c) stop Redis under load, NEWSDESK_REDIS_FAILURE=$mode"
    node_down 0; node_down 1
    node_up 0 "$mode"; node_up 1 "$mode"
    load "c-$mode" 15 FLEET_TOKEN="$READ_TOKEN" FLEET_READS_ONLY=1 > "$WORK/c-$mode-1.json" &
    wrk_pid=$!
    sleep 5
    redis_down
    sleep 5
    redis_up
    wait "$wrk_pid"
    echo "   wrk: $(cat "$WORK/c-$mode-1.json")"
    record "{\"scenario\": \"c\", \"mode\": \"$mode\", \"redis_down_seconds\": 5, \"wrk\": $(cat "$WORK/c-$mode-1.json")}"
  done
  node_down 0; node_down 1
  node_up 0; node_up 1
fi

if wanted e; then
  echo "== (e) a token limited to 600/min through both nodes for 58 s"
  # The window opens with the token's first request; 58 s stays inside it.
  load e 58 FLEET_TOKEN="$LIMITED_TOKEN" FLEET_READS_ONLY=1 > "$WORK/e.json"
  echo "   wrk: $(cat "$WORK/e.json")"
  record "{\"scenario\": \"e\", \"limit_per_minute\": 600, \"wrk\": $(cat "$WORK/e.json")}"
fi

if wanted r; then
  echo "== (r) a streaming standby as read replica"
  STANDBY_PORT=25433
  as_pg "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$PG_PORT" -U postgres -D "$WORK/standby" -R -X stream -c fast
  as_pg "$PG_BIN/pg_ctl" -D "$WORK/standby" -l "$WORK/standby.log" -w \
    -o "-p $STANDBY_PORT -k $WORK -c listen_addresses=127.0.0.1 -c max_connections=200 -c hot_standby_feedback=on" start >/dev/null
  commits() { psql -h 127.0.0.1 -p "$1" -U postgres -d newsdesk -Atqc \
    "select xact_commit from pg_stat_database where datname = 'newsdesk'"; }
  REPLICA_URLS="postgres://postgres@127.0.0.1:$STANDBY_PORT/newsdesk"
  node_down 0; node_down 1
  node_up 0; node_up 1
  sleep 2
  on_standby=$(commits "$STANDBY_PORT"); on_primary=$(commits "$PG_PORT")
  # A read-only token's reads skip the response cache and go to the standby.
  load r-reads 10 FLEET_TOKEN="$READ_TOKEN" FLEET_READS_ONLY=1 > "$WORK/r-reads.json"
  on_standby=$(( $(commits "$STANDBY_PORT") - on_standby )); on_primary=$(( $(commits "$PG_PORT") - on_primary ))
  echo "   reads: $(cat "$WORK/r-reads.json")"
  echo "   transactions while reading: standby $on_standby, primary $on_primary"
  # An editor writes through the balancer and reads back through it at once.
  own=$(python3 ops/read_your_writes.py "$LB" "$(login)")
  echo "   read-your-writes: $own"
  lag=$(psql -h 127.0.0.1 -p "$STANDBY_PORT" -U postgres -d newsdesk -Atqc \
    "select coalesce(round(extract(epoch from now() - pg_last_xact_replay_timestamp()) * 1000), 0)")
  load r-stop 15 FLEET_TOKEN="$READ_TOKEN" FLEET_READS_ONLY=1 > "$WORK/r-stop.json" &
  wrk_pid=$!
  sleep 5
  as_pg "$PG_BIN/pg_ctl" -D "$WORK/standby" -m fast -w stop >/dev/null
  wait "$wrk_pid"
  echo "   standby stopped mid-load: $(cat "$WORK/r-stop.json")"
  record "{\"scenario\": \"r\", \"reads\": $(cat "$WORK/r-reads.json"), \"transactions_on_standby\": $on_standby, \"transactions_on_primary\": $on_primary, \"read_your_writes\": $own, \"standby_replay_age_ms\": $lag, \"standby_stopped\": $(cat "$WORK/r-stop.json")}"
  REPLICA_URLS=""
  node_down 0; node_down 1
  node_up 0; node_up 1
fi

if wanted d; then
  echo "== (d) soak for $SOAK_MINUTES minutes at mixed load"
  samples="$WORK/soak.csv"
  echo "seconds,node,rss_kb,fds" > "$samples"
  load d $((SOAK_MINUTES * 60)) > "$WORK/d.json" &
  wrk_pid=$!
  started=$(date +%s)
  while kill -0 "$wrk_pid" 2>/dev/null; do
    for i in 0 1; do
      pid=${NODE_PIDS[$i]}
      rss=$(awk '/VmRSS/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)
      fds=$(ls "/proc/$pid/fd" 2>/dev/null | wc -l)
      echo "$(( $(date +%s) - started )),$i,$rss,$fds" >> "$samples"
    done
    sleep 30
  done
  wait "$wrk_pid"
  soak=$(python3 - "$samples" <<'EOF'
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1])))
out = {}
for node in ("0", "1"):
    mine = [r for r in rows if r["node"] == node and int(r["rss_kb"]) > 0]
    # The first two minutes fill caches and pools; growth is measured after them.
    settled = [r for r in mine if int(r["seconds"]) >= 120] or mine
    rss = [int(r["rss_kb"]) for r in settled]
    fds = [int(r["fds"]) for r in settled]
    out["node_" + node] = {
        "samples": len(mine),
        "rss_mb_first": round(rss[0] / 1024, 1), "rss_mb_last": round(rss[-1] / 1024, 1),
        "rss_mb_max": round(max(rss) / 1024, 1),
        "rss_growth_percent": round((rss[-1] - rss[0]) * 100 / rss[0], 1),
        "fds_first": fds[0], "fds_last": fds[-1], "fds_max": max(fds),
    }
print(json.dumps(out))
EOF
)
  echo "   wrk: $(cat "$WORK/d.json")"
  echo "   $soak"
  record "{\"scenario\": \"d\", \"minutes\": $SOAK_MINUTES, \"wrk\": $(cat "$WORK/d.json"), \"nodes\": $soak}"
  cp "$samples" "${OUT%.json}-soak.csv"
fi

python3 - "$RESULTS" "$OUT" "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" <<'EOF'
import json, sys, datetime
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
doc = {"commit": sys.argv[3], "at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
       "scenarios": rows}
json.dump(doc, open(sys.argv[2], "w"), indent=2)
print("== results in " + sys.argv[2])
EOF
