#!/bin/bash
# tests/web/web.sh - the page in headless Debian chromium (issue 5 §5):
# starts `callsift serve` on 127.0.0.1 with a fresh SQLite store and a
# token, installs playwright-core into tests/web/node_modules when it is
# missing (tests/web/setup), runs web.test.js. TAP output; screenshots in
# tests/artifacts/. Skipped (not failed) without chromium or node.
set -u
cd "$(dirname "$0")/../.." || exit 2
bin=${CALLSIFT_BIN:-build/callsift}
tmp=$(mktemp -d)
export CALLSIFT_CACHE=$tmp/cache
trap 'server_stop; rm -rf "$tmp"' EXIT
. tests/api/lib.sh

if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ] || ! command -v node >/dev/null; then
    echo "1..0 # SKIP chromium or node missing (scripts/install-deps browser)"
    exit 0
fi
tests/web/setup >/dev/null || { echo "not ok 1 - npm ci in tests/web"; exit 1; }

token=$("$bin" token new --db "$tmp/callsift.db" 2>/dev/null)
# One campaign: the same SMS from four numbers, checked and recorded by
# the command before the server starts (the server loads it).
sms='【NTTファイナンス】ご利用料金のお支払い確認が取れておりません。本日中に下記よりお手続きください。https://ntt-finance.example.top/pay'
for f in 080-1111-2222 080-3333-4444 070-5555-6666 090-7777-8888; do
    printf '{"kind":"sms","from":"%s","to":"090-1234-5678","text":"%s"}\n' "$f" "$sms"
done | "$bin" check --db "$tmp/callsift.db" --batch >/dev/null
server_start || { echo "not ok 1 - server started"; exit 1; }
# Some traffic so the statistics page has something to draw.
seed='NTTファイナンスより重要なお知らせがございます。オペレーターへお繋ぎいたしますので、ダイヤル1番を押してください。'
for from in "+1(877)643-0291" "+44 20 7946 0321" "090-8765-4321" "非通知"; do
    curl -s -o /dev/null -H 'Content-Type: application/json' \
        -d "{\"from\":\"$from\",\"to\":\"090-1234-5678\",\"text\":\"$seed\"}" \
        "$BASE/v1/calls/check"
done
curl -s -o /dev/null -H 'Content-Type: application/json' \
    -d '{"from":"090-8765-4321","text":"お母さんだよ。夕飯どうする？"}' "$BASE/v1/calls/check"
for r in alice bob carol; do
    curl -s -o /dev/null -H "Authorization: Bearer $token" \
        -d "{\"number\":\"+1(877)643-0291\",\"category\":\"scam\",\"reporter\":\"$r\",\"comment\":\"NTTファイナンスを名乗る自動音声\"}" \
        "$BASE/v1/reports"
done

BASE=$BASE TOKEN=$token ARTIFACTS=tests/artifacts node tests/web/web.test.js
rc=$?
server_stop
if [ "$SERVER_RC" != 0 ]; then
    echo "not ok - server exited $SERVER_RC after SIGTERM"
    sed 's/^/# /' "$tmp/server.log" | tail -20
    rc=1
fi
exit $rc
