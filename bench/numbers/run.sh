#!/bin/sh
# run.sh - drive bench/numbers in one run: generate the caller-ID set, run
# libphonenumber's harness, then callsift's, which compares the two and
# prints the summary. Both run pinned to one core (BENCH_CPU, default 0) when taskset
# exists, one after the other, so neither disturbs the other's timing.
#
#   bench/numbers/run.sh DIR [COUNT] [RUNS]
#
# DIR holds the built gen-callers, peer-libphonenumber and bench-numbers;
# the set, the peer's results and the full report are written there too
# (callers-COUNT.tsv, peer-COUNT.tsv, report-COUNT.txt).
set -eu

dir=$1
count=${2:-1000000}
runs=${3:-3}

pin=""
if command -v taskset >/dev/null 2>&1 && taskset -c "${BENCH_CPU:-0}" true 2>/dev/null; then
    pin="taskset -c ${BENCH_CPU:-0}"
fi

callers=$dir/callers-$count.tsv
peer=$dir/peer-$count.tsv
report=$dir/report-$count.txt

# The set depends only on COUNT and the fixed seed: generate it once.
if [ ! -s "$callers" ] || [ "$dir/gen-callers" -nt "$callers" ]; then
    "$dir/gen-callers" -n "$count" -o "$callers.tmp"
    mv "$callers.tmp" "$callers"
fi

echo "bench/numbers: $count caller IDs, best of $runs runs," \
    "${pin:-not pinned (no taskset)}"
echo "bench/numbers: libphonenumber (about 20 us a number: this takes" \
    "a while)..."
$pin "$dir/peer-libphonenumber" -r "$runs" "$callers" "$peer"
echo "bench/numbers: callsift..."
$pin "$dir/bench-numbers" -r "$runs" "$callers" "$peer" >"$report"
cat "$report"
echo "bench/numbers: full report in $report"
