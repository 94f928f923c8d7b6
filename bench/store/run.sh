#!/bin/bash
# bench/store/run.sh - import rate of `callsift import` (issue 4 section 8:
# target >= 200,000 rows/s): the FTC Do-Not-Call file, then a synthetic
# 1,000,000-row CSV, each into a fresh store, each imported twice (the
# second run finds every row already present). Prints rows/s per run.
#
#   bench/store/run.sh BIN [ROWS]     (make bench-store)
set -eu
bin=${1:-build/callsift}
rows=${2:-1000000}
ftc=${FTC:-../shared/data/ftc-dnc-reported-numbers/90days.csv}
out=${OUT:-build/bench/store}
mkdir -p "$out"
rm -f "$out"/*.db "$out"/*.db-*

rate() { sed -n 's/.*(\([0-9]*\) rows\/s).*/\1/p'; }

echo "callsift import: rows/s (batch 100,000, WAL, synchronous=FULL)"
if [ -f "$ftc" ]; then
    n=$(($(wc -l <"$ftc") - 1))
    r1=$("$bin" import "$ftc" --format ftc-dnc --db "$out/ftc.db" | rate)
    r2=$("$bin" import "$ftc" --format ftc-dnc --db "$out/ftc.db" | rate)
    printf '  %-34s %9s rows  %9s rows/s  (again: %s rows/s)  %s\n' \
        "FTC DNC 90days.csv (ftc-dnc)" "$n" "$r1" "$r2" \
        "$( [ "$r1" -ge 200000 ] && echo 'target met' || echo 'below 200,000')"
else
    echo "  (no $ftc: FTC run skipped)"
fi

# Synthetic reports: NANP numbers (one in 8 repeated), four categories,
# times spread over 90 days, a reporter per row; no id column, so the
# dedupe key is the row's hash and occurrence.
csv=$out/synthetic-$rows.csv
[ -f "$csv" ] || awk -v n="$rows" 'BEGIN {
    srand(42); print "number,category,time,reporter"
    split("scam spam robocall telemarketing", cat, " ")
    for (i = 1; i <= n; i++) {
        k = (i % 8 == 0) ? int(rand() * 1000) : i
        printf "+1%03d%07d,%s,%d,r%d\n", 201 + (k * 7919) % 700,
            (k * 104729) % 10000000, cat[1 + i % 4],
            1700000000 + int(rand() * 7776000), int(rand() * 200000)
    } }' >"$csv"
r1=$("$bin" import "$csv" --format csv --source synthetic --db "$out/syn.db" | rate)
r2=$("$bin" import "$csv" --format csv --source synthetic --db "$out/syn.db" | rate)
printf '  %-34s %9s rows  %9s rows/s  (again: %s rows/s)  %s\n' \
    "synthetic CSV (csv)" "$rows" "$r1" "$r2" \
    "$( [ "$r1" -ge 200000 ] && echo 'target met' || echo 'below 200,000')"
