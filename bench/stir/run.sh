#!/bin/sh
# run.sh - drive bench/stir in one run: make a throw-away STI-CA root and a
# SHAKEN certificate with openssl, time callsift's in-process verification
# with a cached certificate (bench-stir), then the peer secsipidx on the
# very same token, two ways, and print the ratios.
#
#   bench/stir/run.sh DIR [COUNT] [RUNS] [CLI_RUNS]
#
# DIR holds the built bench-stir and peer-secsipid (when libsecsipid-dev
# was there to build it); the certificates, the token and the report are
# written to DIR/work. Peers:
#   1. libsecsipid in process (peer-secsipid): SecSIPIDCheckFullPubKey()
#      in a loop with the certificate in memory - the like-for-like figure;
#   2. the secsipidx command, CLI_RUNS times `secsipidx -check` (each a
#      process: Go runtime start, reading the files, one verification), and
#      as many `secsipidx -version` runs as the start-up baseline; "minus
#      start-up" is the difference of the two means - an estimate, as
#      process start-up varies from run to run.
# Both sides run pinned to CPU 0 when taskset exists.
set -eu

dir=$1
count=${2:-20000}
runs=${3:-3}
cli_runs=${4:-200}
work=$dir/work

pin=""
if command -v taskset >/dev/null 2>&1 && taskset -c "${BENCH_CPU:-0}" true 2>/dev/null; then
    pin="taskset -c ${BENCH_CPU:-0}"
fi

rm -rf "$work"
mkdir -p "$work"
(
    cd "$work"
    exec >/dev/null 2>&1
    openssl ecparam -name prime256v1 -genkey -noout -out ca.key
    openssl req -x509 -new -key ca.key -sha256 -days 30 \
        -subj '/O=callsift bench/CN=Bench STI-CA Root' \
        -addext 'basicConstraints=critical,CA:TRUE' \
        -addext 'keyUsage=critical,keyCertSign,cRLSign' -out ca.pem
    openssl ecparam -name prime256v1 -genkey -noout -out leaf.key
    openssl req -new -key leaf.key -subj '/O=callsift bench/CN=SHAKEN BENCH' \
        -out leaf.csr
    printf '%s\n' 'basicConstraints=critical,CA:FALSE' \
        'keyUsage=critical,digitalSignature' \
        '1.3.6.1.5.5.7.1.26=DER:30:08:A0:06:16:04:54:45:53:54' > leaf.ext
    openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
        -days 20 -sha256 -extfile leaf.ext -out leaf.pem
)
# The certificate's notBefore is "now": let a second pass so iat is after it.
sleep 1

echo "bench/stir: $count verifications, best of $runs runs," \
    "${pin:-not pinned (no taskset)}"
out=$($pin "$dir/bench-stir" -n "$count" -r "$runs" "$work")
echo "$out" | grep -v '_ns_per_verify '
ours=$(echo "$out" | awk '/^callsift_ns_per_verify/ {print $2}')
floor=$(echo "$out" | awk '/^ecdsa_ns_per_verify/ {print $2}')

lib=""
if [ -x "$dir/peer-secsipid" ]; then
    pout=$($pin "$dir/peer-secsipid" -n "$count" -r "$runs" "$work") || pout=""
    echo "$pout" | grep -v '_ns_per_verify ' || true
    lib=$(echo "$pout" | awk '/^secsipid_ns_per_verify/ {print $2}')
fi

cli="" start=""
if command -v secsipidx >/dev/null 2>&1; then
    t0=$(date +%s%N)
    i=0
    while [ $i -lt "$cli_runs" ]; do
        $pin secsipidx -check -fidentity "$work/identity.txt" \
            -fpubkey "$work/leaf.pem" -expire 3600 -cert-verify 5 \
            -ca-file "$work/ca.pem" >/dev/null 2>&1 ||
            { echo "bench/stir: secsipidx -check failed" >&2; exit 1; }
        i=$((i + 1))
    done
    t1=$(date +%s%N)
    i=0
    while [ $i -lt "$cli_runs" ]; do
        $pin secsipidx -version >/dev/null 2>&1 || true # exits 1
        i=$((i + 1))
    done
    t2=$(date +%s%N)
    cli=$(( (t1 - t0) / cli_runs ))
    start=$(( (t2 - t1) / cli_runs ))
fi

awk -v ours="$ours" -v floor="$floor" -v lib="$lib" -v cli="$cli" \
    -v start="$start" -v n="$cli_runs" 'BEGIN {
    printf "\n%-46s %12s %10s\n", "", "us/verify", "x callsift"
    printf "%-46s %12.1f %10s\n", "callsift sift_stir_verify (cached cert)",
        ours / 1000, "1.0"
    printf "%-46s %12.1f %10.2f\n", "  of which the P-256 ECDSA verify (floor)",
        floor / 1000, floor / ours
    if (lib != "")
        printf "%-46s %12.1f %10.2f\n", "libsecsipid in process (cert in memory)",
            lib / 1000, lib / ours
    if (cli != "") {
        printf "%-46s %12.1f %10.1f\n",
            sprintf("secsipidx -check, per process (%d runs)", n),
            cli / 1000, cli / ours
        printf "%-46s %12.1f %10.1f\n", "  secsipidx -version (start-up only)",
            start / 1000, start / ours
        printf "%-46s %12.1f %10.1f\n", "  -check minus start-up (estimate)",
            (cli - start) / 1000, (cli - start) / ours
    }
    printf "\ntarget: <= 100 us per verification: %s\n",
        ours <= 100000 ? "met" : "NOT met"
}'
