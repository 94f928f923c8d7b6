/*
 * fuzz-event-json.c - libFuzzer target for the event JSON reader (the
 * lines of `callsift check --batch`, the bodies of the HTTP check
 * endpoints) and the verdict it leads to: any bytes must give SIFT_OK or
 * an error naming its place, and a parsed event must check cleanly and
 * serialise to JSON within its buffer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "callsift.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
