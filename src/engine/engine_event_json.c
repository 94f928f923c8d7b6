/*
 * engine_event_json.c - an event from JSON, strictly: the batch line of
 * `callsift check --batch` and the body of the HTTP check endpoints.
 *
 * Two readers. The fast one takes the common event in one pass: an
 * object of the known keys only, each once, with string, null or (time)
 * plain integer values, whose strings are valid UTF-8 (escapes decoded
 * here), "from" given and "kind" call or sms. Anything else, and every
 * error, goes to the general reader: jansson parses (with
 * JSON_REJECT_DUPLICATES, so {"from":1,"from":2} is an error, not a silent
 * choice); this file checks types and collects the fields to echo back.
 * Every error names its place: a byte offset for syntax, a JSON path for
 * types. The fast reader gives what the general one gives for what it
 * takes (a unit test and fuzz-event-json compare them); it only saves
 * time: jansson spends about 5 us on a 350-byte event, the fast reader
 * a tenth of that.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"
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

enum sift_rc sift__event_from_json_general(struct sift_event_json *out,
                                           const char *json, size_t len,
                                           struct sift_err *err)
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
    out->kind_given = s != NULL;
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

/* ---- the fast reader ------------------------------------------------- */

enum { F_KIND, F_FROM, F_TO, F_TIME, F_TEXT, F_IDENTITY, F_N };

struct fast {
    const char *p, *end;
    char *dst;          /* decoded strings go here, each NUL-terminated */
    const char *s[F_N]; /* NULL: absent or null */
    size_t len[F_N];
    unsigned seen;
    int64_t time;
};

static void ws(struct fast *f)
{
    while (f->p < f->end &&
           (*f->p == ' ' || *f->p == '\t' || *f->p == '\n' || *f->p == '\r'))
        f->p++;
}

