#!/usr/bin/env bash
# Remakes docs/viewer.png, the README's picture of an image page, with the browser tests' setup (a real Tessera serving the
# samples, Debian's chromium through Playwright): tests/Tessera.Browser.Tests/ReadmeScreenshot.cs, an opt-in test.
#
#   scripts/viewer-screenshot.sh [OUT.png]      (default docs/viewer.png)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$(realpath -m "${1:-$repo/docs/viewer.png}")"
export TESSERA_REPO="$repo" DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
"$repo/scripts/setup.sh" --tests
TESSERA_VIEWER_SCREENSHOT="$out" dotnet test "$repo/tests/Tessera.Browser.Tests" -c Release --nologo \
  --filter "FullyQualifiedName~ReadmeScreenshot" "${@:2}"
ls -l "$out"
