#!/usr/bin/env bash
# The scale-out check on this machine (issue 9): three Tessera processes behind Debian's nginx, s3rver as the shared
# store, redis-server for the distributed single flight, a counting HTTP origin. Runs the cluster test alone and prints
# its numbers (origin bytes, renders, request counts, throughput, failures when an instance is killed).
#   scripts/cluster.sh
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export TESSERA_REPO="$repo" DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
"$repo/scripts/setup.sh" --tests
dotnet build "$repo/tests/Tessera.Server.Tests" -c Release --nologo -v quiet -clp:ErrorsOnly
dotnet test "$repo/tests/Tessera.Server.Tests" -c Release --no-build --nologo \
  --filter "FullyQualifiedName~Tessera.Server.Tests.Cluster" --logger "console;verbosity=detailed" 2>&1 |
  grep -E '^\s+(cold viewer|origin:|9 identical|IIIF requests|warm tiles|killed one)|Passed!|Failed!|Error Message|Assert' || true
