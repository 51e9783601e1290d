#!/usr/bin/env bash
# Installs Debian's chromium for the browser tests (test/browser), unless it is already there.
# Idempotent: a second run only checks. Needs root or sudo for apt-get. The package list is refreshed
# (apt-get update) only when the install fails without it, so a machine with fresh lists skips it.
set -euo pipefail

CHROMIUM=${RINGLINE_CHROMIUM_PATH:-/usr/bin/chromium}

step() { printf '\033[1m▸ %s\033[0m\n' "$*"; }
note() { printf '  %s\n' "$*"; }
die() { printf '\033[31m✖ %s\033[0m\n' "$*" >&2; exit 1; }

if [ -x "$CHROMIUM" ]; then
  note "chromium already installed: $CHROMIUM"
  exit 0
fi

command -v apt-get >/dev/null || die "$CHROMIUM is missing and there is no apt-get here: install chromium yourself, point RINGLINE_CHROMIUM_PATH at it, or set RINGLINE_SKIP_BROWSER_TESTS=1."

SUDO=
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || die "installing chromium needs root: run 'sudo $0', or set RINGLINE_SKIP_BROWSER_TESTS=1."
  SUDO=sudo
fi

install_chromium() {
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium
}

step "Installing chromium for the browser tests (apt-get, a few minutes on a first run)"
if ! install_chromium; then
  step "Install failed; refreshing the package lists (apt-get update) and trying again"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update
  install_chromium
fi

[ -x "$CHROMIUM" ] || die "apt-get finished but $CHROMIUM is still missing."
note "installed: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
