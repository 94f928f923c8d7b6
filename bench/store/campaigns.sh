#!/bin/bash
# bench/store/campaigns.sh - logging messages that join a campaign, with
# no campaigns in the store and with CAMPAIGNS (default 100,000) already
# there (issue 4: a carrier's store holds many campaigns, and a scam wave
# sends one message from rotating numbers). Each event is one message from
# one of 50 numbers: the campaign forms at the third number, then every
# event joins it, so `callsift check --batch --db` reads the campaign and
# counts its numbers once per event. Those reads go by index; the ratio
# big/empty says whether they still cost a walk of every campaign.
#
# The store's start (opening it, building the index) is left out: the
# events go through a FIFO, and the clock starts when the first event's
# verdict is out (the start's time varies by more than the batch's).
#
#   bench/store/campaigns.sh BIN [CAMPAIGNS] [EVENTS]   (make bench-store)
set -eu
bin=${1:-build/callsift}
n_camp=${2:-100000}
n_ev=${3:-2000}
out=${OUT:-build/bench/store}
mkdir -p "$out"
rm -f "$out"/camp-*.db "$out"/camp-*.db-*

now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"%.6g\", ($*) }"; }

# The events: the seed's voicemail from 50 rotating US toll-free numbers.
text='NTTファイナンスより重要なお知らせがございます。オペレーターへお繋ぎいたしますので、ダイヤル1番を押してください。'
awk -v n="$n_ev" -v t="$text" 'BEGIN {
    for (i = 0; i < n; i++)
        printf "{\"kind\":\"call\",\"from\":\"+1877643%04d\",\"to\":\"09012345678\",\"time\":%d,\"text\":\"%s\"}\n",
            i % 50, 1764100000 + i, t
}' >"$out/camp-events"

"$bin" check --batch --db "$out/camp-empty.db" </dev/null >/dev/null
cp "$out/camp-empty.db" "$out/camp-big.db"
sqlite3 "$out/camp-big.db" <<EOF
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $n_camp)
INSERT INTO campaigns (id, fingerprint, sample, first_seen, last_seen,
                       n_events, n_numbers)
SELECT i, (i * 2654435761) % 9223372036854775807,
       'campaign ' || i || ': お客様のアカウントが停止されました http://e' || i || '.xyz',
       1764000000, 1764000000, 3, 3 FROM n;
INSERT INTO campaign_numbers (campaign, key, time)
SELECT c.id, '+1555' || printf('%07d', c.id * 3 + k.k), 1764000000
FROM campaigns AS c, (SELECT 0 AS k UNION ALL SELECT 1 UNION ALL SELECT 2) AS k;
COMMIT;
EOF

echo "callsift check --batch --db: $n_ev messages joining one campaign (start taken out)"
declare -A rate
# One run: events/s after the first verdict; sets start_s and rate_s.
run() {
    local db=$1 fifo=$out/camp-fifo res=$out/camp-out t0 t1 t2
    rm -f "$fifo" "$res"
    mkfifo "$fifo"
    t0=$(now)
    "$bin" check --batch --db "$db" <"$fifo" >"$res" &
    exec 3>"$fifo"
    head -n 1 "$out/camp-events" >&3
    while [ ! -s "$res" ]; do sleep 0.005; done
    t1=$(now)
    tail -n +2 "$out/camp-events" >&3
    exec 3>&-
    wait
    t2=$(now)
    start_s=$(calc "$t1 - $t0")
    rate_s=$(calc "($n_ev - 1) / ($t2 - $t1)")
    rm -f "$fifo" "$res"
}

declare -A rate
for s in empty big; do
    cp "$out/camp-$s.db" "$out/camp-run.db"
    rm -f "$out"/camp-run.db-*
    run "$out/camp-run.db"
    rate[$s]=$rate_s
    have=$([ "$s" = empty ] && echo 0 || echo "$n_camp")
    printf '  %-32s %9.0f events/s  (start %.2f s)\n' \
        "$have campaigns in the store" "$rate_s" "$start_s"
done
printf '  ratio with/without: %.2f (1.0: the campaigns already kept cost nothing)\n' \
    "$(calc "${rate[big]} / ${rate[empty]}")"
rm -f "$out"/camp-*.db "$out"/camp-*.db-*
