#!/usr/bin/env bash
# Installs whatever is missing for Ringline to run here, and nothing that is already in place:
# node modules (npm ci), the pinned Temporal CLI and FerretDB (built from their Go modules into
# .tools/bin) and promtool (Prometheus's rule checker, for the alert rules' tests). Safe to run again:
# a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TOOLS=$ROOT/.tools
BIN=$TOOLS/bin
TEMPORAL_VERSION=v1.5.1
FERRETDB_VERSION=v1.24.2
# Debian bookworm's build of Prometheus; its upstream release is the fallback where apt-get is missing.
PROMETHEUS_DEB_VERSION=2.42.0+ds-5+deb12u1
PROMETHEUS_VERSION=2.42.0

step() { printf '\n\033[1m▸ %s\033[0m\n' "$*"; }
note() { printf '  %s\n' "$*"; }
die() { printf '\n\033[31m✖ %s\033[0m\n' "$*" >&2; exit 1; }

# Prints a line every few seconds while a long command runs, so a first build never looks hung.
with_heartbeat() {
  local label=$1; shift
  local start=$SECONDS
  "$@" & local pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 10
    kill -0 "$pid" 2>/dev/null && note "$label: still working ($((SECONDS - start)) s)"
  done
  wait "$pid"
}

check_node() {
  command -v node >/dev/null || die "Node.js 20 or newer is required (https://nodejs.org, or 'apt-get install nodejs npm')."
  local major
  major=$(node -p 'process.versions.node.split(".")[0]')
  [ "$major" -ge 20 ] || die "Node.js 20 or newer is required; found $(node --version)."
}

install_node_modules() {
  local stamp=node_modules/.ringline-lock-hash
  local want
  want=$(sha256sum package-lock.json | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    note "node modules up to date"
    return
  fi
  step "Installing node modules (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
}

stamp_ok() { [ -x "$BIN/$1" ] && [ -f "$TOOLS/$1.version" ] && [ "$(cat "$TOOLS/$1.version")" = "$2" ]; }

go_build_progress() {
  # go -v prints one line per package it compiles: show a count rather than hundreds of lines.
  awk '{ n++; if (n % 100 == 0) printf "  … %d packages compiled\n", n; fflush() } END { printf "  … %d packages compiled\n", n }'
}

install_temporal() {
  if [ -n "${TEMPORAL_CLI_PATH:-}" ]; then note "Temporal CLI: using TEMPORAL_CLI_PATH=$TEMPORAL_CLI_PATH"; return; fi
  if stamp_ok temporal "$TEMPORAL_VERSION"; then note "Temporal CLI $TEMPORAL_VERSION: already built"; return; fi
  if command -v temporal >/dev/null; then note "Temporal CLI: using $(command -v temporal)"; return; fi
  mkdir -p "$BIN"
  if command -v go >/dev/null; then
    step "Building Temporal CLI $TEMPORAL_VERSION from its Go module (first time only; about 5 minutes on 2 cores)"
    # Later tags carry a replace directive that go install refuses; v1.5.1 is the pinned, installable one.
    with_heartbeat "temporal build" bash -o pipefail -c \
      "GOBIN='$BIN' go install -v github.com/temporalio/cli/cmd/temporal@$TEMPORAL_VERSION 2>&1 | go_build_progress"
  else
    step "Go not found: downloading the Temporal CLI $TEMPORAL_VERSION release"
    local arch
    case "$(uname -m)" in x86_64) arch=amd64 ;; aarch64|arm64) arch=arm64 ;; *) die "unsupported CPU $(uname -m)";; esac
    local os
    os=$(uname -s | tr '[:upper:]' '[:lower:]')
    curl -fsSL "https://temporal.download/cli/archive/${TEMPORAL_VERSION}?platform=${os}&arch=${arch}" -o "$TOOLS/temporal.tgz" \
      || die "Could not download the Temporal CLI. Install Go (https://go.dev/dl) or set TEMPORAL_CLI_PATH."
    tar -xzf "$TOOLS/temporal.tgz" -C "$BIN" temporal
    rm -f "$TOOLS/temporal.tgz"
  fi
  echo "$TEMPORAL_VERSION" > "$TOOLS/temporal.version"
  note "Temporal CLI ready: $BIN/temporal"
}

