#!/usr/bin/env bash
# JPEG 2000 decode benchmark (issue 3): time and peak memory of a 512-px tile at each scale factor and a
# !1024,1024 thumbnail, against a full-resolution decode, for a lossy JP2 (RPCL, precincts, PLT markers)
# and its HTJ2K twin. Images are made once into $OUT (default /tmp/tessera-bench-jp2).
#   bench/jp2.sh [WIDTH HEIGHT]      (default 10000 7500)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
W="${1:-10000}"; H="${2:-7500}"
OUT="${OUT:-/tmp/tessera-bench-jp2}"
mkdir -p "$OUT"
"$repo/scripts/setup.sh" --tests
dotnet build "$here/Tessera.Bench" -c Release -o "$OUT/bin" --nologo -v quiet -clp:ErrorsOnly
bench=(dotnet "$OUT/bin/Tessera.Bench.dll")

src="$OUT/photo-${W}x${H}.ppm"
[[ -s "$src" ]] || "${bench[@]}" make-photo "$src" "$W" "$H"
jp2="$OUT/photo-${W}x${H}.jp2"
# ~1.5 bit/px lossy (ratio 16 on 24 bpp), 7 resolutions, RPCL, 256x256 precincts, 64x64 code-blocks, PLT markers.
[[ -s "$jp2" ]] || opj_compress -i "$src" -o "$jp2" -I -r 16 -n 7 -p RPCL -c '[256,256]' -b 64,64 -PLT >/dev/null
tiled="$OUT/photo-${W}x${H}-tiled.jp2"
# The same, in 1024x1024 codestream tiles (as many collections store them).
[[ -s "$tiled" ]] || opj_compress -i "$src" -o "$tiled" -I -r 16 -n 7 -p RPCL -c '[256,256]' -b 64,64 -PLT -t 1024,1024 >/dev/null
jph="$OUT/photo-${W}x${H}.jph"
# HTJ2K twin: irreversible, 6 decompositions (7 resolutions), RPCL, 256x256 precincts.
[[ -s "$jph" ]] || ojph_compress -i "$src" -o "$jph" -num_decomps 6 -reversible false -qstep 0.02 \
  -prog_order RPCL -precincts '{256,256}' -block_size '{64,64}' >/dev/null
jphtiled="$OUT/photo-${W}x${H}-tiled.jph"
# HTJ2K in 1024x1024 tiles: OpenJPEG 2.5.0 cannot decode part of an HT tile (it returns grey), so Tessera
# decodes whole HT tiles; tiled HTJ2K keeps a deep-zoom tile cheap, untiled HTJ2K does not.
[[ -s "$jphtiled" ]] || ojph_compress -i "$src" -o "$jphtiled" -num_decomps 6 -reversible false -qstep 0.02 \
  -prog_order RPCL -precincts '{256,256}' -block_size '{64,64}' -tile_size '{1024,1024}' >/dev/null
ls -l "$jp2" "$tiled" "$jph" "$jphtiled"
echo "machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
"${bench[@]}" jp2 "$jp2" "$tiled" "$jph" "$jphtiled"
