#!/usr/bin/env bash
# The whole test suite: installs what the tests need, builds, runs every test project, and ends with
# one summary line: "tests: N passed, N failed[, N skipped]". Exit status 0 only when all passed.
set -uo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export TESSERA_REPO="$repo"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
cd "$repo"

"$repo/scripts/setup.sh" --tests || { echo "tests: 0 passed, 1 failed"; exit 1; }

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! dotnet build Tessera.slnx -c Release --nologo -v quiet -clp:ErrorsOnly; then
  echo "tests: 0 passed, 1 failed (build failed)"
  exit 1
fi
dotnet test Tessera.slnx -c Release --no-build --nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# One "Passed!/Failed! - Failed: a, Passed: b, Skipped: c, Total: d" line per test assembly.
read -r passed failed skipped < <(awk '
  /(Passed|Failed)!.*Failed:.*Passed:.*Skipped:/ {
    for (i = 1; i <= NF; i++) {
      if ($i == "Failed:")  { f += $(i+1) + 0 }
      if ($i == "Passed:")  { p += $(i+1) + 0 }
      if ($i == "Skipped:") { s += $(i+1) + 0 }
    }
  }
  END { printf "%d %d %d\n", p, f, s }' "$log")
assemblies=$(grep -cE '(Passed|Failed)!.*Total:' "$log" || true)
if (( status != 0 && failed == 0 )); then
  failed=1   # the runner failed without a test failing (crash, no tests found): never report green
fi
if (( assemblies == 0 )); then
  failed=$(( failed > 0 ? failed : 1 ))
fi
summary="tests: $passed passed, $failed failed"
(( skipped > 0 )) && summary+=", $skipped skipped"
echo "$summary"
(( failed == 0 ))
