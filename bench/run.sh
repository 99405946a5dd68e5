#!/usr/bin/env bash
# Side-by-side load benchmark: Tessera and the reference peers, same images, same wrk workloads, one run.
#
#   bench/run.sh [HARNESS_DIR]
#
# HARNESS_DIR is a writable copy of the project's shared benchmark harness (../shared/bench), set up
# with its setup.sh; without it, one is made in a temporary folder (about 3 minutes, once).
# Environment: PEERS ["node-iiif"] (also "iipimage"), IDENTIFIER [big.tif], TILE_SIZE [512],
# WORKLOADS ["tiles thumbs info"], DURATION [15s], TESSERA_PORT [8190], PEER_PORT [8191].
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
[[ -f "$harness/data/out/big.tif" ]] || "$harness/data/make-images.sh"

PEERS="${PEERS:-node-iiif}"
IDENTIFIER="${IDENTIFIER:-big.tif}"
export TILE_SIZE="${TILE_SIZE:-512}" WORKLOADS="${WORKLOADS:-tiles thumbs info}" DURATION="${DURATION:-15s}"
tport="${TESSERA_PORT:-8190}"
pport="${PEER_PORT:-8191}"
run="$here/results"
mkdir -p "$run"

# Tessera, release build, serving the harness images.
"$repo/tessera" --help >/dev/null
dotnet "$repo/.tessera/bin/Tessera.Server.dll" serve --root "$harness/data/out" --port "$tport" >"$run/tessera.log" 2>&1 &
echo $! >"$run/tessera.pid"
trap 'kill "$(cat "$run/tessera.pid")" 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$tport/iiif/3/$IDENTIFIER/info.json" >/dev/null && break; sleep 0.2; done

LABEL=tessera PID_FILES="$run/tessera.pid" "$harness/perf/bench.sh" "http://127.0.0.1:$tport/iiif/3" "$IDENTIFIER"

for peer in $PEERS; do
  "$harness/peers/$peer/start.sh" "$pport"
  prefix="http://127.0.0.1:$pport/iiif/3"
  [[ "$peer" == "iipimage" ]] && prefix="http://127.0.0.1:$pport/iiif"
  LABEL="$peer" PID_FILES="$(ls "$harness/peers/$peer/run/"*.pid | tr '\n' ' ')" "$harness/perf/bench.sh" "$prefix" "$IDENTIFIER" || true
  "$harness/peers/$peer/stop.sh"
done
echo "raw results: $harness/perf/results/; table: node $harness/perf/summarize.js"
