#!/bin/bash
# tests/cli/store.sh - the store commands from the outside, on a real
# SQLite file in a temporary folder: report, block/allow, lookup, export,
# campaigns, prune, db check, `check --db`; the FTC import twice; kill -9
# during a large import (every acknowledged row survives, the file is
# sound, a re-run completes it without duplicates); a reader and a writer
# in two processes at once. TAP output.
set -u
cd "$(dirname "$0")/../.." || exit 2
bin=${CALLSIFT_BIN:-build/asan/callsift}
export CALLSIFT_CACHE=${TMPDIR:-/tmp}/callsift-test-cache-$$
export CALLSIFT_DATA=$PWD/data
unset CALLSIFT_DB
tmp=$(mktemp -d)
bg=""
trap '[ -n "$bg" ] && kill -9 $bg 2>/dev/null; rm -rf "$CALLSIFT_CACHE" "$tmp"' EXIT
db=$tmp/var/test.db
n=0

check() {
    n=$((n + 1))
    if [ "$2" -eq 0 ]; then echo "ok $n - $1"; else echo "not ok $n - $1"; fi
}
sql() { sqlite3 -cmd '.timeout 5000' "$1" "$2"; }

# ---- report, and check --db -------------------------------------------
for who in alice bob carol; do
    $bin report "+1(877)643-0291" --category scam --reporter "$who" \
        --comment "press 1 said the recording" --db "$db" >/dev/null ||
        break
done
check "report: three reporters, exit 0 (folders made)" $?
out=$($bin check --db "$db" --json --from "+1(877)643-0291" --to 090-1234-5678)
echo "$out" | grep -q '"action":"block"' &&
    echo "$out" | grep -q '"name":"REP_REPORTED"'
check "check --db: the seed number reported by 3 people is blocked" $?
[ "$(sql "$db" 'SELECT count(*) FROM calls')" = 1 ]
check "check --db: the call is logged" $?
for i in 1 2 3 4 5; do
    $bin report 03-1234-5678 --category spam --reporter mallory --db "$db" \
        >/dev/null
done
$bin lookup 03-1234-5678 --db "$db" --json | grep -q '"reporters":1,'
check "lookup: one reporter reporting five times counts once" $?
[ "$(sql "$db" "SELECT count(*) FROM reports WHERE comment LIKE '%press 1%'")" = 3 ]
check "report: comments kept" $?
! grep -q "alice\|mallory" "$db" "$db-wal" 2>/dev/null
check "report: reporter identities are not in the file" $?
big=$(head -c 1025 /dev/zero | tr '\0' x)
err=$($bin report 03-1111-2222 --category scam --comment "$big" --db "$db" 2>&1)
[ $? -eq 1 ] && echo "$err" | grep -q "1024"
check "report: a comment over 1 KiB is refused (exit 1)" $?
$bin report 03-1111-2222 --category nonsense --db "$db" >/dev/null 2>&1
[ $? -eq 2 ]
check "report: an unknown category is a usage error" $?

# ---- block and allow ---------------------------------------------------
out=$($bin block '+44*' --note "UK prefix" --db "$db") &&
    echo "$out" | grep -q "blocked prefix +44\* for everyone"
check "block: a prefix" $?
$bin allow "+44 20 7946 0321" --for 090-1234-5678 --db "$db" >/dev/null &&
    $bin block --type withheld --expires 30d --db "$db" >/dev/null &&
    $bin block --country KZ --db "$db" >/dev/null
check "allow for one callee, block a type with expiry, block a country" $?
out=$($bin check --db "$db" --json --from "+44 20 7946 0321" --to 090-1234-5678)
echo "$out" | grep -q '"action":"allow"'
check "check --db: the callee's allow entry wins over the prefix block" $?
out=$($bin check --db "$db" --json --from "+44 20 7946 0999" --to 090-1234-5678)
echo "$out" | grep -q '"name":"LIST_BLOCK"'
check "check --db: the prefix blocks another number" $?
$bin block --list --db "$db" | grep -q "withheld"
check "block --list shows entries" $?
$bin unblock '+44*' --db "$db" | grep -q "removed block entry" &&
    ! $bin block --list --db "$db" | grep -q "+44"