install_ferretdb() {
  if [ -n "${MONGODB_URI:-}" ]; then note "Database: using MONGODB_URI (FerretDB not needed)"; return; fi
  if [ -n "${FERRETDB_PATH:-}" ]; then note "FerretDB: using FERRETDB_PATH=$FERRETDB_PATH"; return; fi
  if stamp_ok ferretdb "$FERRETDB_VERSION"; then note "FerretDB $FERRETDB_VERSION: already built"; return; fi
  command -v go >/dev/null || die "FerretDB is built with Go, which is missing. Either install Go (https://go.dev/dl), or set MONGODB_URI to a MongoDB server (for example 'docker run -p 27017:27017 mongo:7' and MONGODB_URI=mongodb://127.0.0.1:27017/ringline)."
  step "Building FerretDB $FERRETDB_VERSION from its Go module (first time only; about 2 minutes)"
  local dir src=$TOOLS/src/ferretdb-$FERRETDB_VERSION
  dir=$(go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -n "$dir" ] || die "go mod download of FerretDB $FERRETDB_VERSION failed"
  # The module zip lacks the version file its release build generates, and FerretDB refuses to start
  # without it; build from a writable copy that has it.
  rm -rf "$src" && mkdir -p "$TOOLS/src" && cp -r "$dir" "$src" && chmod -R u+w "$src"
  echo "$FERRETDB_VERSION" > "$src/build/version/version.txt"
  mkdir -p "$BIN"
  with_heartbeat "ferretdb build" \
    bash -o pipefail -c "go -C '$src' build -v -trimpath -o '$BIN/ferretdb' ./cmd/ferretdb 2>&1 | go_build_progress"
  echo "$FERRETDB_VERSION" > "$TOOLS/ferretdb.version"
  note "FerretDB ready: $BIN/ferretdb"
}

# promtool checks and unit-tests deploy/prometheus/alerts.yml (test/ops/alert-rules.test.ts). Taken out
# of the distribution's package without installing it (no root needed), or from the upstream release.
install_promtool() {
  if stamp_ok promtool "$PROMETHEUS_VERSION"; then note "promtool $PROMETHEUS_VERSION: already installed"; return; fi
  mkdir -p "$BIN"
  local work
  work=$(mktemp -d)
  if command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null; then
    step "Installing promtool from Debian's prometheus $PROMETHEUS_DEB_VERSION package (about 20 MB)"
    (cd "$work" && apt-get download "prometheus=$PROMETHEUS_DEB_VERSION") \
      || die "apt-get download prometheus=$PROMETHEUS_DEB_VERSION failed (run 'apt-get update' first, or put promtool on PATH)."
    dpkg-deb -x "$work"/prometheus_*.deb "$work/x"
    cp "$work/x/usr/bin/promtool" "$BIN/promtool"
  else
    step "apt-get not found: downloading the Prometheus $PROMETHEUS_VERSION release for promtool"
    local arch os
    case "$(uname -m)" in x86_64) arch=amd64 ;; aarch64|arm64) arch=arm64 ;; *) die "unsupported CPU $(uname -m)";; esac
    os=$(uname -s | tr '[:upper:]' '[:lower:]')
    local name="prometheus-$PROMETHEUS_VERSION.$os-$arch"
    curl -fL --progress-bar "https://github.com/prometheus/prometheus/releases/download/v$PROMETHEUS_VERSION/$name.tar.gz" -o "$work/prometheus.tgz" \
      || die "Could not download Prometheus $PROMETHEUS_VERSION; put promtool on PATH instead."
    tar -xzf "$work/prometheus.tgz" -C "$work" "$name/promtool"
    cp "$work/$name/promtool" "$BIN/promtool"
  fi
  rm -rf "$work"
  "$BIN/promtool" --version >/dev/null || die "the promtool taken from the package does not run here"
  echo "$PROMETHEUS_VERSION" > "$TOOLS/promtool.version"
  note "promtool ready: $BIN/promtool"
}

export -f go_build_progress
step "Ringline setup"
check_node
install_node_modules
install_temporal
install_ferretdb
install_promtool
note "setup complete"
