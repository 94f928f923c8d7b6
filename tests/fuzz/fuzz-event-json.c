/*
 * fuzz-event-json.c - libFuzzer target for the event JSON reader (the
 * lines of `callsift check --batch`, the bodies of the HTTP check
 * endpoints) and the verdict it leads to: any bytes must give SIFT_OK or
 * an error naming its place, a parsed event must check cleanly and
 * serialise to JSON within its buffer, and the fast reader must give
 * exactly what the general one (jansson) gives.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "callsift.h"
#include "engine/engine_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same(const char *a, size_t alen, const char *b, size_t blen)
{
    if (a == NULL || b == NULL)
        return a == b;
    return alen == blen && memcmp(a, b, alen) == 0;
}

/* The fast reader against the general one on the same bytes. */
static void compare(const uint8_t *data, size_t size, enum sift_rc rc,
                    const struct sift_event_json *a, const struct sift_err *ea)
{
    struct sift_event_json b;
    struct sift_err eb;
    enum sift_rc rb =
        sift__event_from_json_general(&b, (const char *)data, size, &eb);

    if (rb != rc)
        abort();
    if (rc != SIFT_OK) {
        if (strcmp(ea->where, eb.where) != 0 || strcmp(ea->msg, eb.msg) != 0)
            abort();
    } else if (a->ev.kind != b.ev.kind || a->kind_given != b.kind_given ||
               a->ev.time != b.ev.time ||
               !same(a->ev.from, a->ev.from_len, b.ev.from, b.ev.from_len) ||
               !same(a->ev.to, a->ev.to_len, b.ev.to, b.ev.to_len) ||
               !same(a->ev.text, a->ev.text_len, b.ev.text, b.ev.text_len) ||
               !same(a->ev.identity,
                     a->ev.identity ? strlen(a->ev.identity) : 0, b.ev.identity,
                     b.ev.identity ? strlen(b.ev.identity) : 0) ||
               strcmp(a->echo, b.echo) != 0) {
        abort();
    }
    sift_event_json_release(&b);
}

static struct sift_engine *eng;
static struct sift_verdict verdict;
static char json[1 << 17];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sift_event_json ej;
    struct sift_err err;
    enum sift_rc rc;

    if (eng == NULL) {
        struct sift_engine_opts o = {0};
        o.data_dir = getenv("CALLSIFT_DATA") ? NULL : "data";
        if (sift_engine_new(&eng, &o, &err) != SIFT_OK)
            abort();
    }
    rc = sift_event_from_json(&ej, (const char *)data, size, &err);
    compare(data, size, rc, &ej, &err);
    if (rc != SIFT_OK) {
        if (err.msg[0] == '\0' || err.where[0] == '\0')
            abort(); /* an error must say what and where */
    } else {
        rc = sift_engine_check(eng, &ej.ev, &verdict, &err);
        if (rc == SIFT_OK) {
            size_t n = sift_verdict_json(&verdict, json, sizeof(json));
            if (n >= sizeof(json) || json[0] != '{')
                abort();
        } else if (rc != SIFT_ETOOBIG && rc != SIFT_EINVAL) {
            abort();
        }
    }
    sift_event_json_release(&ej);
    return 0;
}
