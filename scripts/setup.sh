#!/usr/bin/env bash
# Installs what the project needs on a fresh Debian machine, then the npm dependencies (which
# bring Node 24 for every npm script). Go >= 1.26 must be on PATH: it builds the real API server
# the tests and the demo run (tests/apiserver), and Helm for the chart's tests (tests/cluster/helm.ts).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v go >/dev/null 2>&1; then
  echo "setup: Go >= 1.26 is required to build the test API server (tests/apiserver) and Helm; install it from go.dev/dl" >&2
  exit 1
fi
go_minor=$(go env GOVERSION | sed -n 's/^go1\.\([0-9]*\).*/\1/p')
if [ -z "$go_minor" ] || [ "$go_minor" -lt 26 ]; then
  echo "setup: Go >= 1.26 is required, found $(go env GOVERSION); install it from go.dev/dl" >&2
  exit 1
fi

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${need[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${need[@]}" fonts-dejavu-core
  # Only promtool and a Prometheus binary for tests are wanted, not a Prometheus service on :9090
  # (docker compose publishes its own there).
  if [[ " ${need[*]} " == *" prometheus "* ]] && [ -d /run/systemd/system ]; then
    $sudo_cmd systemctl disable --now prometheus >/dev/null 2>&1 || true
  fi
fi
npm ci --no-audit --no-fund
