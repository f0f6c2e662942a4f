#!/usr/bin/env bash
# Before/after of one change: two hocr binaries run alternately on the same
# export, N times each; prints the minimum and median wall and user time and
# the peak memory of each, and whether their findings are byte-identical.
# This VM's speed drifts from minute to minute, so only alternating runs
# compare fairly.
#
#   scripts/compare-binaries.sh BEFORE AFTER [RUNS] [EXPORT_DIR]
#       (default 7 runs, target/bench-export-1000000)
set -euo pipefail
before=$1
after=$2
runs=${3:-7}
data=${4:-target/bench-export-1000000}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for _ in $(seq "$runs"); do
  for side in before after; do
    bin=$before
    [ "$side" = after ] && bin=$after
    /usr/bin/time -f "$side %e %U %M" -a -o "$out/times" "$bin" check "$data" \
      --as-of 2026-02-01T00:00:00Z --format jsonl --output "$out/$side.jsonl" 2>/dev/null || true
  done
done
python3 - "$out/times" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
for side in ("before", "after"):
    mine = [r for r in rows if r[0] == side]
    wall = sorted(float(r[1]) for r in mine)
    user = sorted(float(r[2]) for r in mine)
    peak = max(int(r[3]) for r in mine) / 1024
    print(f"{side:6}  wall min {wall[0]:.2f} median {statistics.median(wall):.2f} s"
          f"   user min {user[0]:.2f} median {statistics.median(user):.2f} s   peak {peak:.1f} MiB")
PY
if cmp -s "$out/before.jsonl" "$out/after.jsonl"; then
  echo "findings identical"
else
  echo "FINDINGS DIFFER"
  exit 1
fi
