#!/bin/bash
# tests/cli/check.sh - `callsift check` from the outside: the verdict a
# person reads, the JSON keys, the batch (order, echo, per-line errors)
# and exit codes. TAP output.
set -u
cd "$(dirname "$0")/../.." || exit 2
bin=${CALLSIFT_BIN:-build/asan/callsift}
export CALLSIFT_CACHE=${TMPDIR:-/tmp}/callsift-test-cache-$$
trap 'rm -rf "$CALLSIFT_CACHE" "$tmp"' EXIT
tmp=$(mktemp -d)
n=0

check() {
    n=$((n + 1))
    if [ "$2" -eq 0 ]; then echo "ok $n - $1"; else echo "not ok $n - $1"; fi
}

seed='NTTファイナンスより重要なお知らせがございます。オペレーターへお繋ぎいたしますので、ダイヤル1番を押してください。'

out=$($bin check --lang en --from "+1(877)643-0291" --to 090-1234-5678 \
    --text "$seed$seed$seed")
check "seed call: exit 0" $?
echo "$out" | head -1 | grep -q "^Likely scam — 詐欺の可能性が高い (block"
check "seed call: verdict line says Likely scam / block" $?
echo "$out" | grep -q "NUMBER_FOREIGN_TOLL_FREE" &&
    echo "$out" | grep -q "TEXT_PRESS_DIGIT" &&
    echo "$out" | grep -q "TEXT_REPEATED"
check "seed call: signals listed" $?
echo "$out" | grep -q "Do not press any key"
check "seed call: advice says do not press" $?
echo "$out" | grep -q "Claims to be: NTT Finance"
check "seed call: names the organisation" $?

out=$($bin check --lang ja --from "+1(877)643-0291" --to 090-1234-5678 \
    --text "$seed")
echo "$out" | grep -q "番号ボタンは押さないでください"
check "seed call in Japanese: advice in Japanese" $?

out=$($bin check --json --from "+1(877)643-0291" --to 090-1234-5678)
for key in action score signals advice org number; do
    echo "$out" | grep -q "\"$key\":" || { false; break; }
done
check "json: top-level keys present" $?
echo "$out" | grep -q '"action":"\(label\|warn\|block\)"'
check "json: the seed number alone is at least label" $?

out=$($bin check --json --from 090-8765-4321 --to 090-1234-5678 \
    --text "お母さんだよ。夕飯どうする？")
echo "$out" | grep -q '"action":"allow"'
check "json: mother calling is allowed" $?

printf '%s\n' \
    '{"id":"a","from":"+1(877)643-0291","to":"090-1234-5678","text":"'"$seed"'"}' \
    '{"id":"b","from":12}' \
    '' \
    '{"id":"c","kind":"sms","from":"Amazon","text":"ご注文の商品を発送しました。","extra":[1]}' \
    >"$tmp/in.jsonl"
$bin check --batch <"$tmp/in.jsonl" >"$tmp/out.jsonl"
rc=$?
[ $rc -eq 1 ]
check "batch: a bad line makes exit 1" $?
[ "$(wc -l <"$tmp/out.jsonl")" -eq 3 ]
check "batch: one line per event, blank lines skipped" $?
sed -n 1p "$tmp/out.jsonl" | grep -q '^{"id":"a","action":"block"'
check "batch: first line echoes id and blocks" $?
sed -n 2p "$tmp/out.jsonl" |
    grep -q '^{"id":"b","error":{"code":"EPARSE","message":"from must be a string","where":"line 2: $.from"}}$'
check "batch: error line names line and field" $?
sed -n 3p "$tmp/out.jsonl" | grep -q '^{"id":"c","extra":\[1\],"action":"allow"'
check "batch: unknown fields echoed, order kept" $?

