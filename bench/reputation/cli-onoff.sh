#!/bin/bash
# bench/reputation/cli-onoff.sh - `callsift check --batch` with the store
# (--db: reputation on, every event logged) and without it, in one run
# (issue 4 section 8, "callsift check throughput with reputation on versus
# off"). bench-reputation measures the same ratio inside the engine, with
# no logging and a 10 M-number index; this is the command a user runs.
#
#   bench/reputation/cli-onoff.sh [CALLSIFT_BIN] [EVENTS]
#
# The store holds the FTC's reported numbers (../shared/data, imported
# here; an empty store when the data is absent, and the line says so).
# Events: tests/data/cases.jsonl repeated to EVENTS lines (default 60,000).
# Five rounds, off and on alternating, each on a fresh copy of the store;
# the best of each kept. The store's start (opening it, building the
# index) is timed apart and taken out: the rate is the batch's.
#
# With --db the checks run on one thread and the store's writes on
# another (src/cli/cli_writer.c), so the ratio is measured twice: pinned
# to one core (CLI_CPU, default $BENCH_CPU or 0: the writer's work and
# the checks share it) and on every core the machine has (the writer
# beside the checks, as a PBX or a carrier runs it). Without --db the
# command is one thread either way.
set -u
cd "$(dirname "$0")/../.." || exit 2
bin=${1:-build/callsift}
n_events=${2:-60000}
ftc=../shared/data/ftc-dnc-reported-numbers/90days.csv
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"%.9g\", ($*) }"; } # arithmetic on decimals

grep '^{' tests/data/cases.jsonl | sed 's/"id": *"[^"]*", *//' >"$tmp/cases"
i=0
while [ $i -lt "$n_events" ]; do
    cat "$tmp/cases"
    i=$((i + $(wc -l <"$tmp/cases")))
done | head -n "$n_events" >"$tmp/events"

if [ -f "$ftc" ]; then
    what="the FTC's $(wc -l <"$ftc") reported numbers"
    "$bin" import "$ftc" --format ftc-dnc --db "$tmp/base.db" >/dev/null 2>&1
else
    what="an empty store (no FTC data at $ftc)"
    : | "$bin" check --batch --db "$tmp/base.db" >/dev/null
fi
if [ $? -ne 0 ] || [ ! -f "$tmp/base.db" ]; then
    echo "cli-onoff: could not make the store in $tmp" >&2
    exit 1
fi

# measure CPUS: five rounds on the cores CPUS ("all": no pinning).
measure() {
    local cpus=$1 pin=() best_off=0 best_on=0 start=0 off on s t0 t1 t2 ratio
    [ "$cpus" != all ] && pin=(taskset -c "$cpus")
    for round in 1 2 3 4 5; do
        t0=$(now)
        "${pin[@]}" "$bin" check --batch <"$tmp/events" >/dev/null
        t1=$(now)
        off=$(calc "$n_events / ($t1 - $t0)")
        rm -f "$tmp/run.db"*
        cp "$tmp/base.db" "$tmp/run.db"
        t0=$(now)
        : | "${pin[@]}" "$bin" check --batch --db "$tmp/run.db" >/dev/null
        t1=$(now)
        "${pin[@]}" "$bin" check --batch --db "$tmp/run.db" \
            <"$tmp/events" >/dev/null
        t2=$(now)
        s=$(calc "$t1 - $t0")
        on=$(calc "$n_events / ($t2 - $t1 - $s)")
        [ "$(calc "$off > $best_off")" -eq 1 ] && best_off=$off
        [ "$(calc "$on > $best_on")" -eq 1 ] && best_on=$on && start=$s
    done
    ratio=$(calc "$best_on / $best_off")
    printf 'cli: check --batch, %d events, %s: %.0f events/s without a store, %.0f with --db (reputation on, every event logged; store start %.0f ms taken out), %s; ratio %.2f (target >= 0.8: %s)\n' \
        "$n_events" \
        "$([ "$cpus" = all ] && echo "all $(nproc) cores" || echo "core $cpus")" \
        "$best_off" "$best_on" "$(calc "$start * 1000")" "$what" "$ratio" \
        "$([ "$(calc "$ratio >= 0.8")" -eq 1 ] && echo met || echo NOT met)"
}

cpu=${CLI_CPU:-${BENCH_CPU:-0}}
if taskset -c "$cpu" true 2>/dev/null; then
    measure "$cpu"
else
    echo "cli: cannot pin to core $cpu (taskset); one core skipped"
fi
measure all
