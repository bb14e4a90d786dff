#!/usr/bin/env bash
# `make browser` (and so `make test`): Debian's Chromium and CJK fonts for tests/browser.
#
#   CHROMIUM=/usr/bin/chromium tools/ensure_browser.sh
#
# Present: nothing to do. Missing: installed with apt-get when this user may (root, or
# sudo without a password); otherwise it stops at once, printing the one command that
# installs it, instead of waiting at a password prompt or failing minutes later in the
# browser tests.
set -euo pipefail

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
PACKAGES=(chromium fonts-noto-cjk)

if [ -x "$CHROMIUM" ]; then
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "make test needs Chromium at $CHROMIUM and this is not Debian or Ubuntu (no apt-get):" >&2
  echo "install Chromium and run again with CHROMIUM=/path/to/chromium." >&2
  exit 1
fi

if [ "$(id -u)" = 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
  as_root=(sudo -n)
else
  echo "make test needs Chromium at $CHROMIUM. Install it with:" >&2
  echo "  sudo apt-get install -y ${PACKAGES[*]}" >&2
  exit 1
fi

echo "Installing ${PACKAGES[*]} with apt-get (Chromium is missing at $CHROMIUM)"
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${PACKAGES[@]}"
if [ ! -x "$CHROMIUM" ]; then
  echo "apt-get installed ${PACKAGES[*]}, but $CHROMIUM is still missing:" \
       "run again with CHROMIUM=/path/to/chromium." >&2
  exit 1
fi