# A line over the limit (1 MiB) is answered with an error and skipped
# whole; the lines around it are checked.
{
    echo '{"id":"before","from":"090-1111-2222"}'
    printf '{"id":"huge","from":"090-1111-2222","text":"'
    head -c 1500000 /dev/zero | tr '\0' a
    echo '"}'
    echo '{"id":"after","from":"090-1111-2222"}'
} >"$tmp/long.jsonl"
$bin check --batch <"$tmp/long.jsonl" >"$tmp/long.out"
rc=$?
[ $rc -eq 1 ] && [ "$(wc -l <"$tmp/long.out")" -eq 3 ] &&
    sed -n 1p "$tmp/long.out" | grep -q '^{"id":"before","action"' &&
    sed -n 2p "$tmp/long.out" |
    grep -q '"code":"ETOOBIG","message":"the line is 15000[0-9]* bytes; the limit is 1048576","where":"line 2: \$"' &&
    sed -n 3p "$tmp/long.out" | grep -q '^{"id":"after","action"'
check "batch: a line over 1 MiB is refused and skipped, its neighbours checked" $?

# ---- the batch with a store: events logged in groups ----------------------
# 3,000 events: every verdict line in order, every event in the store.
grep '^{' tests/data/cases.jsonl | sed 's/"id": *"[^"]*", *//' >"$tmp/cases.jsonl"
i=0
while [ $i -lt 3000 ]; do
    while IFS= read -r line && [ $i -lt 3000 ]; do
        printf '{"id":%d,%s\n' "$i" "${line#\{}"
        i=$((i + 1))
    done <"$tmp/cases.jsonl"
done >"$tmp/many.jsonl"
$bin check --batch --db "$tmp/batch.db" <"$tmp/many.jsonl" >"$tmp/many.out"
rc=$?
ids=$(grep -o '^{"id":[0-9]*' "$tmp/many.out" | cut -d: -f2 | tr '\n' ' ')
[ $rc -eq 0 ] && [ "$ids" = "$(seq 0 2999 | tr '\n' ' ')" ] &&
    $bin db check --db "$tmp/batch.db" | grep -q '^  calls      3000$'
check "batch --db: 3000 verdicts in order, 3000 calls logged" $?

# Within one group (all the input ready at once) each event is in the
# index before the next is checked, while the store is written by the
# writer thread: the third call of one caller to one callee has
# CALL_REPEAT, the fourth number sending one message has CAMPAIGN, the
# same every run, and the store has the campaign afterwards.
msg='お荷物のお届けにあがりましたが宛先不明の為持ち帰りました。下記よりご確認ください http://example-delivery.top/abc'
{
    for k in 1 2 3; do
        echo "{\"id\":\"r$k\",\"from\":\"090-3333-5555\",\"to\":\"090-1234-5678\"}"
    done
    for k in 1 2 3 4; do
        echo "{\"id\":\"m$k\",\"kind\":\"sms\",\"from\":\"090-1111-000$k\",\"to\":\"090-1234-5678\",\"text\":\"$msg\"}"
    done
} >"$tmp/index.jsonl"
for run in 1 2; do
    $bin check --batch --db "$tmp/index$run.db" <"$tmp/index.jsonl" \
        >"$tmp/index$run.out"
done
line() { grep "^{\"id\":\"$1\"" "$tmp/index1.out"; }
cmp -s "$tmp/index1.out" "$tmp/index2.out" &&
    line r3 | grep -q '"CALL_REPEAT"' && ! line r2 | grep -q '"CALL_REPEAT"' &&
    line m4 | grep -q '"CAMPAIGN"' && ! line m3 | grep -q '"CAMPAIGN"' &&
    $bin campaigns --json --db "$tmp/index1.db" | grep -q '"n_numbers":4'
check "batch --db: each event in the index before the next check (CALL_REPEAT, CAMPAIGN), the store has the campaign" $?

# A call the store refuses (a trigger here; a full disk in life): the
# writer thread says so on stderr and the batch exits 3, every verdict is
# still printed, and the group's other events are logged.
$bin check --batch --db "$tmp/refuse.db" </dev/null
sqlite3 "$tmp/refuse.db" "CREATE TRIGGER refuse BEFORE INSERT ON calls
    WHEN NEW.from_key = '+819033335555' BEGIN SELECT RAISE(ABORT, 'refused'); END;"
$bin check --batch --db "$tmp/refuse.db" <"$tmp/index.jsonl" \
    >"$tmp/refuse.out" 2>"$tmp/refuse.err"
rc=$?
[ $rc -eq 3 ] && [ "$(wc -l <"$tmp/refuse.out")" -eq 7 ] &&
    [ "$(grep -c 'logging the call: .*refused' "$tmp/refuse.err")" -eq 3 ] &&
    $bin db check --db "$tmp/refuse.db" | grep -q '^  calls      4$'
