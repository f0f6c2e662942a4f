#!/usr/bin/env bash
# Browser test for `hocr check --format html`: renders the report of a
# fixture in headless Chromium, saves a screenshot and checks the DOM the
# browser built holds the charts and tables.
#
#   scripts/html-browser-test.sh [FIXTURE_DIR] [SCREENSHOT.png]
#
# HOCR (the binary) defaults to target/debug/hocr; CHROMIUM to /usr/bin/chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

fixture=${1:-fixtures/rec002-missing-record}
screenshot=${2:-}
hocr=${HOCR:-target/debug/hocr}
chromium=${CHROMIUM:-/usr/bin/chromium}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
page="$work/report.html"

"$hocr" check "$fixture" --as-of "$(cat "$fixture/as-of")" --format html --output "$page"

browser() {
  # Offline and quiet: no network services, a throwaway profile.
  timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic \
    --no-first-run --disable-background-networking --disable-component-update \
    --disable-sync --disable-dev-shm-usage --hide-scrollbars \
    --user-data-dir="$(mktemp -d -p "$work")" "$@" "file://$page"
}

browser --screenshot="$work/out.png" --window-size=1280,2400 2>"$work/screenshot.log" || {
  cat "$work/screenshot.log" >&2
  echo "FAIL: chromium could not take a screenshot" >&2
  exit 1
}
if [ ! -s "$work/out.png" ] || [ "$(head -c 8 "$work/out.png" | od -An -tx1 | tr -d ' \n')" != "89504e470d0a1a0a" ]; then
  echo "FAIL: no PNG screenshot written" >&2
  exit 1
fi
if [ -n "$screenshot" ]; then
  cp "$work/out.png" "$screenshot"
fi

browser --dump-dom >"$work/dom.html" 2>"$work/dom.log" || {
  cat "$work/dom.log" >&2
  echo "FAIL: chromium could not dump the DOM" >&2
  exit 1
}

fail=0
expect() {
  local what=$1 min=$2
  local n
  n=$(grep -o -- "$what" "$work/dom.html" | wc -l)
  if [ "$n" -lt "$min" ]; then
    echo "FAIL: rendered DOM has $n of '$what', expected at least $min" >&2
    fail=1
  else
    echo "ok: $n × '$what'"
  fi
}
expect '<svg' 2
expect '<rect' 2
expect '<table' 3
expect '<th scope="col"' 3
expect 'role="img"' 2
# The page must not reach out: no scripts, no external resources. (A
# source's address is shown as text, never linked or loaded.)
for bad in '<script' 'src=' 'href="http' '<link' 'url('; do
  if grep -q -- "$bad" "$work/dom.html"; then
    echo "FAIL: rendered DOM contains '$bad'" >&2
    fail=1
  fi
done
[ "$fail" -eq 0 ] && echo "html browser test passed"
exit "$fail"
