#!/usr/bin/env bash
# Quick single-node figures (issue 2): start->ready, RSS, local reads (16 connections) and single-client
# writes with wrk, on loopback only. The full side-by-side benchmark against etcd is bench/run (issue 6).
# Usage: bench/single-node-wrk.sh [seconds-per-run]   (needs wrk: apt-get install wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-10}"
host=127.0.0.41
jar=app/server/target/raftlite.jar
[ -f "$jar" ] || ./mvnw -q -DskipTests package
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
work=$(mktemp -d)
JAVA_OPTS=${JAVA_OPTS:-}
start=$(date +%s%N)
# shellcheck disable=SC2086
java $JAVA_OPTS -jar "$jar" -http-addr $host:14001 -raft-addr $host:14002 "$work/data" >"$work/node.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
until curl -sf "http://$host:14001/readyz" >/dev/null; do
  kill -0 $pid 2>/dev/null || { cat "$work/node.log"; exit 1; }
  sleep 0.02
done
ready_ms=$(( ($(date +%s%N) - start) / 1000000 ))
sleep 1
rss_start=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
base="http://$host:14001"
curl -sf -XPOST "$base/db/execute" -H 'Content-Type: application/json' \
  -d '["CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT)", "INSERT INTO kv VALUES (\"key0000001\", \"'"$(printf 'v%.0s' $(seq 100))"'\")"]' >/dev/null

cat >"$work/write.lua" <<'LUA'
counter = 0
request = function()
  counter = counter + 1
  local body = string.format('[["INSERT INTO kv VALUES (?, ?)", "w%09d", "%s"]]', counter, string.rep("v", 100))
  return wrk.format("POST", "/db/execute", {["Content-Type"] = "application/json"}, body)
end
response = function(status, headers, body)
  if status ~= 200 or string.find(body, "error") then errors = (errors or 0) + 1 end
end
done = function(summary, latency, requests)
  io.write(string.format("WRITE_OK %d\n", summary.requests))
end
LUA
echo "== local reads (level=none), 16 connections, ${secs}s"
wrk -t2 -c16 -d"${secs}s" --latency "$base/db/query?level=none&q=SELECT%20v%20FROM%20kv%20WHERE%20k%3D%27key0000001%27" | grep -E "Requests/sec|50%|99%|Non-2xx"
echo "== writes (one INSERT per request), 1 connection, ${secs}s"
wrk -t1 -c1 -d"${secs}s" --latency -s "$work/write.lua" "$base" | tee "$work/write.out" | grep -E "Requests/sec|50%|99%|Non-2xx"
rss_end=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
written=$(curl -s -G "$base/db/query" --data-urlencode "q=SELECT COUNT(*) FROM kv WHERE k LIKE 'w%'" | grep -o '\[\[[0-9]*\]\]' | tr -d '[]')
echo "== start->ready ${ready_ms} ms; RSS after start $((rss_start / 1024)) MiB, after the runs $((rss_end / 1024)) MiB"
echo "== rows written and readable at the end: ${written}"
