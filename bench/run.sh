#!/usr/bin/env bash
# Side-by-side load benchmark (issue 7): Tessera and the reference peers, same images, same wrk workloads, one
# run, one table with ratios.
#
#   bench/run.sh [HARNESS_DIR]
#
# HARNESS_DIR is a writable copy of the project's shared benchmark harness (../shared/bench) set up with its
# setup.sh; without it, one is made in a temporary folder (about 3-5 minutes, once).
#
# Servers (each started fresh, in this order):
#   tessera          Tessera's defaults (derivative cache on, in a fresh folder; stored-tile passthrough on)
#   tessera-nocache  every request decoded or passed through (derivative cache off)
#   iipimage         IIPImage 1.1 with its default 10 MB cache of encoded tiles (IIIF 2.1 URLs)
#   node-iiif        iiif-processor + sharp (no JPEG 2000: its JP2 cases are skipped)
# Cases: t256 / t256w (256-px tiles of every scale factor, "w,h" and "w," size forms), t512, thumbs
# (full/!200,200 and full/,150), info (info.json) on big.tif; jp2-t256 and jp2-thumbs on big.jp2.
#
# Environment: SERVERS ["tessera tessera-nocache iipimage node-iiif"] (also iipimage-nocache), CASES [all
# above], DURATION [15s], WARMUP [3s], TESSERA_PORT [8190], PEER_PORT [8191].
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
harness="${1:-}"
if [[ -z "$harness" ]]; then
  tmp="$(mktemp -d)"
  cp -r "$repo/../shared/bench" "$tmp/"
  harness="$tmp/bench"
  "$harness/setup.sh"
fi
harness="$(cd "$harness" && pwd)"
[[ -f "$harness/data/out/big.tif" && -f "$harness/data/out/big.jp2" ]] || "$harness/data/make-images.sh"

SERVERS="${SERVERS:-tessera tessera-nocache iipimage node-iiif}"
CASES="${CASES:-t256 t256w t512 thumbs info jp2-t256 jp2-thumbs}"
export DURATION="${DURATION:-15s}" WARMUP="${WARMUP:-3s}"
tport="${TESSERA_PORT:-8190}"
pport="${PEER_PORT:-8191}"
out="${OUT:-/tmp/tessera-bench-run}"
mkdir -p "$out"
tsv="$harness/perf/results/results.tsv"
mkdir -p "$(dirname "$tsv")"
first_line=$(( $( [[ -f "$tsv" ]] && wc -l <"$tsv" || echo 0) + 1 ))

"$repo/scripts/setup.sh"
dotnet build "$repo/src/Tessera.Server/Tessera.Server.csproj" -c Release -o "$out/server" --nologo -v quiet \
  -clp:ErrorsOnly >&2

# The bench.sh settings of a case: identifier, then environment assignments.
case_env() {
  case "$1" in
    t256) echo "big.tif WORKLOADS=tiles TILE_SIZE=256" ;;
    t256w) echo "big.tif WORKLOADS=tiles TILE_SIZE=256 SIZE_FORM=w" ;;
    t512) echo "big.tif WORKLOADS=tiles TILE_SIZE=512" ;;
    thumbs) echo "big.tif WORKLOADS=thumbs" ;;
    info) echo "big.tif WORKLOADS=info" ;;
    jp2-t256) echo "big.jp2 WORKLOADS=tiles TILE_SIZE=256" ;;
    jp2-thumbs) echo "big.jp2 WORKLOADS=thumbs" ;;
    *) echo "unknown case $1" >&2; return 1 ;;
  esac
}

start_tessera() { # cache on/off
  rm -rf "$out/cache"
  Tessera__Roots__0="$harness/data/out" Tessera__Port="$tport" Tessera__DerivativeCache__Enabled="$1" \
    Tessera__DerivativeCache__Directory="$out/cache" \
    dotnet "$out/server/Tessera.Server.dll" serve >"$out/tessera.log" 2>&1 &
  echo $! >"$out/tessera.pid"
  for _ in $(seq 150); do curl -sf "http://127.0.0.1:$tport/iiif/3/big.tif/info.json" >/dev/null && return; sleep 0.2; done
  echo "tessera did not start; see $out/tessera.log" >&2; return 1
}
stop_tessera() { kill "$(cat "$out/tessera.pid")" 2>/dev/null || true; sleep 0.5; }
trap stop_tessera EXIT

for server in $SERVERS; do
  case "$server" in
    tessera) start_tessera true; prefix="http://127.0.0.1:$tport/iiif/3"; pids="$out/tessera.pid" ;;
    tessera-nocache) start_tessera false; prefix="http://127.0.0.1:$tport/iiif/3"; pids="$out/tessera.pid" ;;
    iipimage | iipimage-nocache)
      if [[ "$server" == iipimage-nocache ]]; then MAX_IMAGE_CACHE_SIZE=0 "$harness/peers/iipimage/start.sh" "$pport"
      else "$harness/peers/iipimage/start.sh" "$pport"; fi
      prefix="http://127.0.0.1:$pport/iiif"; pids="$(ls "$harness/peers/iipimage/run/"*.pid | tr '\n' ' ')" ;;
    node-iiif)
      "$harness/peers/node-iiif/start.sh" "$pport"
      prefix="http://127.0.0.1:$pport/iiif/3"; pids="$(ls "$harness/peers/node-iiif/run/"*.pid | tr '\n' ' ')" ;;
    *) echo "unknown server $server" >&2; exit 2 ;;
  esac
  for c in $CASES; do
    read -r identifier settings <<<"$(case_env "$c")"
    [[ "$server" == node-iiif && "$identifier" == *.jp2 ]] && continue # sharp's prebuilt libvips has no OpenJPEG
    # shellcheck disable=SC2086
    env $settings LABEL="$server/$c" PID_FILES="$pids" "$harness/perf/bench.sh" "$prefix" "$identifier" || true
  done
  case "$server" in
    tessera*) stop_tessera ;;
    iipimage*) "$harness/peers/iipimage/stop.sh" ;;
    node-iiif) "$harness/peers/node-iiif/stop.sh" ;;
  esac
done

echo
echo "## $(date -u +%Y-%m-%d), $(nproc) cores, wrk 2 threads x 8 connections on the same cores, ${DURATION} per case"
tail -n "+$first_line" "$tsv" | grep -v '^date' | "$here/summarize.sh"
echo "raw results: $harness/perf/results/"