static int hex4(const char *p)
{
    int v = 0;

    for (int i = 0; i < 4; i++) {
        int c = (unsigned char)p[i], d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
            d = (c | 0x20) - 'a' + 10;
        else
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* A string at f->p (its opening quote), decoded to f->dst. false: not
 * for the fast reader (a control character, invalid UTF-8, a bad or NUL
 * escape, a lone surrogate, the end of the input). */
static bool fast_string(struct fast *f, const char **out, size_t *len)
{
    const unsigned char *p = (const unsigned char *)f->p + 1;
    const unsigned char *end = (const unsigned char *)f->end;
    char *d = f->dst, *start = f->dst;

    for (;;) {
        const unsigned char *run = p;
        /* A run of bytes that stand for themselves. */
        while (p < end && *p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\')
            p++;
        memcpy(d, run, (size_t)(p - run));
        d += p - run;
        if (p >= end)
            return false;
        if (*p == '"')
            break;
        if (*p < 0x20)
            return false;
        if (*p >= 0x80) {
            unsigned char seq[4] = {0, 0, 0, 0};
            size_t n, have = (size_t)(end - p) < 4 ? (size_t)(end - p) : 4;
            memcpy(seq, p, have);
            n = sift__utf8_seq(seq);
            if (n == 0 || n > have)
                return false;
            memcpy(d, p, n);
            d += n;
            p += n;
            continue;
        }
        /* An escape. */
        if (end - p < 2)
            return false;
        switch (p[1]) {
        case '"':
            *d++ = '"';
            break;
        case '\\':
            *d++ = '\\';
            break;
        case '/':
            *d++ = '/';
            break;
        case 'b':
            *d++ = '\b';
            break;
        case 'f':
            *d++ = '\f';
            break;
        case 'n':
            *d++ = '\n';
            break;
        case 'r':
            *d++ = '\r';
            break;
        case 't':
            *d++ = '\t';
            break;
        case 'u': {
            long cp;
            if (end - p < 6 || (cp = hex4((const char *)p + 2)) <= 0)
                return false; /* \u0000 is the general reader's error */
            if (cp >= 0xdc00 && cp <= 0xdfff)
                return false;
            if (cp >= 0xd800 && cp <= 0xdbff) {
                long lo;
                if (end - p < 12 || p[6] != '\\' || p[7] != 'u' ||
                    (lo = hex4((const char *)p + 8)) < 0xdc00 || lo > 0xdfff)
                    return false;
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                p += 6;
            }
            if (cp < 0x80) {
                *d++ = (char)cp;
            } else if (cp < 0x800) {
                *d++ = (char)(0xc0 | (cp >> 6));
                *d++ = (char)(0x80 | (cp & 0x3f));
            } else if (cp < 0x10000) {
                *d++ = (char)(0xe0 | (cp >> 12));
                *d++ = (char)(0x80 | ((cp >> 6) & 0x3f));
                *d++ = (char)(0x80 | (cp & 0x3f));
            } else {
                *d++ = (char)(0xf0 | (cp >> 18));
                *d++ = (char)(0x80 | ((cp >> 12) & 0x3f));
                *d++ = (char)(0x80 | ((cp >> 6) & 0x3f));
                *d++ = (char)(0x80 | (cp & 0x3f));
            }
            p += 4;
            break;
        }
        default:
            return false;
        }
        p += 2;
    }
    *d++ = '\0';
    *out = start;
    *len = (size_t)(d - start) - 1;
    f->dst = d;
    f->p = (const char *)p + 1;
    return true;
}

static int fast_key(const char *k, size_t len)
{
    static const char *const names[F_N] = {"kind", "from", "to",
                                           "time", "text", "identity"};

    for (int i = 0; i < F_N; i++)
        if (strlen(names[i]) == len && memcmp(names[i], k, len) == 0)
            return i;
    return -1;
}

static bool fast_parse(struct fast *f)
{
    ws(f);
    if (f->p >= f->end || *f->p != '{')
        return false;
    f->p++;
    ws(f);
    if (f->p < f->end && *f->p == '}')
        return false; /* no "from": the general reader says so */
    for (;;) {
        const char *k = f->p + 1, *v;
        size_t vlen;
        int i;
        if (f->p >= f->end || *f->p != '"')
            return false;
        while (f->p + 1 < f->end && f->p[1] >= 0x20 && f->p[1] != '"' &&
               f->p[1] != '\\' && (unsigned char)f->p[1] < 0x80)
            f->p++;
        if (f->p + 1 >= f->end || f->p[1] != '"')
            return false; /* an escape, a control, non-ASCII: not ours */
        i = fast_key(k, (size_t)(f->p + 1 - k));
        f->p += 2;
        if (i < 0 || (f->seen & (1u << i)))
            return false; /* unknown (echoed back) or duplicate */
        f->seen |= 1u << i;
        ws(f);
        if (f->p >= f->end || *f->p != ':')
            return false;
        f->p++;
        ws(f);
        if (f->p >= f->end)
            return false;
        if (*f->p == '"' && i != F_TIME) {
            if (!fast_string(f, &v, &vlen))
                return false;
            f->s[i] = v;
            f->len[i] = vlen;
        } else if (f->end - f->p >= 4 && memcmp(f->p, "null", 4) == 0) {
            f->p += 4;
        } else if (i == F_TIME && *f->p >= '0' && *f->p <= '9') {
            int n = 0;
            if (*f->p == '0' && f->p + 1 < f->end && f->p[1] >= '0' &&
                f->p[1] <= '9')
                return false;
            /* At most 18 digits, which cannot overflow; longer numbers
             * (and fractions, exponents) are the general reader's. */
            f->time = 0;
            while (f->p < f->end && *f->p >= '0' && *f->p <= '9' && n < 18) {
                f->time = f->time * 10 + (*f->p - '0');
                f->p++;
                n++;
            }
            if ((f->p < f->end && *f->p >= '0' && *f->p <= '9') ||
                (f->p < f->end &&
                 (*f->p == '.' || *f->p == 'e' || *f->p == 'E' ||
                  *f->p == '-' || *f->p == '+')))
                return false;
        } else {
            return false;
        }
        ws(f);
        if (f->p >= f->end)
            return false;
        if (*f->p == '}')
            break;
        if (*f->p != ',')
            return false;
        f->p++;
        ws(f);
    }
    f->p++;
    ws(f);
    return f->p == f->end && f->s[F_FROM] != NULL;
}

enum sift_rc sift_event_from_json(struct sift_event_json *out, const char *json,
                                  size_t len, struct sift_err *err)
{
    struct fast f = {0};
    bool ok;

    if (json == NULL)
        return sift__event_from_json_general(out, json, len, err);
    memset(out, 0, sizeof(*out));
    /* "" to echo, then the decoded strings: never longer than the
     * document, each with one NUL for its two quotes. */
    out->echo = sift_malloc(len + 2 > MAX_ECHO ? len + 2 : MAX_ECHO);
    if (out->echo == NULL)
        return sift__err_set(err, SIFT_ENOMEM, NULL, "out of memory");
    out->echo[0] = '\0';
    f.p = json;
    f.end = json + len;
    f.dst = out->echo + 1;
    ok = fast_parse(&f);
    if (ok) {
        const char *kind = f.s[F_KIND];
        out->kind_given = kind != NULL;
        if (kind == NULL || strcmp(kind, "call") == 0)
            out->ev.kind = SIFT_EVENT_CALL;
        else if (strcmp(kind, "sms") == 0)
            out->ev.kind = SIFT_EVENT_SMS;
        else
            ok = false; /* the general reader says what is wrong */
    }
    if (!ok) {
        sift_free(out->echo);
        return sift__event_from_json_general(out, json, len, err);
    }
    out->ev.from = f.s[F_FROM];
    out->ev.from_len = f.len[F_FROM];
    out->ev.to = f.s[F_TO];
    out->ev.to_len = f.len[F_TO];
    if (f.s[F_TEXT] != NULL && f.len[F_TEXT] > 0) {
        out->ev.text = f.s[F_TEXT];
        out->ev.text_len = f.len[F_TEXT];
    }
    out->ev.identity = f.s[F_IDENTITY];
    out->ev.time = f.time;
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
