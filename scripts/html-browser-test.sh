#!/usr/bin/env bash
# Browser test for `hocr check --format html`: renders the report of a
# fixture in headless Chromium, saves a screenshot and checks the DOM the
# browser built holds the charts and tables; then opens it filtered (the
# filters read the address's fragment, `#severity=high&status=new`) and
# counts the findings the page's own script left shown. The report is made
# with a baseline: the same export judged a day earlier.
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

as_of=$(cat "$fixture/as-of")
day_before=$(date -u -d "$as_of - 1 day" +%Y-%m-%dT%H:%M:%SZ)
"$hocr" check "$fixture" --as-of "$day_before" --format json --output "$work/baseline.json" || [ $? -ne 2 ]
"$hocr" check "$fixture" --as-of "$as_of" --format jsonl --output "$work/all.jsonl" || [ $? -ne 2 ]
"$hocr" check "$fixture" --as-of "$as_of" --format json --baseline "$work/baseline.json" --output "$work/compared.json" || [ $? -ne 2 ]
"$hocr" check "$fixture" --as-of "$as_of" --format html --baseline "$work/baseline.json" --output "$page" || [ $? -ne 2 ]
findings=$(wc -l <"$work/all.jsonl")
new=$(grep -o '"new": [0-9]*' "$work/compared.json" | head -1 | grep -o '[0-9]*$')
persisting=$(grep -o '"persisting": [0-9]*' "$work/compared.json" | head -1 | grep -o '[0-9]*$')

. scripts/browser.sh
screenshot 1280,2400 "$screenshot"

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
# The filters are shown once the script ran, every finding of the page shown.
expect "data-shown=\"$findings\"" 1
if grep -q '<form id="filters"[^>]* hidden' "$work/dom.html"; then
  echo "FAIL: the filters stayed hidden: the page's script did not run" >&2
  fail=1
fi
expect '<rect' 2
expect '<table' 3
expect '<th scope="col"' 3
expect 'role="img"' 2
# Filtered through the address: rows the filter leaves out are hidden.
filtered() {
  local frag=$1 want=$2
  local n
  fragment=$frag browser --dump-dom >"$work/filtered.html" 2>"$work/dom.log" || {
    cat "$work/dom.log" >&2; echo "FAIL: chromium could not dump the DOM" >&2; fail=1; return; }
  n=$(grep -o '<tr data-rule="[^"]*" data-severity="[^"]*"[^>]*>' "$work/filtered.html" | grep -vc ' hidden' || true)
  if [ "$n" -ne "$want" ] || ! grep -q "data-shown=\"$want\"" "$work/filtered.html"; then
    echo "FAIL: filtered by '$frag', $n findings shown, expected $want" >&2
    fail=1
  else
    echo "ok: filtered by '$frag': $n shown"
  fi
}
# (Fixtures have fewer findings than the page lists: every one is on it.)
of_severity() { grep -c "\"severity\":\"$1\"" "$work/all.jsonl" || true; }
filtered '#severity=high' "$(of_severity high)"
filtered '#severity=info' "$(of_severity info)"
filtered '#status=new' "$new"
filtered '#status=persisting' "$persisting"
# The page must not reach out: one inline script, no external resources.
if [ "$(grep -o '<script' "$work/dom.html" | wc -l)" -ne 1 ] || grep -q '<script src' "$work/dom.html"; then
  echo "FAIL: the page has scripts other than its one inline script" >&2
  fail=1
fi
# (A source's address is shown as text, never linked or loaded.)
for bad in 'src=' 'href="http' '<link' 'url('; do
  if grep -q -- "$bad" "$work/dom.html"; then
    echo "FAIL: rendered DOM contains '$bad'" >&2
    fail=1
  fi
done
[ "$fail" -eq 0 ] && echo "html browser test passed"
exit "$fail"