check "batch --db: calls the store refuses are exit 3, named on stderr; the rest logged" $?

# One event at a time: each verdict comes while the input stays open (a
# group closes when no more input is ready, it does not wait for more).
coproc CS { $bin check --batch --db "$tmp/batch.db"; }
got=0
for k in 1 2 3; do
    echo "{\"id\":\"i$k\",\"from\":\"090-3333-4444\",\"to\":\"090-1234-5678\"}" >&"${CS[1]}"
    IFS= read -r -t 20 reply <&"${CS[0]}" &&
        case "$reply" in "{\"id\":\"i$k\",\"action\":"*) got=$((got + 1)) ;; esac
done
exec {CS[1]}>&-
wait "$CS_PID"
rc=$?
[ $got -eq 3 ] && [ $rc -eq 0 ] &&
    $bin db check --db "$tmp/batch.db" | grep -q '^  calls      3003$'
check "batch --db: one event at a time is answered at once, and logged" $?

# A reader that stops after 1,500 verdicts: the batch dies (SIGPIPE)
# while it prints a group. Its lines are printed after its transaction
# commits, so every verdict read is of an event in the store (printing
# first would leave this group's events out, every time: 1,024 < 1,500).
$bin check --batch --db "$tmp/pipe.db" <"$tmp/many.jsonl" 2>/dev/null |
    head -n 1500 >"$tmp/pipe.out"
logged=$($bin db check --db "$tmp/pipe.db" | sed -n 's/^  calls *//p')
[ "$(wc -l <"$tmp/pipe.out")" -eq 1500 ] && [ "${logged:-0}" -ge 1500 ]
check "batch --db cut off by its reader after 1500 verdicts: all logged (${logged:-?})" $?

# kill -9 in the middle: every verdict printed is of an event in the store
# (a group's lines are printed after its transaction commits).
for _ in $(seq 1 20); do cat "$tmp/many.jsonl"; done >"$tmp/more.jsonl"
$bin check --batch --db "$tmp/kill.db" <"$tmp/more.jsonl" >"$tmp/kill.out" &
pid=$!
for _ in $(seq 1 600); do
    [ "$(wc -l <"$tmp/kill.out")" -ge 2000 ] && break
    sleep 0.05
done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
printed=$(wc -l <"$tmp/kill.out")
logged=$($bin db check --db "$tmp/kill.db" | sed -n 's/^  calls *//p')
[ "$printed" -ge 2000 ] && [ "$printed" -lt 60000 ] &&
    [ "${logged:-0}" -ge "$printed" ] &&
    $bin db check --db "$tmp/kill.db" | grep -q ': ok$'
check "batch --db killed (-9) after $printed verdicts: all of them logged (${logged:-?})" $?

head -c 70000 /dev/zero | tr '\0' a >"$tmp/big.txt"
err=$($bin check --from 090-1111-2222 --text-file "$tmp/big.txt" 2>&1)
[ $? -eq 1 ] && echo "$err" | grep -q "limit"
check "text over the limit: exit 1 with a clear error" $?

mkdir -p "$tmp/data"
cp -r data/* "$tmp/data/"
printf 'TEXT_NOPE\t1.0\t"x"\tnote\n' >>"$tmp/data/rules/ja.rules"
err=$($bin check --data "$tmp/data" --from 090 2>&1)
[ $? -eq 3 ] && echo "$err" | grep -q "ja.rules:[0-9]*" &&
    echo "$err" | grep -q "TEXT_NOPE"
check "a rule for a signal without reasons stops the load at file:line" $?

$bin check >/dev/null 2>&1
[ $? -eq 2 ]
check "no --from is a usage error" $?
$bin check --help | grep -q "usage: callsift check"
check "--help prints usage" $?

missing=""
while IFS=$'\t' read -r name _; do
    case "$name" in '#'* | '') continue ;; esac
    [ -f "docs/signals/$name.md" ] || missing="$missing $name"
done <data/signals.tsv
[ -z "$missing" ]
check "every signal has its page in docs/signals/${missing:+ (missing:$missing)}" $?

echo "1..$n"
