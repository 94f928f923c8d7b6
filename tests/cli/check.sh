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
