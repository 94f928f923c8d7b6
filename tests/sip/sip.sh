#!/bin/bash
# tests/sip/sip.sh - live calls end to end, all on 127.0.0.1: a SIPp
# caller -> Kamailio (deploy/kamailio/kamailio.cfg) -> a SIPp PBX
# (tests/sip/uas.xml), with `callsift serve` deciding each new INVITE. TAP.
#
# Every assertion counts what SIPp itself saw (-trace_counts: which final
# reply each INVITE got; -trace_stat: successful and failed calls), what
# the PBX received (its -trace_msg log: X-Callsift, the From display
# name) or what callsift counted (/metrics); an exit code alone proves
# nothing. Tags: sip, needs:kamailio (SIFT_TEST_SKIP="sip" skips it).
#
# Withheld callers (From anonymous@anonymous.invalid): callsift says
# "label" (NUMBER_WITHHELD), so the default configuration relays the call
# with an X-Callsift header; a Kamailio started with -A REJECT_WITHHELD
# answers 433 Anonymity Disallowed (RFC 5079) without asking. Both are
# tested.
set -u
ROOT=${SIFT_TEST_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
CALLSIFT=${CALLSIFT:-$ROOT/build/callsift}
n=0

ok() {
    n=$((n + 1))
    if [ "$2" -eq 0 ]; then echo "ok $n - $1"; else echo "not ok $n - $1"; fi
}
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
# is NAME GOT WANT: a test that prints both values when they differ.
is() {
    if [ "$2" = "$3" ]; then
        ok "$1" 0
    else
        ok "$1" 1
        echo "#   got:  $2"
        echo "#   want: $3"
    fi
}

case " ${SIFT_TEST_SKIP:-} " in
*" sip "* | *" needs:kamailio "*)
    skip "sip suite" "SIFT_TEST_SKIP"
    exit 0
    ;;
esac
for tool in kamailio sipp curl ss openssl; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        skip "sip suite" "$tool not installed (scripts/install-deps sip)"
        exit 0
    fi
done
if ! "$CALLSIFT" serve --help >/dev/null 2>&1; then
    skip "sip suite" "callsift serve not built"
    exit 0
fi

