#!/bin/bash
# tests/cli/number.sh - `callsift number` from the outside: the text a
# person reads, the JSON, the TSV batch, and exit codes. TAP output.
set -u
cd "$(dirname "$0")/../.." || exit 2
bin=${CALLSIFT_BIN:-build/asan/callsift}
n=0 bad=0

check() { # check NAME CONDITION-EXIT-STATUS
    n=$((n + 1))
    if [ "$2" -eq 0 ]; then echo "ok $n - $1"; else
        echo "not ok $n - $1"; bad=$((bad + 1)); fi
}

out=$($bin number --to 090-1234-5678 "+1(877)643-0291")
check "seed number: exit 0" $?
echo "$out" | grep -q "US/Canada toll-free number"
check "seed number: says US/Canada toll-free" $?
echo "$out" | grep -q "E.164 +18776430291"
check "seed number: E.164 shown" $?
echo "$out" | grep -q "almost certainly spoofed"
check "seed number: foreign toll-free is called spoofed" $?

out=$($bin number --lang ja --to 090-1234-5678 "+1(877)643-0291")
echo "$out" | grep -q "アメリカ・カナダのフリーダイヤル番号"
check "seed number in Japanese" $?
echo "$out" | grep -q "国際電話"
check "international call in Japanese" $?

out=$($bin number --json "050-1234-5678")
echo "$out" | grep -q '"type":"voip"' &&
    echo "$out" | grep -q '"e164":"+815012345678"' &&
    echo "$out" | grep -q '"valid":true'
check "json: 050 is a valid JP voip" $?

out=$($bin number --json "非通知")
echo "$out" | grep -q '"status":"withheld"' &&
    echo "$out" | grep -q '"e164":null'
check "json: 非通知 is withheld, no number" $?

out=$($bin number --lang ja "+1 808 555 0123" --region JP)
echo "$out" | grep -q "Hawaii"
check "ja geography falls back to English Hawaii" $?

out=$(printf '+1(877)643-0291\n非通知\n\n03-1234-5678\n+\n' |
    $bin number --region JP)
rc=$?
[ "$(echo "$out" | wc -l)" -eq 5 ]
check "batch: one line per input" $?
[ $rc -eq 1 ]
check "batch: malformed line makes exit 1" $?
echo "$out" | sed -n 1p | grep -qP '^\+1\(877\)643-0291\tok\t\+18776430291\tUS\ttoll_free\t1\t'
check "batch: seed line columns" $?
echo "$out" | sed -n 2p | grep -qP '^非通知\twithheld\t\t\t\t0\t$'
check "batch: withheld line" $?
echo "$out" | sed -n 3p | grep -qP '^\tempty\t'
check "batch: empty line keeps its place" $?
echo "$out" | sed -n 4p | grep -qP '\+81312345678\tJP\tfixed_line\t1\t'
check "batch: Tokyo landline" $?

$bin number --region XX 123 >/dev/null 2>&1
[ $? -eq 2 ]
check "unknown region is a usage error" $?
$bin number --bogus >/dev/null 2>&1
[ $? -eq 2 ]
check "unknown option is a usage error" $?
err=$($bin number "$(printf 'x%.0s' {1..300})" 2>&1)
[ $? -eq 1 ] && echo "$err" | grep -qi "byte"
check "oversized input: exit 1 and names the place" $?
$bin number --help | grep -q "usage: callsift number"
check "--help prints usage" $?

echo "1..$n"