check "unblock by the same spec" $?
$bin unblock --id 999 --db "$db" >/dev/null 2>&1
[ $? -eq 1 ]
check "unblock: an unknown id is exit 1" $?
$bin block 12 --db "$db" >/dev/null 2>&1
[ $? -eq 1 ]
check "block: something that is no number is exit 1" $?

# ---- lookup, export ----------------------------------------------------
out=$($bin lookup +18776430291 --db "$db")
echo "$out" | grep -q "3 distinct reporters" &&
    echo "$out" | grep -q "Verdict: Likely scam" &&
    echo "$out" | grep -q "press 1"
check "lookup: reporters, recent reports, verdict" $?
out=$($bin lookup +18776430291 --db "$db" --json)
for key in key description reputation reports lists campaigns verdict; do
    echo "$out" | grep -q "\"$key\":" || { false; break; }
done
check "lookup --json: keys present" $?
out=$($bin export --number +18776430291 --db "$db")
[ "$(echo "$out" | head -1)" = "time,event,number,to,what,source,duration,score,reporter,comment" ] &&
    [ "$(echo "$out" | grep -c ',report,')" = 3 ] &&
    [ "$(echo "$out" | grep -c ',call,')" = 1 ]
check "export csv: header, 3 reports and 1 call" $?
$bin export --number +18776430291 --format json --db "$db" |
    grep -q '^{"number":"+18776430291","generated":"[0-9T:Z-]*","events":\[{'
check "export json" $?

# ---- campaigns ---------------------------------------------------------
msg='お荷物のお届けにあがりましたが宛先不明の為持ち帰りました。下記よりご確認ください http://example-delivery.top/abc'
for from in 090-1111-0001 090-1111-0002 090-1111-0003; do
    $bin check --db "$db" --sms --from $from --to 090-1234-5678 \
        --text "$msg" --json >/dev/null || break
done
out=$($bin campaigns --db "$db")
echo "$out" | grep -q "^campaign 1: 3 messages from 3 numbers" &&
    echo "$out" | grep -q "+819011110003"
check "campaigns: one message from 3 numbers forms a campaign" $?
$bin campaigns --json --db "$db" | grep -q '"n_numbers":3'
check "campaigns --json" $?
[ "$($bin export --campaign 1 --db "$db" | grep -c ',joined_campaign,')" = 3 ]
check "export --campaign: the numbers that joined" $?
$bin lookup 090-1111-0002 --json --db "$db" |
    grep -q '"campaigns":\[{"id":1,"n_numbers":3,' &&
    ! $bin lookup 090-1111-0009 --json --db "$db" | grep -q '"campaigns":\[{'
check "lookup: a number's campaign, and none for a number in none" $?

# ---- prune, db check ---------------------------------------------------
sql "$db" "INSERT INTO calls (from_key, time, action, score) VALUES ('+15555550100', 1000, 0, 0)"
$bin prune --db "$db" | grep -q "^pruned 1 calls"
check "prune: the 90-day default drops an old call only" $?
$bin prune --older-than 5x --db "$db" >/dev/null 2>&1
[ $? -eq 2 ]
check "prune: a bad duration is a usage error" $?
out=$($bin db check --db "$db") && echo "$out" | grep -q ": ok"
check "db check: ok" $?

# ---- FTC import, twice -------------------------------------------------
ftc=../shared/data/ftc-dnc-reported-numbers/90days.csv
if [ -f "$ftc" ]; then
    head -2001 "$ftc" >"$tmp/ftc.csv"
    ftc_min=1900
else
    # ../shared/data is absent (a clone without it): a small sample.
    printf 'pattern\r\n4692576503\r\n123\r\n4692576503\r\n' >"$tmp/ftc.csv"
    ftc_min=2
fi
out1=$($bin import "$tmp/ftc.csv" --format ftc-dnc --db "$db" 2>"$tmp/err")
rc=$?
out2=$($bin import "$tmp/ftc.csv" --format ftc-dnc --db "$db")
[ $rc -eq 0 ] && echo "$out1" | grep -q "^imported [1-9][0-9]* new reports, 0 already present" &&
    echo "$out2" | grep -q "^imported 0 new reports, [1-9][0-9]* already present, [0-9]* rows skipped (bad number) in"
