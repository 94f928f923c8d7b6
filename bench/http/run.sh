#!/bin/bash
# bench/http/run.sh BIN SECONDS CONNS SOAK - the HTTP benchmark (issue 5
# §6): wrk against `callsift serve` (POST /v1/calls/check with a
# 150-character transcript, GET /v1/numbers/{n}) and against nginx
# returning a fixed 200 JSON body of the same size from memory on the
# same machine (the ceiling); prints requests/s, p50/p99 and the ratio;
# then a soak at half the peak check rate for SOAK seconds with the
# server's RSS sampled every 10 s.
#
# wrk runs with one thread: on a 2-core machine the server's two threads
# and wrk share the cores, as they would not in production. Figures are
# what this machine gives, not what the design could.
set -u
bin=$1 secs=${2:-10} conns=${3:-32} soak=${4:-600}
here=$(cd "$(dirname "$0")" && pwd)
export BENCH_HTTP_DIR=$here
tmp=$(mktemp -d)
srv_pid= ngx_pid=
cleanup() {
    [ -n "$srv_pid" ] && kill -TERM "$srv_pid" 2>/dev/null && wait "$srv_pid" 2>/dev/null
    [ -n "$ngx_pid" ] && kill -QUIT "$ngx_pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
for t in wrk nginx; do
    command -v "$t" >/dev/null || [ -x "/usr/sbin/$t" ] || {
        echo "bench-http: $t missing (scripts/install-deps bench)" >&2; exit 1; }
done
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
ulimit -n 65536 2>/dev/null || true

free_port() {
    local p
    while :; do
        p=$((20000 + RANDOM % 20000))
        (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
    done
}

# ---- callsift ---------------------------------------------------------
CALLSIFT_CACHE=$tmp/cache "$bin" serve --listen 127.0.0.1:0 --db "$tmp/bench.db" \
    --timeout 30 2>"$tmp/server.log" &
srv_pid=$!
for _ in $(seq 100); do
    port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$tmp/server.log")
    [ -n "$port" ] && break
    sleep 0.1
done
[ -n "$port" ] || { cat "$tmp/server.log"; exit 1; }
cs="http://127.0.0.1:$port"

# ---- nginx: the same answer, from memory ---------------------------------
curl -s -H 'Content-Type: application/json' -o "$tmp/verdict.json" \
    --data-binary '{"from":"+1(877)643-0291","to":"090-1234-5678","text":"NTTファイナンスより重要なお知らせがございます。オペレーターへお繋ぎいたしますので、ダイヤル1番を押してください。本日中にご対応がない場合、法的手続きに移ります。Please call back today at 1-877-643-0291 to avoid suspension."}' \
    "$cs/v1/calls/check"
chmod 755 "$tmp"
chmod 644 "$tmp/verdict.json" # nginx's workers read it as their own user
nport=$(free_port)
mkdir -p "$tmp/nginx"
cat >"$tmp/nginx.conf" <<NGX
worker_processes 2;
daemon off;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log warn;
events { worker_connections 4096; use epoll; multi_accept on; }
http {
    access_log off;
    client_body_temp_path $tmp/nginx;
    proxy_temp_path $tmp/nginx;
    fastcgi_temp_path $tmp/nginx;
    uwsgi_temp_path $tmp/nginx;
    scgi_temp_path $tmp/nginx;
    keepalive_requests 1000000;
    open_file_cache max=16;
    server {
        listen 127.0.0.1:$nport reuseport;
        root $tmp;
        location / {
            default_type application/json;
            rewrite ^ /verdict.json break;
            error_page 405 =200 /verdict.json;
        }
    }
}
NGX
"$nginx_bin" -c "$tmp/nginx.conf" -p "$tmp" 2>"$tmp/nginx.out" &
ngx_pid=$!
sleep 0.5
ng="http://127.0.0.1:$nport"
ncode=$(curl -s -o /dev/null -w '%{http_code}' -X POST --data-binary x "$ng/v1/calls/check")
[ "$ncode" = 200 ] || { echo "nginx did not start ($ncode)"; cat "$tmp/nginx.out" "$tmp/nginx-error.log"; exit 1; }

# run_wrk NAME URL [SCRIPT]: prints "rps p50 p99 errors"
run_wrk() {
    local url=$1 script=${2:-} out
    if [ -n "$script" ]; then
        out=$(wrk -t1 -c"$conns" -d"${secs}s" --latency -s "$script" "$url" 2>&1)
    else
        out=$(wrk -t1 -c"$conns" -d"${secs}s" --latency "$url" 2>&1)
    fi
    printf '%s\n' "$out" >>"$tmp/wrk.log"
    local rps p50 p99 err
    rps=$(printf '%s\n' "$out" | awk '/^Requests\/sec/ {print $2}')
    p50=$(printf '%s\n' "$out" | awk '$1 == "50%" {print $2}')
    p99=$(printf '%s\n' "$out" | awk '$1 == "99%" {print $2}')
    err=$(printf '%s\n' "$out" | awk '/Non-2xx/ {n += $NF} /Socket errors/ {n += 1} END {print n + 0}')
    echo "$rps $p50 $p99 $err"
}

ms() { # wrk's "1.23ms" / "456.00us" / "1.2s" into ms
    awk -v v="$1" 'BEGIN {
        if (v ~ /us$/) { sub(/us$/, "", v); printf "%.3f", v / 1000 }
        else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v }
        else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.3f", v * 1000 }
        else printf "%s", v }'
}

