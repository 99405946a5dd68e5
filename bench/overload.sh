#!/usr/bin/env bash
# Overload benchmark (issue 6): tile latency alone, then while a flood of full-size requests runs; the share of the
# flood shed with 503; peak RSS. One server (Release), derivative cache off so every tile is rendered, on a
# 10000x7500 pyramidal TIFF of 256-px JPEG tiles (made once, shared with bench/cache.sh).
#   bench/overload.sh [SECONDS]      (default 20: the tile measurements; the flood runs a few seconds longer)
set -euo pipefail
SECS="${1:-20}"
PORT="${PORT:-8193}"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

python3 - "$OUT" <<'PY'
import random, sys
out = sys.argv[1]
random.seed(7)
W, H, T = 10000, 7500, 256
tiles = []
for f in (1, 2, 4, 8):
    span = T * f
    for y in range(0, H, span):
        for x in range(0, W, span):
            w, h = min(span, W - x), min(span, H - y)
            tiles.append(f"/iiif/3/photo/{x},{y},{w},{h}/{-(-w // f)},/0/default.jpg")
random.shuffle(tiles)
open(f"{out}/tiles.txt", "w").write("\n".join(tiles) + "\n")
# Full-size (and near) outputs, each distinct: identical requests would share one render.
flood = [f"/iiif/3/photo/full/{w},/0/default.jpg" for w in random.sample(range(6000, 10001), 2000)]
open(f"{out}/flood.txt", "w").write("\n".join(flood) + "\n")
PY
cat > "$OUT/count.lua" <<'LUA'
local urls, i = {}, 0
ok, shed, other = 0, 0, 0
local threads = {}
setup = function(thread) table.insert(threads, thread) end
init = function(args) for line in io.lines(os.getenv("URLS")) do urls[#urls + 1] = line end; i = math.random(#urls) end
request = function() i = i % #urls + 1; return wrk.format("GET", urls[i]) end
response = function(status)
  if status == 200 then ok = ok + 1 elseif status == 503 then shed = shed + 1 else other = other + 1 end
end
done = function(summary, latency, requests)
  local o, s, x = 0, 0, 0
  for _, t in ipairs(threads) do o = o + t:get("ok"); s = s + t:get("shed"); x = x + t:get("other") end
  io.write(string.format("STATUS ok=%d shed=%d other=%d errors=%d\n", o, s, x,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA

Tessera__Roots__0="$OUT/images" Tessera__Port="$PORT" Tessera__DerivativeCache__Enabled=false Logging__LogLevel__Default=Warning \
  dotnet "$OUT/server/Tessera.Server.dll" serve >"$OUT/overload-server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/iiif/3/photo/info.json" >/dev/null && break; sleep 0.2; done
head -200 "$OUT/tiles.txt" | while read -r u; do curl -sf -o /dev/null "http://127.0.0.1:$PORT$u"; done # warm-up

summary() { # label, wrk output
  printf "| %-26s | %9s | %8s | %8s | %s |\n" "$1" "$(awk '/Requests\/sec/{print $2}' <<<"$2")" \
    "$(awk '$1=="50%"{print $2}' <<<"$2")" "$(awk '$1=="99%"{print $2}' <<<"$2")" "$(grep STATUS <<<"$2" | cut -d' ' -f2-)"
}
echo "machine: $(nproc) cores; tiles: wrk 1 thread x 4 connections for $SECS s; flood: 1 thread x 16 connections of distinct full-size jpg requests"
echo "| phase | req/s | p50 | p99 | statuses |"
echo "|---|---|---|---|---|"
alone=$(URLS="$OUT/tiles.txt" wrk -t1 -c4 -d"${SECS}s" --latency -s "$OUT/count.lua" "http://127.0.0.1:$PORT" 2>&1)
summary "tiles alone" "$alone"
URLS="$OUT/flood.txt" wrk -t1 -c16 -d"$((SECS + 6))s" --timeout 30s --latency -s "$OUT/count.lua" "http://127.0.0.1:$PORT" >"$OUT/flood.out" 2>&1 &
flood_pid=$!
sleep 3
during=$(URLS="$OUT/tiles.txt" wrk -t1 -c4 -d"${SECS}s" --latency -s "$OUT/count.lua" "http://127.0.0.1:$PORT" 2>&1)
wait "$flood_pid"
summary "tiles during the flood" "$during"
summary "flood (full-size)" "$(cat "$OUT/flood.out")"
echo "peak RSS: $(( $(awk '/VmHWM/{print $2}' "/proc/$pid/status") / 1024 )) MB"