W=$(mktemp -d /tmp/callsift-sip.XXXXXX)
. "$ROOT/tests/sip/lib.sh"
cleanup() {
    stop_all
    if [ -n "${SIFT_TEST_KEEP:-}" ]; then
        echo "# kept $W"
    else
        rm -rf "$W"
    fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

HTTP=$(free_port tcp)
SIP=$(free_port udp)
SIP2=$(free_port udp)
PBX=$(free_port udp)
DB=$W/callsift.db
API=http://127.0.0.1:$HTTP
UAC=$ROOT/tests/sip/uac.xml
UAC_ID=$ROOT/tests/sip/uac_identity.xml

# ---- STIR: keys and certificates made here with openssl ----------------
# A throw-away STI-CA root and a SHAKEN leaf (TNAuthList SPC "TEST"). The
# x5u URL is https and never fetched: callsift finds the certificate in
# its offline directory ([stir] cert_dir) under the URL's last path
# component (docs/stir.md). callsift serve gets a copy of data/callsift.conf
# with a [stir] section naming them, when this callsift can verify.
X5U=https://certs.callsift.invalid/sti/leaf.pem
STIR_CALLER=+14155550123
US_CALLEE=+12125550100
US_CALLEE2=+12125550101
CONF=$W/callsift.conf
cp "$ROOT/data/callsift.conf" "$CONF"
stir_why=""
S=$W/stir
mkdir -p "$S/certs"
if ! command -v secsipidx >/dev/null 2>&1; then
    stir_why="secsipidx not installed (scripts/install-deps sip)"
elif ! {
    openssl ecparam -name prime256v1 -genkey -noout -out "$S/ca.key" &&
        openssl req -x509 -new -key "$S/ca.key" -sha256 -days 30 \
            -subj "/O=callsift test/CN=Test STI-CA Root" \
            -addext "basicConstraints=critical,CA:TRUE" \
            -addext "keyUsage=critical,keyCertSign,cRLSign" \
            -out "$S/ca.pem" &&
        openssl ecparam -name prime256v1 -genkey -noout -out "$S/leaf.key" &&
        openssl req -new -key "$S/leaf.key" \
            -subj "/O=callsift test/CN=SHAKEN TEST" -out "$S/leaf.csr" &&
        printf '%s\n' 'basicConstraints=critical,CA:FALSE' \
            'keyUsage=critical,digitalSignature' \
            '1.3.6.1.5.5.7.1.26=DER:30:08:A0:06:16:04:54:45:53:54' \
            >"$S/leaf.ext" &&
        openssl x509 -req -in "$S/leaf.csr" -CA "$S/ca.pem" \
            -CAkey "$S/ca.key" -CAcreateserial -days 20 -sha256 \
            -extfile "$S/leaf.ext" -out "$S/certs/leaf.pem"
} >"$W/openssl.log" 2>&1; then
    stir_why="openssl could not make the test certificates"
else
    printf '%s\n' "trust_anchors = $S/ca.pem" "cert_dir = $S/certs" \
        "fetch = no" >>"$CONF" # [stir] is the file's last section
    # sign ORIG DEST: an Identity header value (secsipidx wants the
    # numbers without "+").
    sign() {
        secsipidx -sign-full -orig-tn "${1#+}" -dest-tn "${2#+}" -attest A \
            -x5u "$X5U" -k "$S/leaf.key" 2>>"$W/openssl.log"
    }
    hdr=$(sign "$STIR_CALLER" "$US_CALLEE")
    if ! "$CALLSIFT" check --json --config "$CONF" --data "$ROOT/data" \
        --from "$STIR_CALLER" --to "$US_CALLEE" --identity "$hdr" \
        2>&1 | grep -q '"STIR_PASS_A"'; then
        stir_why="stir not built (callsift check --identity with [stir] gives no STIR_PASS_A)"
        cp "$ROOT/data/callsift.conf" "$CONF"
    fi
fi

# ---- start: callsift serve, Kamailio, the PBX ---------------------------
start_callsift "$HTTP" "$DB" --config "$CONF"
up_callsift=$?
start_kamailio kam "$SIP" "$PBX" "$HTTP" --substdef='!CALLSIFT_HOLDOFF!2!g'
up_kam=$?
start_uas pbx "$PBX" -trace_msg
up_uas=$?
[ $up_callsift -eq 0 ] && [ $up_kam -eq 0 ] && [ $up_uas -eq 0 ]
ok "callsift serve, Kamailio and the SIPp PBX are up" $?
if [ $up_callsift -ne 0 ] || [ $up_kam -ne 0 ] || [ $up_uas -ne 0 ]; then
    sed 's/^/# /' "$W/callsift.log" "$W/kam.log" | tail -20
    exit 1
fi

TOKEN=$("$CALLSIFT" token new --db "$DB" 2>>"$W/callsift.log" | tail -1)

# api METHOD PATH JSON: a write through the API; prints the HTTP status.
api() {
    curl -sS -o "$W/api.out" -w '%{http_code}' -X "$1" \
        -H "Authorization: Bearer $TOKEN" \
        -H 'Content-Type: application/json' --data "$3" "$API$2"
}
# metric NAME{LABELS}: a counter from /metrics (0 when absent).
metric() {
    curl -sS "$API/metrics" |
        awk -v k="$1" 'index($0, k " ") == 1 { v = $2 } END { print v + 0 }'
}
# csv FILE LINE...: a SIPp -inf file, calls taken in order.
csv() {
    local f=$1
    shift
    { echo SEQUENTIAL; printf '%s\n' "$@"; } >"$f"
}
# pbx_invites CALLER: the INVITEs for CALLER as the PBX received them
# (From and X-Callsift lines), from its -trace_msg log.
pbx_invites() {
    awk -v who="sip:$1@" '
        { sub(/\r$/, "") }
        /^INVITE sip:/ { inv = 1; from = ""; xc = ""; next }
        inv && /^From:/ { from = $0 }
        inv && /^X-Callsift:/ { xc = $0 }
        inv && /^$/ {
            if (index(from, who)) print from " | " xc
            inv = 0
        }' "$W/pbx/"*_messages.log 2>/dev/null
}

# ---- 1: the seed's number, before and after three reports --------------
# To a US number the toll-free caller ID is not itself impossible, so
# what blocks it is the reports.
SEED=+18776430291
csv "$W/seed.csv" "$SEED;$US_CALLEE;Support;127.0.0.1;" \
    "$SEED;$US_CALLEE;Support;127.0.0.1;"
run_uac seed-before "$SIP" "$W/seed.csv" "$UAC" 2 10
is "seed number to a US callee, no reports yet: 2 calls relayed" \
    "$(counts seed-before)" "608=0 603=0 486=0 433=0 487=0 200=2 failed=0"

codes=""
for r in reporter-a reporter-b reporter-c; do
    codes="$codes $(api POST /v1/reports \
        "{\"number\":\"$SEED\",\"category\":\"scam\",\"reporter\":\"$r\"}")"
done
is "three distinct reporters report it (POST /v1/reports)" "$codes" \
    " 201 201 201"
csv "$W/seed.csv" "$SEED;$US_CALLEE;Support;127.0.0.1;" \
    "$SEED;$US_CALLEE;Support;127.0.0.1;" "$SEED;$US_CALLEE;Support;127.0.0.1;"
run_uac seed-after "$SIP" "$W/seed.csv" "$UAC" 3 10
is "after three reports: 3 calls get 608, none reaches the PBX" \
    "$(counts seed-after)" "608=3 603=0 486=0 433=0 487=0 200=0 failed=0"
nrep=$(grep -c "callsift: block .*REP_REPORTED.*from=$SEED " "$W/kam.log")
is "Kamailio logged the block with REP_REPORTED for each" "$nrep" 3

# ---- 2: a domestic mobile ---------------------------------------------
# Three callees: callsift serve logs every check, and three calls to one
# callee within a day are CALL_REPEAT (a label), which is not this case.
csv "$W/mobile.csv" "+819012345678;+819087654321;Tanaka;127.0.0.1;" \
    "+819012345678;+819087654322;Tanaka;127.0.0.1;" \
    "+819012345678;+819087654323;Tanaka;127.0.0.1;"
run_uac mobile "$SIP" "$W/mobile.csv" "$UAC" 3 10
is "domestic mobile +819012345678 -> 3 callees: 3 calls get 200" \
    "$(counts mobile)" "608=0 603=0 486=0 433=0 487=0 200=3 failed=0"

# ---- 3: a withheld caller (default: relayed with the label header) ------
csv "$W/anon.csv" "anonymous;+819087654321;Anonymous;anonymous.invalid;"
run_uac anon "$SIP" "$W/anon.csv" "$UAC" 2 10
is "withheld caller: 2 calls relayed (200)" \
    "$(counts anon)" "608=0 603=0 486=0 433=0 487=0 200=2 failed=0"

# ---- 4: the callee's own block list ------------------------------------
BLOCKED=+815012345678
code=$(api POST /v1/lists "{\"kind\":\"block\",\"value\":\"$BLOCKED\",\"callee\":\"+819087654321\"}")
is "callee +819087654321 blocks $BLOCKED (POST /v1/lists)" "$code" 201
csv "$W/blocked.csv" "$BLOCKED;+819087654321;Yamada;127.0.0.1;"
run_uac blocked "$SIP" "$W/blocked.csv" "$UAC" 2 10
is "caller on the callee's block list: 2 calls get 608" \
    "$(counts blocked)" "608=2 603=0 486=0 433=0 487=0 200=0 failed=0"
csv "$W/blocked2.csv" "$BLOCKED;+819011112222;Yamada;127.0.0.1;"
run_uac blocked-other "$SIP" "$W/blocked2.csv" "$UAC" 1 10
is "the same caller to another callee is relayed (the list is per callee)" \
    "$(counts blocked-other)" "608=0 603=0 486=0 433=0 487=0 200=1 failed=0"
nlist=$(grep -c "callsift: block .*LIST_BLOCK.*from=$BLOCKED " "$W/kam.log")
is "Kamailio logged LIST_BLOCK for both blocked calls" "$nlist" 2

# ---- warn: the display-name prefix -------------------------------------
WARNED=+8150123456789 # an 050 number too long to exist: NUMBER_INVALID
csv "$W/warn.csv" "$WARNED;+819087654321;Sato;127.0.0.1;"
run_uac warn "$SIP" "$W/warn.csv" "$UAC" 1 10
is "warn: the call is relayed (200)" \
    "$(counts warn)" "608=0 603=0 486=0 433=0 487=0 200=1 failed=0"

# ---- 5-7: STIR/SHAKEN, tokens signed by secsipidx ----------------------
if [ -n "$stir_why" ]; then
    skip "valid Identity (secsipidx, attest A): 200 and STIR_PASS_A" "$stir_why"
    skip "the same token with a changed payload: STIR_FAILED" "$stir_why"
    skip "a valid token for a different caller: STIR_FAILED" "$stir_why"
else
    hdr=$(sign "$STIR_CALLER" "$US_CALLEE") # fresh: max_age is 60 s
    jws=${hdr%%;*}
    # The passing call goes to a second callee: the server logs every
    # check, and a third call to one callee would add CALL_REPEAT.
    ok_hdr=$(sign "$STIR_CALLER" "$US_CALLEE2")
    ok_jws=${ok_hdr%%;*}
    # Changed payload: attest A -> C in the claims, header and signature
    # kept (RFC 8225 §9: the signature covers header.payload).
    IFS=. read -r h p sig <<<"$jws"
    pad=$(printf '%s' "$p" | tr '_-' '/+')
    while [ $((${#pad} % 4)) -ne 0 ]; do pad="$pad="; done
    p2=$(printf '%s' "$pad" | base64 -d | sed 's/"attest":"A"/"attest":"C"/' |
        base64 -w0 | tr '/+' '_-' | tr -d '=')
    tampered="$h.$p2.$sig"
    other=$(sign +14155550999 "$US_CALLEE")
    other=${other%%;*}

    before=$(metric 'callsift_signals_total{signal="STIR_PASS_A"}')
    csv "$W/stir-ok.csv" "$STIR_CALLER;$US_CALLEE2;Carrier;127.0.0.1;$ok_jws;$X5U;"
    run_uac stir-ok "$SIP" "$W/stir-ok.csv" "$UAC_ID" 1 10
    after=$(metric 'callsift_signals_total{signal="STIR_PASS_A"}')
    is "valid Identity (secsipidx, attest A): 200 and STIR_PASS_A" \
        "$(counts stir-ok) STIR_PASS_A+$((after - before))" \
        "608=0 603=0 486=0 433=0 487=0 200=1 failed=0 STIR_PASS_A+1"

    before=$(metric 'callsift_signals_total{signal="STIR_FAILED"}')
    csv "$W/stir-bad.csv" "$STIR_CALLER;$US_CALLEE;Carrier;127.0.0.1;$tampered;$X5U;"
    run_uac stir-tampered "$SIP" "$W/stir-bad.csv" "$UAC_ID" 1 10
    after=$(metric 'callsift_signals_total{signal="STIR_FAILED"}')
    is "the same token with a changed payload: STIR_FAILED" \
        "STIR_FAILED+$((after - before)) failed=$(count_of stir-tampered failed)" \
        "STIR_FAILED+1 failed=0"

    before=$after
    csv "$W/stir-other.csv" "$STIR_CALLER;$US_CALLEE;Carrier;127.0.0.1;$other;$X5U;"
    run_uac stir-other "$SIP" "$W/stir-other.csv" "$UAC_ID" 1 10
    after=$(metric 'callsift_signals_total{signal="STIR_FAILED"}')
    is "a valid token for a different caller: STIR_FAILED" \
        "STIR_FAILED+$((after - before)) failed=$(count_of stir-other failed)" \
        "STIR_FAILED+1 failed=0"
fi

# ---- a second proxy configured otherwise: 603, appeal, 433 ------------
# -A REJECT_WITHHELD, REJECT_CODE 603 and an RFC 8688 appeal jCard URL.
start_kamailio kam2 "$SIP2" "$PBX" "$HTTP" -A REJECT_WITHHELD -A WITH_APPEAL \
    --substdef='!REJECT_CODE!603!g' --substdef='!REJECT_REASON!Decline!g' \
    --substdef='!APPEAL_URL!https://pbx.example.net/appeal.jws!g'
ok "second Kamailio (603, appeal URL, withheld rejected) is up" $?
csv "$W/seed3.csv" "$SEED;$US_CALLEE;Support;127.0.0.1;"
run_uac seed-603 "$SIP2" "$W/seed3.csv" "$UAC" 1 10 -trace_msg
is "REJECT_CODE 603: the reported number gets 603" \
    "$(counts seed-603)" "608=0 603=1 486=0 433=0 487=0 200=0 failed=0"
grep -q '^Call-Info: <https://pbx.example.net/appeal.jws>;purpose=jwscard' \
    "$W/seed-603/"*_messages.log 2>/dev/null
ok "the 603 carries Call-Info <appeal>;purpose=jwscard (RFC 8688)" $?
csv "$W/anon2.csv" "anonymous;+819087654321;Anonymous;anonymous.invalid;"
run_uac anon-433 "$SIP2" "$W/anon2.csv" "$UAC" 1 10
is "REJECT_WITHHELD: a withheld caller gets 433 Anonymity Disallowed" \
    "$(counts anon-433)" "608=0 603=0 486=0 433=1 487=0 200=0 failed=0"
stop_pid "$kam_pid" INT

# ---- fail-open: callsift stalled, then killed mid-run ------------------
# This proxy runs with CALLSIFT_HOLDOFF 2: after a failure it relays
# without asking for 2 s.
kill -STOP "$callsift_pid"
csv "$W/stall.csv" "+819012345678;+819087654321;Tanaka;127.0.0.1;"
t0=$(date +%s%N)
run_uac stalled "$SIP" "$W/stall.csv" "$UAC" 2 10
t1=$(date +%s%N)
kill -CONT "$callsift_pid"
is "callsift stalled (SIGSTOP): 2 calls relayed after the budget (200)" \
    "$(counts stalled)" "608=0 603=0 486=0 433=0 487=0 200=2 failed=0"
ms=$(((t1 - t0) / 1000000))
[ "$ms" -ge 900 ] && [ "$ms" -lt 5000 ]
ok "stalled: the calls waited for the 1 s budget ($ms ms for 2 calls)" $?
n28=$(grep -c 'callsift: fail-open: code=28 ' "$W/kam.log")
is "Kamailio logged a timeout (curl 28) for each stalled call" "$n28" 2
sleep 2.5 # the hold-off ends

# Steady 40 calls/s for 300 calls (7.5 s); callsift is killed after 3 s.
# Every call must still complete with 200, screened or not.
MIXED=()
for i in $(seq 10 59); do
    MIXED+=("+8190123456$i;+81908765$((4300 + i));Caller $i;127.0.0.1;")
done
csv "$W/steady.csv" "${MIXED[@]}"
checks0=$(metric 'callsift_requests_total{endpoint="calls_check",status="200"}')
run_uac steady "$SIP" "$W/steady.csv" "$UAC" 300 40 &
uac_job=$!
sleep 3
checks1=$(metric 'callsift_requests_total{endpoint="calls_check",status="200"}')
{   # (the shell's "Killed" notice for callsift is not TAP)
    stop_pid "$callsift_pid" KILL
    wait "$uac_job"
} 2>/dev/null
is "callsift killed mid-run: all 300 calls complete with 200" \
    "$(counts steady)" "608=0 603=0 486=0 433=0 487=0 200=300 failed=0"
screened=$((checks1 - checks0))
[ "$screened" -ge 60 ] && [ "$screened" -lt 300 ]
ok "the first 3 s were screened ($screened checks)" $?
n7=$(grep -c 'callsift: fail-open: code=7 ' "$W/kam.log")
[ "$n7" -ge 1 ] && [ "$n7" -le 10 ]
ok "then refused (curl 7), asked again only after each hold-off ($n7 tries)" $?

# ---- what the PBX received ---------------------------------------------
stop_pid "$uas_pid" INT
got=$(pbx_invites +819012345678 | grep -c 'X-Callsift')
is "allow: no X-Callsift header reached the PBX for the mobile" "$got" 0
got=$(pbx_invites anonymous | grep -c 'X-Callsift: action=label; score=[0-9.]*; reason="[^"]*NUMBER_WITHHELD')
is "withheld: the PBX got X-Callsift action=label with NUMBER_WITHHELD" "$got" 2
got=$(pbx_invites "$WARNED" | grep -c '^From: "\[詐欺の疑い\] Sato" .*X-Callsift: action=warn; score=[0-9.]*; reason="[^"]*NUMBER_INVALID')
is "warn: the PBX got From \"[詐欺の疑い] Sato\" and X-Callsift action=warn" "$got" 1
if [ -z "$stir_why" ]; then
    got=$(pbx_invites "$STIR_CALLER" | grep -c 'X-Callsift: action=[a-z]*; score=[0-9.]*; reason="[^"]*STIR_FAILED')
    is "the two STIR_FAILED calls reached the PBX marked STIR_FAILED" "$got" 2
else
    skip "the two STIR_FAILED calls reached the PBX marked STIR_FAILED" "$stir_why"
fi
got=$(pbx_invites "$SEED" | wc -l)
is "the PBX got the seed number's 2 calls before the reports, none after" "$got" 2

echo "1..$n"
