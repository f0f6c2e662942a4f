#!/usr/bin/env bash
# Browser test for `hocr trend`: renders the trend of a directory of
# nightly JSON reports in headless Chromium, saves a screenshot, and checks
# the DOM the browser built: the charts are there, and the page's own
# script shows only the charts asked for in the address (`#show=rule`).
#
#   scripts/trend-browser-test.sh REPORTS_DIR [SCREENSHOT.png]
#
# HOCR (the binary) defaults to target/debug/hocr; CHROMIUM to /usr/bin/chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

reports=${1:?usage: scripts/trend-browser-test.sh REPORTS_DIR [SCREENSHOT.png]}
screenshot=${2:-}
hocr=${HOCR:-target/debug/hocr}
chromium=${CHROMIUM:-/usr/bin/chromium}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
page="$work/trend.html"
"$hocr" trend "$reports" --output "$page"
"$hocr" trend "$reports" --format json --output "$work/trend.json"

. scripts/browser.sh
screenshot 1280,1100 "$screenshot"

fail=0
count_of() { grep -o "\"level\": \"$1\"" "$work/trend.json" | wc -l; }
charts=$(grep -o '<figure class="multiple"' "$page" | wc -l)
shown() {
  local frag=$1 want=$2 n
  fragment=$frag browser --dump-dom >"$work/dom.html" 2>"$work/dom.log" || {
    cat "$work/dom.log" >&2; echo "FAIL: chromium could not dump the DOM" >&2; fail=1; return; }
  n=$(grep -o '<figure class="multiple" data-level="[a-z-]*"[^>]*>' "$work/dom.html" | grep -vc ' hidden' || true)
  if [ "$n" -ne "$want" ] || ! grep -q "data-shown=\"$want\"" "$work/dom.html"; then
    echo "FAIL: '$frag' shows $n charts, expected $want" >&2; fail=1
  else
    echo "ok: '$frag' shows $n charts"
  fi
}
shown '' "$charts"
shown '#show=rule' "$(count_of rule)"
shown '#show=theme' "$(count_of theme)"
shown '#show=overall' 1
if ! grep -q '<polyline class="line"' "$work/dom.html" || ! grep -q 'class="gapband"' "$work/dom.html"; then
  echo "FAIL: the charts lack lines or gaps" >&2; fail=1
fi
for bad in 'src=' 'http://' 'https://'; do
  if grep -q -- "$bad" "$work/dom.html"; then echo "FAIL: rendered DOM contains '$bad'" >&2; fail=1; fi
done
[ "$fail" -eq 0 ] && echo "trend browser test passed"
exit "$fail"
