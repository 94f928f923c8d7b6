/*
 * engine_event_json.c - an event from JSON, strictly: the batch line of
 * `callsift check --batch` and the body of the HTTP check endpoints.
 *
 * jansson parses (with JSON_REJECT_DUPLICATES, so {"from":1,"from":2} is
 * an error, not a silent choice); this file checks types and collects the
 * fields to echo back. Every error names its place: a byte offset for
 * syntax, a JSON path for types.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callsift/engine.h"
#include "util/util.h"

#define MAX_ECHO 4096

static const char *const known_keys[] = {"kind", "from",     "to", "time",
                                         "text", "identity", NULL};

static bool is_known(const char *k)
{
    for (size_t i = 0; known_keys[i]; i++)
        if (strcmp(known_keys[i], k) == 0)
            return true;
    return false;
}

/* A string member, or NULL when absent or null; -1 on a wrong type. */
static int get_string(json_t *root, const char *name, const char **out,
                      size_t *len, struct sift_err *err)
{
    json_t *v = json_object_get(root, name);
    char where[64];

    *out = NULL;
    *len = 0;
    if (v == NULL || json_is_null(v))
        return 0;
    if (!json_is_string(v)) {
        snprintf(where, sizeof(where), "$.%s", name);
        sift__err_set(err, SIFT_EPARSE, where, "%s must be a string", name);
        return -1;
    }
    *out = json_string_value(v);
    *len = json_string_length(v);
    if (memchr(*out, '\0', *len) != NULL) {
        snprintf(where, sizeof(where), "$.%s", name);
        sift__err_set(err, SIFT_EPARSE, where, "%s holds a NUL character",
                      name);
        return -1;
    }
    return 1;
}

enum sift_rc sift_event_from_json(struct sift_event_json *out, const char *json,
                                  size_t len, struct sift_err *err)
{
    json_error_t jerr;
    json_t *root, *v;
    const char *k, *s;
    size_t slen;
    char where[64];
    struct sift__sbuf sb;
    char *echo;

    memset(out, 0, sizeof(*out));
    out->echo = sift_malloc(MAX_ECHO);
    if (out->echo == NULL)
        return sift__err_set(err, SIFT_ENOMEM, NULL, "out of memory");
    out->echo[0] = '\0';
    root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL) {
        snprintf(where, sizeof(where), "byte %d", jerr.position);
        return sift__err_set(err, SIFT_EPARSE, where, "malformed JSON: %s",
                             jerr.text);
    }
    out->priv_ = root;
    if (!json_is_object(root))
        return sift__err_set(err, SIFT_EPARSE, "$",
                             "an event must be a JSON object");

    /* Echo "id" and unknown keys back, in the document's order. */
    echo = out->echo;
    sift__sbuf_init(&sb, echo, MAX_ECHO);
    json_object_foreach(root, k, v)
    {
        char *enc;
        if (is_known(k))
            continue;
        enc = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
        if (enc == NULL)
            return sift__err_set(err, SIFT_ENOMEM, NULL, "out of memory");
        if (sb.len > 0)
            sift__sbuf_addc(&sb, ',');
        {
            json_t *key = json_string(k);
            char *kenc = key ? json_dumps(key, JSON_ENCODE_ANY) : NULL;
            json_decref(key);
            if (kenc == NULL) {
                free(enc);
                return sift__err_set(err, SIFT_ENOMEM, NULL, "out of memory");
            }
            sift__sbuf_adds(&sb, kenc);
            free(kenc);
        }
        sift__sbuf_addc(&sb, ':');
        sift__sbuf_adds(&sb, enc);
        free(enc);
    }
    if (sb.len >= MAX_ECHO)
        return sift__err_set(err, SIFT_ETOOBIG, "$",
                             "the fields to echo back are over %d bytes",
                             MAX_ECHO);

    if (get_string(root, "kind", &s, &slen, err) < 0)
        return SIFT_EPARSE;
    if (s == NULL || strcmp(s, "call") == 0)
        out->ev.kind = SIFT_EVENT_CALL;
    else if (strcmp(s, "sms") == 0)
        out->ev.kind = SIFT_EVENT_SMS;
    else
        return sift__err_set(err, SIFT_EPARSE, "$.kind",
                             "kind must be \"call\" or \"sms\"");
    if (get_string(root, "from", &out->ev.from, &out->ev.from_len, err) < 0)
        return SIFT_EPARSE;
    if (out->ev.from == NULL)
        return sift__err_set(err, SIFT_EPARSE, "$.from",
                             "from is required (the caller ID or SMS "
                             "sender)");
    if (out->ev.from_len == 0)
        out->ev.from = ""; /* an empty caller ID is a state, not absent */
    if (get_string(root, "to", &out->ev.to, &out->ev.to_len, err) < 0)
        return SIFT_EPARSE;
    if (get_string(root, "text", &out->ev.text, &out->ev.text_len, err) < 0)
        return SIFT_EPARSE;
    if (out->ev.text != NULL && out->ev.text_len == 0)
        out->ev.text = NULL;
    if (get_string(root, "identity", &out->ev.identity, &slen, err) < 0)
        return SIFT_EPARSE;
    v = json_object_get(root, "time");
    if (v != NULL && !json_is_null(v)) {
        if (!json_is_integer(v) || json_integer_value(v) < 0)
            return sift__err_set(err, SIFT_EPARSE, "$.time",
                                 "time must be seconds since 1970 (a "
                                 "non-negative integer)");
        out->ev.time = (int64_t)json_integer_value(v);
    }
    return SIFT_OK;
}

void sift_event_json_release(struct sift_event_json *ej)
{
    if (ej == NULL)
        return;
    json_decref((json_t *)ej->priv_);
    sift_free(ej->echo);
    ej->echo = NULL;
    ej->priv_ = NULL;
}
