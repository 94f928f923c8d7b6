#!/bin/bash
# bench/sip/run.sh - what screening costs a live call (issue 6 §5).
#
# One run, all on 127.0.0.1: SIPp places calls at each rate through two
# Kamailio instances started from the same deploy/kamailio/kamailio.cfg,
# one relaying without screening (-A NO_SCREEN: the peer) and one asking
# `callsift serve` about every INVITE, to the same SIPp PBX. Per step:
# calls placed, completed with 200, failed (SIPp's own counts), INVITE ->
# final reply latency p50/p99 from SIPp's -trace_msg timestamps (µs;
# SIPp's own response-time stats tick in ms), and CPU seconds used by
# Kamailio (main + workers) and by callsift serve (/proc/PID/stat).
#
#   SIP_BENCH_RATES="200 500 1000"  calls per second, one step each
#   SIP_BENCH_SECONDS=20            length of each step
#   SIP_BENCH_CHILDREN=8            Kamailio UDP workers
#   SIP_BENCH_SHM=512               Kamailio shared memory, MB (-m); 64
#                                   runs out near 1000 calls/s (RECIPE §4)
#
# The callers are 1000 domestic mobiles, allowed by callsift, so both
# proxies do the same SIP work and differ only in the HTTP call. Targets:
# screening adds <= 1 ms at p99 at 500 calls/s; its CPU costs <= 20% of
# the no-screening capacity.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CALLSIFT=${CALLSIFT:-$ROOT/build/callsift}
RATES=${SIP_BENCH_RATES:-200 500 1000}
SECS=${SIP_BENCH_SECONDS:-20}
CHILDREN=${SIP_BENCH_CHILDREN:-8}
SHM=${SIP_BENCH_SHM:-512}
OUT=$ROOT/build/bench/sip
W=$(mktemp -d /tmp/callsift-bench-sip.XXXXXX)
. "$ROOT/tests/sip/lib.sh"
trap 'stop_all; rm -rf "$W"' EXIT
trap 'exit 1' INT TERM
mkdir -p "$OUT"

for tool in kamailio sipp curl ss; do
    command -v "$tool" >/dev/null 2>&1 || {
        echo "bench-sip: $tool missing: run scripts/install-deps sip" >&2
        exit 1
    }
done

HTTP=$(free_port tcp)
SIP_PLAIN=$(free_port udp)
SIP_SCREEN=$(free_port udp)
PBX=$(free_port udp)

start_callsift "$HTTP" "$W/callsift.db" || {
    echo "bench-sip: callsift serve did not start" >&2
    tail -5 "$W/callsift.log" >&2
    exit 1
}
start_kamailio plain "$SIP_PLAIN" "$PBX" "$HTTP" -A NO_SCREEN \
    -A "CHILDREN=$CHILDREN" -m "$SHM" || exit 1
kam_plain=$kam_pid
start_kamailio screen "$SIP_SCREEN" "$PBX" "$HTTP" \
    -A "CHILDREN=$CHILDREN" -m "$SHM" || exit 1
kam_screen=$kam_pid
start_uas pbx "$PBX" -buff_size 4194304 || exit 1

{
    echo SEQUENTIAL
    for i in $(seq 1000 1999); do
        echo "+8190${i}${i};+8180123$i;Caller;127.0.0.1;"
    done
} >"$W/callers.csv"