echo "bench-http: callsift $("$bin" --version | cut -d' ' -f2) vs nginx $("$nginx_bin" -v 2>&1 | sed 's|.*/||'), $(nproc) CPUs, wrk -t1 -c$conns -d${secs}s (keep-alive)"
echo "answer size: $(wc -c <"$tmp/verdict.json") bytes (nginx serves the same bytes)"
# warm up
wrk -t1 -c"$conns" -d2s -s "$here/check.lua" "$cs/v1/calls/check" >/dev/null 2>&1

read -r c_rps c_p50 c_p99 c_err < <(run_wrk "$cs/v1/calls/check" "$here/check.lua")
read -r n_rps n_p50 n_p99 n_err < <(run_wrk "$ng/v1/calls/check" "$here/check.lua")
read -r l_rps l_p50 l_p99 l_err < <(run_wrk "$cs/v1/numbers/%2B1(877)643-0291")
read -r g_rps g_p50 g_p99 g_err < <(run_wrk "$ng/v1/numbers/%2B1(877)643-0291")
read -r k_rps k_p50 k_p99 k_err < <(conns=1 run_wrk "$cs/v1/calls/check" "$here/check.lua")

printf '\n%-34s %12s %10s %10s %8s %8s\n' "" "requests/s" "p50 ms" "p99 ms" "errors" "ratio"
printf '%-34s %12.0f %10s %10s %8s %8.2f\n' "callsift POST /v1/calls/check" "$c_rps" "$(ms "$c_p50")" "$(ms "$c_p99")" "$c_err" \
    "$(awk -v a="$c_rps" -v b="$n_rps" 'BEGIN {print a / b}')"
printf '%-34s %12.0f %10s %10s %8s\n' "nginx   POST (fixed body)" "$n_rps" "$(ms "$n_p50")" "$(ms "$n_p99")" "$n_err"
printf '%-34s %12.0f %10s %10s %8s %8.2f\n' "callsift GET /v1/numbers/{n}" "$l_rps" "$(ms "$l_p50")" "$(ms "$l_p99")" "$l_err" \
    "$(awk -v a="$l_rps" -v b="$g_rps" 'BEGIN {print a / b}')"
printf '%-34s %12.0f %10s %10s %8s\n' "nginx   GET (fixed body)" "$g_rps" "$(ms "$g_p50")" "$(ms "$g_p99")" "$g_err"
printf '%-34s %12.0f %10s %10s %8s\n' "callsift check, 1 connection" "$k_rps" "$(ms "$k_p50")" "$(ms "$k_p99")" "$k_err"
echo
echo "targets: >= 50000 checks/s, p99 <= 5 ms, ratio >= 0.5; keep-alive p50 < 1 ms"

[ "$soak" -gt 0 ] || exit 0
# ---- soak at half the peak rate ---------------------------------------
rate=$(awk -v r="$c_rps" 'BEGIN {printf "%d", r / 2}')
pace=10
sconns=$(( (rate * pace + 999) / 1000 ))
[ "$sconns" -lt 1 ] && sconns=1
echo
echo "soak: ${soak}s at about $rate checks/s ($sconns connections, one request per ${pace} ms each); RSS every 10 s:"
PACE_MS=$pace wrk -t1 -c"$sconns" -d"${soak}s" --latency -s "$here/paced.lua" \
    "$cs/v1/calls/check" >"$tmp/soak.log" 2>&1 &
wrk_pid=$!
series=""
t=0
while kill -0 "$wrk_pid" 2>/dev/null; do
    rss=$(awk '/^VmRSS/ {print $2}' "/proc/$srv_pid/status" 2>/dev/null)
    series="$series $t:${rss}kB"
    printf '  t=%4ds RSS %s kB\n' "$t" "$rss"
    sleep 10
    t=$((t + 10))
done
wait "$wrk_pid"
s_rps=$(awk '/^Requests\/sec/ {print $2}' "$tmp/soak.log")
s_p99=$(awk '$1 == "99%" {print $2}' "$tmp/soak.log")
s_err=$(awk '/Non-2xx/ {n += $NF} /Socket errors/ {n += 1} END {print n + 0}' "$tmp/soak.log")
echo "soak: $s_rps requests/s, p99 $(ms "$s_p99") ms, errors $s_err"
first=$(printf '%s\n' $series | sed -n '2p' | cut -d: -f2 | tr -d kB)
last=$(printf '%s\n' $series | tail -1 | cut -d: -f2 | tr -d kB)
[ -n "$first" ] && [ -n "$last" ] &&
    echo "soak: RSS from ${first} kB (t=10s) to ${last} kB at the end ($(awk -v a="$first" -v b="$last" 'BEGIN {printf "%+.1f%%", (b - a) * 100 / a}'))"
