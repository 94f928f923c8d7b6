#!/bin/bash
# bench/http/profile.sh PID SECONDS - where a running `callsift serve`
# spends its CPU: perf samples the process (all threads, DWARF call
# stacks) for SECONDS while the caller keeps it loaded, and each sample
# is put in the first category its stack reaches:
#
#   call log writer     writer_main (server_record.c: sift_record_event,
#                       SQLite, on its own thread)
#   event parse         sift_event_from_json (engine, jansson)
#   engine check        sift_engine_check
#   verdict JSON        sift_verdict_json (engine)
#   store read          sift__store_number_json (GET /v1/numbers)
#   HTTP glue           the rest of on_request, send_resp, on_completed
#   kernel send/recv    sendmsg / recv (loopback delivery included)
#   epoll               epoll_wait
#   other               libmicrohttpd itself, and stacks perf could not
#                       unwind (named by their innermost function)
#
# Prints one line per category with its share of the process's samples.
# Needs perf (linux-perf) and permission to trace the process.
set -u
pid=$1 secs=${2:-5}
command -v perf >/dev/null || { echo "profile: perf missing" >&2; exit 1; }
data=$(mktemp)
trap 'rm -f "$data"' EXIT
perf record -q -F 999 --call-graph dwarf,16384 -p "$pid" -o "$data" \
    -- sleep "$secs" >/dev/null 2>&1 || { echo "profile: perf record failed" >&2; exit 1; }
perf script -i "$data" -F comm,tid,ip,sym,dso 2>/dev/null | awk '
function flush(   cat, k) {
    if (n == 0) return
    total++
    cat = ""
    for (k = 1; k <= ncat && cat == ""; k++)
        if (stack ~ pat[k]) cat = name[k]
    if (cat == "") {
        cat = "other"
        leafs[leaf]++
    }
    count[cat]++
    n = 0; stack = "|"; leaf = ""
}
BEGIN {
    ncat = 0
    name[++ncat] = "call log writer";  pat[ncat] = "\\|writer_main\\|"
    name[++ncat] = "event parse";      pat[ncat] = "\\|sift_event_from_json\\|"
    name[++ncat] = "engine check";     pat[ncat] = "\\|sift_engine_check\\|"
    name[++ncat] = "verdict JSON";     pat[ncat] = "\\|sift_verdict_json\\|"
    name[++ncat] = "store read";       pat[ncat] = "\\|sift__store_number_json\\|"
    name[++ncat] = "HTTP glue";        pat[ncat] = "\\|(on_request|send_resp|send_error|on_completed|on_connection)\\|"
    name[++ncat] = "kernel send";      pat[ncat] = "\\|(__libc_sendmsg|__sys_sendmsg|__libc_send)\\|"
    name[++ncat] = "kernel recv";      pat[ncat] = "\\|(__libc_recv|__sys_recvfrom)\\|"
    name[++ncat] = "epoll";            pat[ncat] = "\\|(epoll_wait|do_epoll_wait)\\|"
    n = 0; stack = "|"; total = 0
}
/^[ \t]*$/ { flush(); next }
/^\t/ {
    sym = $2
    sub(/\+0x[0-9a-f]+$/, "", sym)
    if (n == 0) leaf = sym
    stack = stack sym "|"
    n++
    next
}
{ flush() }
END {
    flush()
    if (total == 0) { print "profile: no samples"; exit 1 }
    for (k = 1; k <= ncat; k++)
        printf "  %-18s %5.1f%%\n", name[k], 100 * count[name[k]] / total
    printf "  %-18s %5.1f%%   (", "other", 100 * count["other"] / total
    m = 0
    for (s in leafs) order[++m] = s
    for (i = 1; i <= m; i++)           # the five largest, by insertion
        for (j = i + 1; j <= m; j++)
            if (leafs[order[j]] > leafs[order[i]]) { t = order[i]; order[i] = order[j]; order[j] = t }
    for (i = 1; i <= m && i <= 5; i++)
        printf "%s%s %.1f%%", (i > 1 ? ", " : ""), order[i], 100 * leafs[order[i]] / total
    print ")"
    printf "  (%d samples)\n", total
}'