# cpu PID: user+system seconds of PID and its children processes (the
# Kamailio workers are children of the main process).
cpu() {
    local p t=0
    for p in "$1" $(pgrep -P "$1"); do
        [ -r "/proc/$p/stat" ] || continue
        t=$((t + $(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' \
            "/proc/$p/stat")))
    done
    echo "$t"
}
HZ=$(getconf CLK_TCK)

# latency DIR: "n p50 p99" in ms, INVITE sent -> first final reply to it,
# from the UAC's -trace_msg log.
latency() {
    awk '
        /^----------------------------------------------- / {
            split($3, t, ":"); ts = t[1] * 3600 + t[2] * 60 + t[3]; next
        }
        /^UDP message (sent|received)/ { dir = $3; first = ""; next }
        first == "" && NF { first = $0; next }
        /^Call-I[Dd]:/ { cid = $2 }
        /^CSeq:/ {
            if (dir == "sent" && first ~ /^INVITE / && !(cid in s))
                s[cid] = ts
            else if (dir == "received" && $3 ~ /^INVITE/ &&
                     first ~ /^SIP\/2\.0 [2-6][0-9][0-9] / && !(cid in f))
                f[cid] = ts
        }
        END {
            for (c in f) if (c in s) printf "%.3f\n", (f[c] - s[c]) * 1000
        }' "$1"/*_messages.log | sort -n >"$1/lat.txt"
    awk '{ v[NR] = $1 }
        END {
            if (NR == 0) { print "0 - -"; exit }
            i50 = int(0.50 * NR); if (i50 < 1) i50 = 1
            i99 = int(0.99 * NR); if (i99 < 1) i99 = 1
            printf "%d %.2f %.2f\n", NR, v[i50], v[i99]
        }' "$1/lat.txt"
}

{
    echo "bench/sip: SIPp -> Kamailio 5.6 ($CHILDREN workers, -m $SHM)" \
        "-> SIPp PBX, $SECS s per step, $(nproc) CPUs"
    echo "peer: the same Kamailio with -A NO_SCREEN (no HTTP call)"
    echo
    printf '%-6s %-8s %7s %7s %6s %9s %9s %10s %10s\n' rate mode calls \
        200 failed p50_ms p99_ms kam_us/call cs_us/call
} | tee "$OUT/report.txt"

declare -A P99 CPU_KAM CPU_CS
for rate in $RATES; do
    calls=$((rate * SECS))
    for mode in plain screen; do
        port=$SIP_PLAIN kpid=$kam_plain
        [ $mode = screen ] && port=$SIP_SCREEN kpid=$kam_screen
        name=$mode-$rate
        k0=$(cpu "$kpid") c0=$(cpu "$callsift_pid")
        run_uac "$name" "$port" "$W/callers.csv" "$ROOT/tests/sip/uac.xml" \
            "$calls" "$rate" -l $((rate * 4)) -buff_size 4194304 \
            -trace_msg >/dev/null
        k1=$(cpu "$kpid") c1=$(cpu "$callsift_pid")
        read -r nlat p50 p99 < <(latency "$W/$name")
        ok200=$(count_of "$name" 200)
        failed=$(count_of "$name" failed)
        kus=$(((k1 - k0) * 1000000 / HZ / calls))
        cus=$(((c1 - c0) * 1000000 / HZ / calls))
        P99[$name]=$p99 CPU_KAM[$name]=$kus CPU_CS[$name]=$cus
        printf '%-6s %-8s %7d %7d %6d %9s %9s %10d %10d\n' "$rate" "$mode" \
            "$calls" "$ok200" "$failed" "$p50" "$p99" "$kus" "$cus" |
            tee -a "$OUT/report.txt"
        cp "$W/$name/lat.txt" "$OUT/latency-$name.txt" 2>/dev/null
        sleep 6 # let the tm wait timers drain the finished transactions
    done
done

# The figures the targets are about, at 500 calls/s when it was run.
r=500
case " $RATES " in *" 500 "*) ;; *) r=${RATES%% *} ;; esac
{
    echo
    awk -v a="${P99[screen-$r]}" -v b="${P99[plain-$r]}" -v r="$r" 'BEGIN {
        printf "added p99 latency at %d calls/s: %+.2f ms (target <= 1 ms)\n",
            r, a - b }'
    kp=${CPU_KAM[plain-$r]} ks=${CPU_KAM[screen-$r]} cs=${CPU_CS[screen-$r]}
    awk -v kp="$kp" -v ks="$ks" -v cs="$cs" 'BEGIN {
        if (ks <= 0) exit
        printf "capacity cost, Kamailio CPU only (callsift on its own " \
            "host): %.0f%% (%d -> %d us/call)\n", 100 * (1 - kp / ks), kp, ks
        printf "capacity cost, Kamailio + callsift on one host: %.0f%% " \
            "(%d -> %d us/call; target <= 20%%)\n",
            100 * (1 - kp / (ks + cs)), kp, ks + cs }'
} | tee -a "$OUT/report.txt"
