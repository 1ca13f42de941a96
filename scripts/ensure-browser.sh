#!/usr/bin/env bash
# Installs Debian's headless Chromium and its driver for the report's browser tests.
# Playwright drives /usr/bin/chromium directly; no browser is ever downloaded by Playwright.
set -euo pipefail

if [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]]; then
    echo "browser: $(/usr/bin/chromium --version 2>/dev/null || echo chromium) at /usr/bin/chromium"
    exit 0
fi
if [[ "$(id -u)" != "0" ]]; then
    echo "browser: /usr/bin/chromium or /usr/bin/chromedriver missing and not root;" \
        "install them with: sudo apt-get install chromium chromium-driver" \
        "(the browser tests skip without them)" >&2
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "browser: no apt-get here; install Chromium at /usr/bin/chromium to run the" \
        "browser tests (they skip without it)" >&2
    exit 0
fi
echo "browser: installing Debian's chromium and chromium-driver"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium chromium-driver
echo "browser: $(/usr/bin/chromium --version 2>/dev/null || echo installed) at /usr/bin/chromium"
