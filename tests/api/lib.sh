# tests/api/lib.sh - start and stop `callsift serve` for the black-box
# suites (tests/api, tests/web): a real server on 127.0.0.1, an ephemeral
# port, a real SQLite file in a temporary folder. Sourced, not run.
#
#   server_start [ARGS...]   sets SERVER_PID, PORT, BASE; log in $tmp/server.log
#   server_stop              SIGTERM, waits, sets SERVER_RC

: "${bin:=${CALLSIFT_BIN:-build/asan/callsift}}"

server_start() {
    : >"$tmp/server.log"
    "$bin" serve --listen 127.0.0.1:0 --db "$tmp/callsift.db" --web web \
        "$@" 2>"$tmp/server.log" &
    SERVER_PID=$!
    PORT=
    for _ in $(seq 1 200); do
        PORT=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' \
            "$tmp/server.log" | head -1)
        [ -n "$PORT" ] && break
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.05
    done
    if [ -z "$PORT" ]; then
        echo "# the server did not start:"
        sed 's/^/# /' "$tmp/server.log"
        return 1
    fi
    BASE="http://127.0.0.1:$PORT"
}

server_stop() {
    SERVER_RC=
    [ -n "${SERVER_PID:-}" ] || return 0
    kill -TERM "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID"
    SERVER_RC=$?
    SERVER_PID=
}
