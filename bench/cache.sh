#!/usr/bin/env bash
# Derivative cache benchmark (issues 5, 7): throughput of the same tile requests with the derivative cache off and
# stored-tile passthrough off (every request renders), with passthrough on (stored JPEG tiles sent as they are; edge
# tiles mostly rendered), with the cache warm (every request a hit), and as revalidations (If-None-Match: a 304
# without decoding), one server process per case, on a 10000x7500 pyramidal TIFF of 256-px JPEG tiles.
#   bench/cache.sh [SECONDS]        (default 20 per case; wrk 2 threads x 8 connections, as the shared harness)
set -euo pipefail
SECS="${1:-20}"
PORT="${PORT:-8191}"
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# 400 tiles spread over every scale factor, in a fixed random order.
python3 - "$OUT/urls.txt" <<'PY'
import random, sys
random.seed(5)
W, H, T = 10000, 7500, 256
urls = []
for f in (1, 2, 4, 8, 16, 32):
    span = T * f
    for y in range(0, H, span):
        for x in range(0, W, span):
            w, h = min(span, W - x), min(span, H - y)
            urls.append(f"/iiif/3/photo/{x},{y},{w},{h}/{-(-w // f)},/0/default.jpg")
random.shuffle(urls)
open(sys.argv[1], "w").write("\n".join(urls[:400]) + "\n")
PY
cat > "$OUT/urls.lua" <<'LUA'
local urls, i = {}, 0
init = function(args) for line in io.lines(os.getenv("URLS")) do urls[#urls + 1] = line end; i = math.random(#urls) end
request = function()
  i = i % #urls + 1
  return wrk.format("GET", urls[i], os.getenv("INM") == "1" and { ["If-None-Match"] = "*" } or nil)
end
LUA

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_kb() { awk '/VmHWM/{print $2}' "/proc/$1/status"; }

run_case() { # name, cache on/off, if-none-match, stored-tile passthrough on/off
  local name="$1" enabled="$2" inm="$3" passthrough="$4" pid out t0 t1
  rm -rf "$OUT/cache"
  Tessera__Roots__0="$OUT/images" Tessera__Port="$PORT" Tessera__DerivativeCache__Enabled="$enabled" \
    Tessera__TilePassthrough="$passthrough" \
    Tessera__DerivativeCache__Directory="$OUT/cache" Logging__LogLevel__Default=Warning \
    dotnet "$OUT/server/Tessera.Server.dll" serve >"$OUT/$name.log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/iiif/3/photo/info.json" >/dev/null && break; sleep 0.2; done
  # Warm-up: every URL once (fills the cache when it is on; JIT and page cache either way).
  while read -r u; do curl -sf -o /dev/null "http://127.0.0.1:$PORT$u"; done <"$OUT/urls.txt"
  t0=$(ticks "$pid")
  out=$(URLS="$OUT/urls.txt" INM="$inm" wrk -t2 -c8 -d"${SECS}s" --latency -s "$OUT/urls.lua" "http://127.0.0.1:$PORT" 2>&1)
  t1=$(ticks "$pid")
  local reqs rps p50 p99 non2xx
  reqs=$(awk '/requests in/{print $1}' <<<"$out")
  rps=$(awk '/Requests\/sec/{print $2}' <<<"$out")
  p50=$(awk '$1=="50%"{print $2}' <<<"$out")
  p99=$(awk '$1=="99%"{print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/{print $5}' <<<"$out")
  local mb; mb=$(awk '/requests in/{print $5}' <<<"$out")
  printf "| %-22s | %9s | %8s | %8s | %8.3f | %6d MB | %8s | %s |\n" "$name" "$rps" "$p50" "$p99" \
    "$(echo "($t1 - $t0) * 10 / $reqs" | bc -l)" "$(( $(rss_kb "$pid") / 1024 ))" "$mb" "${non2xx:-0}"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

echo "machine: $(nproc) cores; $SECS s per case; 400 tiles (256 px, every scale factor) of a 10000x7500 pyramidal TIFF"
echo "| case | req/s | p50 | p99 | server CPU ms/req | peak RSS | read | non-2xx/3xx |"
echo "|---|---|---|---|---|---|---|---|"
run_case "rendered (no cache)" false "" false
run_case "passthrough (no cache)" false "" true
run_case "cached (warm)" true "" true
run_case "revalidated (304)" true "1" true
