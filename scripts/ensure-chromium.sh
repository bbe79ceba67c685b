#!/usr/bin/env bash
# Debian's Chromium for the browser suite (never a downloaded browser build). A CHROMIUM_PATH
# that is set (another Chromium of the machine's) is used as it is.
set -euo pipefail
if [ -n "${CHROMIUM_PATH:-}" ] && [ -x "$CHROMIUM_PATH" ]; then
  "$CHROMIUM_PATH" --version
  exit 0
fi
if [ ! -x /usr/bin/chromium ]; then
  echo "» apt-get install chromium"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi
/usr/bin/chromium --version
