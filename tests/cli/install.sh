#!/bin/bash
# tests/cli/install.sh - `make install PREFIX=...` puts the command, the
# library, the headers, the data and a pkg-config file where a program can
# build against them. TAP output.
set -u
cd "$(dirname "$0")/../.." || exit 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
check() {
    n=$((n + 1))
    if [ "$2" -eq 0 ]; then echo "ok $n - $1"; else echo "not ok $n - $1"; fi
}

make --no-print-directory install PREFIX="$tmp/usr" >"$tmp/log" 2>&1
check "make install PREFIX=..." $?
[ -x "$tmp/usr/bin/callsift" ] && [ -f "$tmp/usr/lib/libcallsift.a" ] &&
    [ -f "$tmp/usr/include/callsift.h" ] &&
    [ -f "$tmp/usr/include/callsift/number.h" ] &&
    [ -f "$tmp/usr/share/callsift/signals.tsv" ]
check "command, library, headers and data installed" $?

cat >"$tmp/t.c" <<'C'
#include <callsift.h>
#include <stdio.h>
#include <string.h>
int main(void)
{
    struct sift_number n;
    const char *s = "+1 (877) 643-0291";
    if (sift_number_parse(&n, s, strlen(s), "JP", NULL) != SIFT_OK)
        return 1;
    printf("%s %s\n", n.e164, sift_number_type_name(n.type));
    return 0;
}
C
export PKG_CONFIG_PATH="$tmp/usr/lib/pkgconfig"
cc -o "$tmp/t" "$tmp/t.c" $(pkg-config --cflags callsift) \
    $(pkg-config --libs callsift) >>"$tmp/log" 2>&1
check "a program builds with pkg-config --cflags --libs callsift" $?
[ "$("$tmp/t")" = "+18776430291 toll_free" ]
check "and parses the seed's number" $?

out=$(cd "$tmp" && CALLSIFT_DATA= "$tmp/usr/bin/callsift" check --json \
    --from "+1(877)643-0291" --to 090-1234-5678 2>&1)
echo "$out" | grep -q '"action":"\(label\|warn\|block\)"'
check "the installed command finds its installed data" $?
[ $n -eq 5 ] || cat "$tmp/log" | sed 's/^/# /'
echo "1..$n"
