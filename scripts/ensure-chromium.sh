#!/usr/bin/env bash
# Debian's Chromium for the browser suite (never a downloaded browser build).
set -euo pipefail
if [ ! -x /usr/bin/chromium ]; then
  echo "» apt-get install chromium"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi
/usr/bin/chromium --version
