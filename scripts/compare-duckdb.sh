#!/usr/bin/env bash
# Whole-run comparison: hocr (every shipped rule) against DuckDB SQL for
# REC001, REC002 and CAN002 on the same generated export, run alternately
# (catalogue edition 2: REC001 measures a transferred-in crime from received_at).
# Prints per-run times, the medians, the ratio, peak memory, and checks that
# the three rules' finding counts agree.
#
#   scripts/compare-duckdb.sh [INCIDENTS] [RUNS]      (default 1000000, 5)
set -euo pipefail
cd "$(dirname "$0")/.."
incidents=${1:-1000000}
runs=${2:-5}
as_of="2026-02-01T00:00:00Z"
data="target/bench-export-${incidents}"
venv="target/duckdb-venv"

cargo build --release --quiet --bin hocr --bin hocr-gen
if [ ! -f "$data/incidents.csv" ]; then
  target/release/hocr-gen --incidents "$incidents" --seed 1 --out "$data" >/dev/null
fi
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet duckdb
fi

cat > target/compare.py <<'PY'
import sys, time, duckdb
data, as_of = sys.argv[1], sys.argv[2]
con = duckdb.connect()
con.execute("SET TimeZone = 'Europe/London'")
con.execute("SET threads = 2")
def ts(col):
    # Offset-less times are London local; others carry their offset.
    return f"CAST(NULLIF(TRIM({col}), '') AS TIMESTAMPTZ)"
def code(col):
    return f"REPLACE(UPPER(TRIM({col})), '.', '/')"
sexual = ("19C 19D 19E 19F 19G 19H 17A 17B 20A 20B 21 22A 22B 23 70 71 72 73 88A 88C 88D 88E").split()
sexual_sql = ", ".join(f"'{c}'" for c in sexual)
t0 = time.perf_counter()
con.execute(f"""CREATE TEMP TABLE i AS SELECT incident_id, {ts('reported_at')} AS reported_at,
    UPPER(TRIM(opening_code)) AS opening, UPPER(TRIM(closing_code)) AS closing, non_crime_rationale
    FROM read_csv('{data}/incidents.csv', all_varchar = true)""")
con.execute(f"""CREATE TEMP TABLE c AS SELECT crime_id, incident_id, {code('offence_code')} AS offence,
    {ts('reported_at')} AS reported_at, {ts('recorded_at')} AS recorded_at,
    UPPER(TRIM(status)) AS status, UPPER(TRIM(cancellation_authority)) AS authority,
    NULLIF(TRIM(transferred_from), '') AS transferred_from, {ts('received_at')} AS received_at
    FROM read_csv('{data}/crimes.csv', all_varchar = true)""")
rec001 = con.execute("""SELECT count(*) FROM c LEFT JOIN i USING (incident_id)
    WHERE c.recorded_at > COALESCE(CASE WHEN c.transferred_from IS NOT NULL THEN c.received_at END,
                                   c.reported_at, i.reported_at) + INTERVAL 24 HOUR""").fetchone()[0]
rec002 = con.execute(f"""SELECT count(*) FROM i
    WHERE (closing LIKE 'CRIME-%' OR (COALESCE(closing, '') = '' AND opening LIKE 'CRIME-%'))
      AND COALESCE(TRIM(non_crime_rationale), '') = ''
      AND NOT EXISTS (SELECT 1 FROM c WHERE c.incident_id = i.incident_id)
      AND TIMESTAMPTZ '{as_of}' > reported_at + INTERVAL 24 HOUR""").fetchone()[0]
can002 = con.execute(f"""SELECT count(*) FROM c WHERE status = 'CANCELLED' AND
    CASE WHEN offence IN ({sexual_sql}) THEN COALESCE(authority, '') <> 'FCR'
         ELSE COALESCE(authority, '') NOT IN ('FCR', 'DDM') END""").fetchone()[0]
print(f"{time.perf_counter() - t0:.3f} REC001={rec001} REC002={rec002} CAN002={can002}")
PY

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
hocr_times=(); duck_times=(); hocr_mem=(); duck_mem=()
for n in $(seq "$runs"); do
  /usr/bin/time -f "%e %M" -o target/hocr.time target/release/hocr check "$data" --as-of "$as_of" \
    --format jsonl --output target/hocr-findings.jsonl
  read -r t m < target/hocr.time; hocr_times+=("$t"); hocr_mem+=("$m")
  /usr/bin/time -f "%e %M" -o target/duck.time "$venv/bin/python" target/compare.py "$data" "$as_of" > target/duck.out
  read -r t m < target/duck.time; duck_times+=("$t"); duck_mem+=("$m")
  echo "run $n: hocr ${hocr_times[-1]} s, duckdb ${duck_times[-1]} s"
done

count() { grep -c "\"rule\":\"$1\"" target/hocr-findings.jsonl || true; }
hocr_counts="REC001=$(count REC001) REC002=$(count REC002) CAN002=$(count CAN002)"
duck_counts=$(cut -d' ' -f2- target/duck.out)
echo "counts  hocr:   $hocr_counts"
echo "counts  duckdb: $duck_counts"
if [ "$hocr_counts" = "$duck_counts" ]; then echo "counts agree"; else echo "COUNTS DIFFER"; fi

h=$(printf '%s\n' "${hocr_times[@]}" | median)
d=$(printf '%s\n' "${duck_times[@]}" | median)
hm=$(printf '%s\n' "${hocr_mem[@]}" | sort -n | tail -1)
dm=$(printf '%s\n' "${duck_mem[@]}" | sort -n | tail -1)
echo "median wall  hocr (every shipped rule): ${h} s   duckdb (3 rules): ${d} s   ratio hocr/duckdb: $(awk "BEGIN {printf \"%.2f\", $h/$d}")"
echo "peak memory  hocr: $((hm / 1024)) MiB   duckdb: $((dm / 1024)) MiB"
