# Headless Chromium for the browser tests, sourced by them. Expects
# $chromium (the browser), $work (a scratch directory) and $page (the HTML
# file); $fragment, if set, is added to the page's address.

browser() {
  # Offline and quiet: no network services, a throwaway profile.
  timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic \
    --no-first-run --disable-background-networking --disable-component-update \
    --disable-sync --disable-dev-shm-usage --hide-scrollbars \
    --user-data-dir="$(mktemp -d -p "$work")" "$@" "file://$page${fragment:-}"
}

# A screenshot of the page at WIDTHxHEIGHT into $work/out.png, copied to
# SCREENSHOT if one is named; exits with FAIL if no PNG comes out.
screenshot() {
  local size=$1 copy=${2:-}
  browser --screenshot="$work/out.png" --window-size="$size" 2>"$work/screenshot.log" || {
    cat "$work/screenshot.log" >&2
    echo "FAIL: chromium could not take a screenshot" >&2
    exit 1
  }
  if [ ! -s "$work/out.png" ] || [ "$(head -c 8 "$work/out.png" | od -An -tx1 | tr -d ' \n')" != "89504e470d0a1a0a" ]; then
    echo "FAIL: no PNG screenshot written" >&2
    exit 1
  fi
  if [ -n "$copy" ]; then
    cp "$work/out.png" "$copy"
  fi
}
