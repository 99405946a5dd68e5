#!/usr/bin/env bash
# Installs the system packages Tessera needs when they are missing (Debian/Ubuntu, as root or with sudo).
# Idempotent and quick when everything is there. Usage: setup.sh [--tests]
set -euo pipefail

packages=(libopenjp2-7) # needed to serve: JPEG 2000 sources
# Needed by the tests: they make their JPEG 2000 files with the first two; the viewer's tests drive Debian's chromium
# (through Playwright, whose own browser downloads are never used); the shared-state tests run a real Redis, and the
# multi-instance test puts nginx in front of three servers.
test_packages=(libopenjp2-tools openjph-tools chromium redis-server nginx)
[[ "${1:-}" == "--tests" ]] && packages+=("${test_packages[@]}")
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# The viewer's deep-zoom library, from npm into .tessera/node (git-ignored); the build copies it beside the server. To
# serve, its absence is only a warning (the image pages then say how to install it); the tests need it.
osd_version=6.1.1
if ! grep -qs "\"version\": \"$osd_version\"" "$repo/.tessera/node/node_modules/openseadragon/package.json"; then
  if command -v npm >/dev/null; then
    echo "setup: installing openseadragon@$osd_version" >&2
    npm install --prefix "$repo/.tessera/node" --no-audit --no-fund --silent --save-exact "openseadragon@$osd_version" >&2
  elif [[ "${1:-}" == "--tests" ]]; then
    echo "setup: the viewer tests need OpenSeadragon, and there is no npm (Node.js 20) to install it" >&2
    exit 1
  else
    echo "setup: no npm (Node.js 20) to install OpenSeadragon: the image pages will have no deep-zoom viewer" >&2
  fi
fi

# The S3 tests' store: s3rver (an S3-compatible server on Node), under .tessera/node where the tests look for it.
if [[ "${1:-}" == "--tests" ]]; then
  if [[ ! -f "$repo/.tessera/node/node_modules/s3rver/bin/s3rver.js" ]]; then
    if ! command -v npm >/dev/null; then
      echo "setup: the S3 tests need s3rver, and there is no npm (Node.js 20) to install it" >&2
      exit 1
    fi
    echo "setup: installing s3rver" >&2
    npm install --prefix "$repo/.tessera/node" --no-audit --no-fund --silent s3rver@3.7.1 >&2
  fi
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
(( ${#missing[@]} == 0 )) && exit 0

if ! command -v apt-get >/dev/null; then
  echo "setup: missing packages ${missing[*]}, and no apt-get to install them" >&2
  exit 1
fi
sudo=""
[[ $(id -u) -ne 0 ]] && sudo="sudo"
echo "setup: installing ${missing[*]}" >&2
$sudo apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
