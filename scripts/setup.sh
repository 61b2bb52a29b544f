#!/usr/bin/env bash
# Installs what the project needs on a fresh Debian machine, then the npm dependencies
# (which bring Node 24 for every npm script). Needs Go >= 1.26 on PATH for the real API server.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${need[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${need[@]}" fonts-dejavu-core
fi
if ! command -v go >/dev/null 2>&1; then
  echo "setup: Go >= 1.26 is required to build the test API server (tests/apiserver); install it first" >&2
  exit 1
fi
npm ci --no-audit --no-fund