check "import ftc-dnc twice: the second adds nothing" $?
[ ! -s "$tmp/err" ]
check "import: no progress bar when stderr is not a terminal" $?
[ "$(sql "$db" "SELECT count(*) FROM reports WHERE source = 'import:ftc' AND category = 3 AND key LIKE '+1%'")" -ge "$ftc_min" ]
check "import ftc-dnc: E.164 keys, category robocall, source import:ftc" $?
printf '{"number":"+819012340000","category":"scam","id":"j1"}\n{"number":12}\nnot json\n' >"$tmp/in.jsonl"
out=$($bin import "$tmp/in.jsonl" --format jsonl --db "$db")
echo "$out" | grep -q "^imported 1 new reports, 0 already present, 1 rows skipped (bad number), 1 rows skipped (bad field)"
check "import jsonl: good and bad rows counted" $?

# ---- kill -9 during a large import --------------------------------------
kdb=$tmp/kill.db
awk 'BEGIN { print "id,number,category,time"
    for (i = 1; i <= 500000; i++)
        printf "%d,+1%03d%07d,robocall,1700000000\n", i, 201 + int(i / 1000000), i }' \
    >"$tmp/big.csv"
$bin import "$tmp/big.csv" --format csv --source kill --batch 10000 \
    --ack-file "$tmp/ack" --db "$kdb" >/dev/null 2>&1 &
bg=$!
for _ in $(seq 1 200); do # until two batches are acknowledged (<= 20 s)
    [ -s "$tmp/ack" ] && [ "$(tail -1 "$tmp/ack")" -ge 20000 ] && break
    sleep 0.05
done
sleep 0.3
kill -9 $bg 2>/dev/null
wait $bg 2>/dev/null
bg=""
acked=$(tail -1 "$tmp/ack" 2>/dev/null || echo 0)
[ "$acked" -ge 20000 ] && [ "$acked" -lt 500000 ]
check "kill -9: the import was killed midway ($acked rows acknowledged)" $?
$bin db check --db "$kdb" >/dev/null
check "kill -9: db check passes" $?
have=$(sql "$kdb" "SELECT count(*) FROM reports WHERE source = 'import:kill' AND CAST(dedupe AS INTEGER) <= $acked")
[ "$have" = "$acked" ]
check "kill -9: every acknowledged row is present ($have of $acked)" $?

# The re-run is the writer while lookups read in another process.
$bin import "$tmp/big.csv" --format csv --source kill --batch 10000 \
    --db "$kdb" >"$tmp/rerun" 2>&1 &
bg=$!
reads=0 read_fail=0
while kill -0 $bg 2>/dev/null; do
    if $bin lookup +12010000001 --db "$kdb" --json >/dev/null 2>"$tmp/lerr"; then
        reads=$((reads + 1))
    else
        read_fail=$((read_fail + 1))
        sed 's/^/# /' "$tmp/lerr"
    fi
done
wait $bg
rc=$?
bg=""
[ $rc -eq 0 ] && [ $reads -ge 1 ] && [ $read_fail -eq 0 ]
check "two processes: $reads lookups while the import wrote, both succeed" $?
grep -q "^imported $((500000 - have)) new reports, $have already present" "$tmp/rerun"
check "kill -9: the re-run completes the rest" $?
[ "$(sql "$kdb" "SELECT count(*), count(DISTINCT dedupe) FROM reports")" = "500000|500000" ]
check "kill -9: 500000 rows, no duplicates" $?
$bin db check --db "$kdb" >/dev/null
check "kill -9: db check passes after the re-run" $?

# ---- docs --------------------------------------------------------------
missing=""
for c in report block lookup import campaigns export prune db; do
    [ -f "docs/cli/$c.md" ] || missing="$missing $c"
done
[ -f docs/store.md ] && [ -z "$missing" ]
check "every store command has its page${missing:+ (missing:$missing)}" $?

echo "1..$n"
