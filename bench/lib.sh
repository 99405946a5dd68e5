# Shared set-up of bench/cache.sh and bench/overload.sh (sourced): wrk, a Release server and the bench tool in
# $OUT, and the 10000x7500 pyramidal TIFF of 256-px JPEG tiles they both serve (made once).
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
OUT="${OUT:-/tmp/tessera-bench-cache}"
mkdir -p "$OUT/images"
command -v wrk >/dev/null || apt-get install -y wrk >/dev/null
"$repo/scripts/setup.sh"
dotnet build "$repo/src/Tessera.Server/Tessera.Server.csproj" -c Release -o "$OUT/server" --nologo -v quiet -clp:ErrorsOnly >/dev/null
dotnet build "$here/Tessera.Bench" -c Release -o "$OUT/bench" --nologo -v quiet -clp:ErrorsOnly >/dev/null
[[ -s "$OUT/images/photo.tif" ]] || dotnet "$OUT/bench/Tessera.Bench.dll" make-photo "$OUT/images/photo.tif" 10000 7500
