# tests/sip/lib.sh - shared by tests/sip/sip.sh and bench/sip/run.sh:
# free loopback ports, starting callsift serve, Kamailio and a SIPp PBX as
# plain background commands (so $! is the daemon, RECIPE pitfall 14),
# stopping them by PID, and reading SIPp's own count files.
#
# The caller sets W (a scratch directory) and ROOT (the checkout) first.

pids=()

# free_port tcp|udp: a port nothing on this machine listens on. Ports
# handed out earlier in this run are not handed out again.
used_ports=" "
free_port() {
    local proto=$1 p i
    for i in $(seq 1 200); do
        p=$((20000 + RANDOM % 40000))
        case "$used_ports" in *" $p "*) continue ;; esac
        if [ "$proto" = udp ]; then
            ss -Hlun "sport = :$p" 2>/dev/null | grep -q . && continue
        else
            ss -Hltn "sport = :$p" 2>/dev/null | grep -q . && continue
        fi
        used_ports="$used_ports$p "
        echo "$p"
        return 0
    done
    return 1
}

# stop_pid PID [SIGNAL]: signal one process we started and wait for it
# (at most 5 s, then SIGKILL).
stop_pid() {
    local pid=$1 sig=${2:-TERM} i
    kill -0 "$pid" 2>/dev/null || return 0
    kill -"$sig" "$pid" 2>/dev/null
    for i in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    # The shell's "Killed" notice is printed when it reaps the job.
    { wait "$pid"; } 2>/dev/null
    return 0
}

stop_all() {
    local i
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
        stop_pid "${pids[$i]}" INT
    done
    pids=()
}

# wait_udp PORT / wait_http URL: until something answers (5 s).
wait_udp() {
    local i
    for i in $(seq 1 50); do
        ss -Hlun "sport = :$1" 2>/dev/null | grep -q . && return 0
        sleep 0.1
    done
    return 1
}
wait_http() {
    local i
    for i in $(seq 1 50); do
        curl -fsS -o /dev/null --max-time 1 "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

# start_callsift PORT DB [ARGS...]: callsift serve on 127.0.0.1:PORT;
# sets callsift_pid. Its log goes to $W/callsift.log.
start_callsift() {
    local port=$1 db=$2
    shift 2
    "$CALLSIFT" serve --listen "127.0.0.1:$port" --db "$db" \
        --data "$ROOT/data" "$@" >>"$W/callsift.log" 2>&1 &
    callsift_pid=$!
    pids+=("$callsift_pid")
    wait_http "http://127.0.0.1:$port/readyz"
}

# start_kamailio NAME SIP_PORT PBX_PORT HTTP_PORT [ARGS...]: the
# deploy/kamailio configuration as an unprivileged foreground process
# with its own runtime directory; sets kam_pid, log in $W/NAME.log.
start_kamailio() {
    local name=$1 sip=$2 pbx=$3 http=$4
    shift 4
    mkdir -p "$W/$name"
    kamailio -DD -E -f "$ROOT/deploy/kamailio/kamailio.cfg" \
        -Y "$W/$name" -P "$W/$name/kamailio.pid" \
        --substdef="!LISTEN!udp:127.0.0.1:$sip!g" \
        --substdef="!PBX_URI!sip:127.0.0.1:$pbx!g" \
        --substdef="!CALLSIFT_URL!http://127.0.0.1:$http!g" \
        "$@" >"$W/$name.log" 2>&1 &
    kam_pid=$!
    pids+=("$kam_pid")
    wait_udp "$sip"
}

# start_uas NAME PORT [ARGS...]: the SIPp PBX (tests/sip/uas.xml),
# tracing messages to $W/NAME/; sets uas_pid.
start_uas() {
    local name=$1 port=$2
    shift 2
    mkdir -p "$W/$name"
    (cd "$W/$name" && exec sipp -sf "$ROOT/tests/sip/uas.xml" \
        -i 127.0.0.1 -p "$port" -mi 127.0.0.1 -mp "$(free_port udp)" \
        -cp "$(free_port udp)" -nostdin -trace_counts -fd 1 \
        -trace_err "$@" >/dev/null 2>"$W/$name/stderr") &
    uas_pid=$!
    pids+=("$uas_pid")
    wait_udp "$port"
}

# run_uac NAME TARGET_PORT CSV SCENARIO CALLS RATE [ARGS...]: place CALLS
# calls at RATE per second in $W/NAME/; returns sipp's exit code. The
# counts are read with count_of afterwards.
run_uac() {
    local name=$1 port=$2 csv=$3 sf=$4 calls=$5 rate=$6
    shift 6
    mkdir -p "$W/$name"
    (cd "$W/$name" && exec sipp "127.0.0.1:$port" -sf "$sf" -inf "$csv" \
        -i 127.0.0.1 -p "$(free_port udp)" -mi 127.0.0.1 \
        -mp "$(free_port udp)" -cp "$(free_port udp)" \
        -m "$calls" -r "$rate" -rp 1000 -nostdin \
        -timeout 60 -timeout_error -recv_timeout 10000 \
        -trace_counts -trace_stat -stf stat.csv -trace_err "$@" \
        >/dev/null 2>stderr)
}

# count_of NAME WHAT: from the UAC's -trace_counts and -trace_stat files:
#   a reply code (608, 200 ...): INVITEs answered with it (the first
#   "<step>_<code>_Recv" column is the INVITE's; a later 200 is the BYE's)
#   unexpected / timeout: summed over every step
#   ok / failed: SuccessfulCall(C) / FailedCall(C) from the stat file
count_of() {
    local dir=$W/$1 what=$2 f
    case "$what" in
    ok | failed)
        f=$dir/stat.csv
        [ -f "$f" ] || { echo -1; return; }
        awk -F';' -v col="$([ "$what" = ok ] && echo 'SuccessfulCall(C)' ||
            echo 'FailedCall(C)')" '
            NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; next }
            { v = $c } END { print (c ? v + 0 : -1) }' "$f"
        ;;
    *)
        f=$(ls "$dir"/*_counts.csv 2>/dev/null | head -1)
        [ -n "$f" ] || { echo -1; return; }
        awk -F';' -v what="$what" '
            NR == 1 {
                for (i = 1; i <= NF; i++) {
                    if (what == "unexpected" && $i ~ /_Unexp$/) c[i] = 1
                    else if (what == "timeout" && $i ~ /_Timeout$/) c[i] = 1
                    else if (!first && $i ~ ("^[0-9]+_" what "_Recv$")) {
                        c[i] = 1; first = 1
                    }
                }
                next
            }
            { last = $0 }
            END {
                n = split(last, v, ";"); s = 0
                for (i in c) s += v[i]
                print s
            }' "$f"
        ;;
    esac
}

# counts NAME: "608=a 603=b 486=c 433=d 487=e 200=f failed=g" for messages.
counts() {
    local c out=""
    for c in 608 603 486 433 487 200 failed; do
        out="$out $c=$(count_of "$1" $c)"
    done
    echo "${out# }"
}
