/*
 * engine_json.c - a verdict as one JSON object: the shape `callsift check
 * --json`, the batch and the HTTP API all print (docs/cli/check.md).
 *
 *   {"action","words":{ja,en},"score","signals":[{name,weight,evidence,
 *    reason:{ja,en}}],"advice":[{id,ja,en}],"org":{...}|null,
 *    "number":{...},"callee":{...}|null}
 *
 * Strings are escaped for JSON; invalid UTF-8 cannot reach here (the text
 * is normalised first) but is replaced by U+FFFD all the same.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "engine_int.h"
#include "util/util.h"

/* Eight bytes of plain ASCII that JSON needs no escape for: no byte with
 * the high bit, below 0x20, '"' or '\\' (the "has a byte less than n"
 * and "has a zero byte" word tricks, exact for whether any byte matches). */
static inline bool plain8(const unsigned char *p)
{
    const uint64_t ones = 0x0101010101010101ull, high = ones * 0x80;
    uint64_t x, q, b;

    memcpy(&x, p, 8);
    if (x & high)
        return false;
    q = x ^ (ones * '"');
    b = x ^ (ones * '\\');
    return (((x - ones * 0x20) | (q - ones) | (b - ones)) & high) == 0;
}

#if defined(__SSE2__)
#include <emmintrin.h>

/* Sixteen bytes of plain ASCII: the signed compare below 0x20 also
 * catches every byte with the high bit. */
static inline bool plain16(const unsigned char *p)
{
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i bad =
        _mm_or_si128(_mm_cmplt_epi8(v, _mm_set1_epi8(0x20)),
                     _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
                                  _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))));

    return _mm_movemask_epi8(bad) == 0;
}

/* Five well-formed three-byte sequences in a row (15 bytes), none with
 * the lead E0 or ED (which can only stand where a lead does). */
static inline bool utf8_3x5(const unsigned char *p)
{
    const char l = (char)0xf0, c = (char)0xc0, L = (char)0xe0, C = (char)0x80;
    const __m128i mask =
        _mm_setr_epi8(l, c, c, l, c, c, l, c, c, l, c, c, l, c, c, 0);
    const __m128i want =
        _mm_setr_epi8(L, C, C, L, C, C, L, C, C, L, C, C, L, C, C, 0);
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i shape = _mm_cmpeq_epi8(_mm_and_si128(v, mask), want);
    __m128i edge = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xe0)),
                                _mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xed)));

    return _mm_movemask_epi8(shape) == 0xffff &&
           (_mm_movemask_epi8(edge) & 0x7fff) == 0;
}
#endif

/* A well-formed three-byte sequence (nearly all of Japanese text) in one
 * 32-bit test: lead 1110xxxx then two 10xxxxxx. Leads E0 and ED, which
 * need a range check on the second byte (overlongs, surrogates), are left
 * to sift__utf8_seq(). */
static inline bool utf8_3(const unsigned char *p)
{
    uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
    return (v & 0xc0c0f0u) == 0x8080e0u && p[0] != 0xe0 && p[0] != 0xed;
}

static void jstr(struct sift__sbuf *sb, const char *s)
{
    const unsigned char *p = (const unsigned char *)s, *run, *end;

    if (s == NULL) {
        sift__sbuf_adds(sb, "null");
        return;
    }
    end = p + strlen(s);
    sift__sbuf_addc(sb, '"');
    /* Runs that need no escaping (plain ASCII and valid UTF-8) are
     * copied in one go. */
    run = p;
    while (p < end) {
        if (*p >= 0x80) {
            size_t n;
#if defined(__SSE2__)
            while (end - p >= 16 && utf8_3x5(p))
                p += 15;
#endif
            while (end - p >= 3 && utf8_3(p))
                p += 3;
            if (p == end || *p < 0x80)
                continue;
            n = sift__utf8_seq(p); /* stops at the terminating NUL */
            if (n != 0) {
                p += n;
                continue;
            }
        }
#if defined(__SSE2__)
        else if (end - p >= 16 && plain16(p)) {
            p += 16;
            continue;
        }
#endif
        else if (end - p >= 8 && plain8(p)) {
            p += 8;
            continue;
        } else if (*p >= 0x20 && *p != '"' && *p != '\\') {
            p++;
            continue;
        }
        if (p > run)
            sift__sbuf_add(sb, (const char *)run, (size_t)(p - run));
        if (*p == '"' || *p == '\\') {
            sift__sbuf_addc(sb, '\\');
            sift__sbuf_addc(sb, (char)*p);
        } else if (*p < 0x20) {
            static const char hex[] = "0123456789abcdef";
            char esc[6] = {'\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15]};
            sift__sbuf_add(sb, esc, sizeof(esc));
        } else {
            sift__sbuf_adds(sb, "\\ufffd");
        }
        run = ++p;
    }
    if (p > run)
        sift__sbuf_add(sb, (const char *)run, (size_t)(p - run));
    sift__sbuf_addc(sb, '"');
}

/* A literal token: the keys and punctuation, pre-quoted, in one copy. */
#define LIT(sb, s) sift__sbuf_add((sb), s, sizeof(s) - 1)

static void add_bool(struct sift__sbuf *sb, bool b)
{
    if (b)
        LIT(sb, "true");
    else
        LIT(sb, "false");
}

/* {"ja":..,"en":..} */
static void lang_pair(struct sift__sbuf *sb, const char *ja, const char *en)
{
    LIT(sb, "{\"ja\":");
    jstr(sb, ja);
    LIT(sb, ",\"en\":");
    jstr(sb, en);
    sift__sbuf_addc(sb, '}');
}

static void number_json(struct sift__sbuf *sb, const struct sift_number *n)
{
    char buf[256];
    bool ok = n->status == SIFT_NUMBER_OK;

    LIT(sb, "{\"status\":");
    jstr(sb, sift_number_status_name(n->status));
    LIT(sb, ",\"e164\":");
    jstr(sb, ok ? n->e164 : NULL);
    LIT(sb, ",\"international_format\":");
    sift_number_format(n, SIFT_FORMAT_INTERNATIONAL, buf, sizeof(buf));
    jstr(sb, ok ? buf : NULL);
    LIT(sb, ",\"national_format\":");
    sift_number_format(n, SIFT_FORMAT_NATIONAL, buf, sizeof(buf));
    jstr(sb, ok ? buf : NULL);
    LIT(sb, ",\"country_code\":");
    if (ok)
        sift__sbuf_add_uint(sb, n->country_code);
    else
        LIT(sb, "null");
    LIT(sb, ",\"region\":");
    jstr(sb, ok && n->region[0] ? n->region : NULL);
    LIT(sb, ",\"type\":");
    jstr(sb, ok ? sift_number_type_name(n->type) : NULL);
    LIT(sb, ",\"valid\":");
    add_bool(sb, n->valid);
    LIT(sb, ",\"possible\":");
    add_bool(sb, n->possible);
    LIT(sb, ",\"geography\":");
    lang_pair(sb, ok ? sift_number_geography(n, SIFT_LANG_JA) : NULL,
              ok ? sift_number_geography(n, SIFT_LANG_EN) : NULL);
    LIT(sb, ",\"carrier\":");
    jstr(sb, ok ? sift_number_carrier(n) : NULL);
    LIT(sb, ",\"description\":{\"ja\":");
    sift_number_describe(n, SIFT_LANG_JA, buf, sizeof(buf));
    jstr(sb, buf);
    LIT(sb, ",\"en\":");
    sift_number_describe(n, SIFT_LANG_EN, buf, sizeof(buf));
    jstr(sb, buf);
    LIT(sb, "}}");
}

size_t sift_verdict_json(const struct sift_verdict *v, char *out, size_t size)
{
    struct sift__sbuf sb;

    sift__sbuf_init(&sb, out, size);
    LIT(&sb, "{\"action\":");
    jstr(&sb, sift_action_name(v->action));
    LIT(&sb, ",\"words\":");
    lang_pair(&sb, sift_action_words(v->action, SIFT_LANG_JA),
              sift_action_words(v->action, SIFT_LANG_EN));
    LIT(&sb, ",\"score\":");
    sift__sbuf_add_fixed2(&sb, v->score);
    LIT(&sb, ",\"signals\":[");
    for (size_t i = 0; i < v->n_signals; i++) {
        const struct sift_signal *s = &v->signals[i];
        if (i)
            sift__sbuf_addc(&sb, ',');
        LIT(&sb, "{\"name\":");
        jstr(&sb, s->name);
        LIT(&sb, ",\"weight\":");
        sift__sbuf_add_fixed2(&sb, s->weight);
        LIT(&sb, ",\"evidence\":");
        jstr(&sb, s->evidence);
        LIT(&sb, ",\"reason\":");
        lang_pair(&sb, s->reason_ja, s->reason_en);
        sift__sbuf_addc(&sb, '}');
    }
    LIT(&sb, "],\"advice\":[");
    for (size_t i = 0; i < v->n_advice; i++) {
        const struct sift_advice *a = &v->advice[i];
        if (i)
            sift__sbuf_addc(&sb, ',');
        LIT(&sb, "{\"id\":");
        jstr(&sb, a->id);
        LIT(&sb, ",\"ja\":");
        jstr(&sb, a->ja);
        LIT(&sb, ",\"en\":");
        jstr(&sb, a->en);
        sift__sbuf_addc(&sb, '}');
    }
    LIT(&sb, "],\"org\":");
    if (v->org.id == NULL) {
        LIT(&sb, "null");
    } else {
        LIT(&sb, "{\"id\":");
        jstr(&sb, v->org.id);
        LIT(&sb, ",\"name\":");
        lang_pair(&sb, v->org.name_ja, v->org.name_en);
        LIT(&sb, ",\"contact\":");
        lang_pair(&sb, v->org.contact_ja, v->org.contact_en);
        LIT(&sb, ",\"caller_is_published\":");
        add_bool(&sb, v->org.caller_is_published);
        sift__sbuf_addc(&sb, '}');
    }
    LIT(&sb, ",\"number\":");
    number_json(&sb, &v->caller);
    LIT(&sb, ",\"callee\":");
    if (v->callee.status == SIFT_NUMBER_OK)
        number_json(&sb, &v->callee);
    else
        LIT(&sb, "null");
    LIT(&sb, ",\"relation\":");
    if (v->relation.known) {
        LIT(&sb, "{\"international\":");
        add_bool(&sb, v->relation.international);
        LIT(&sb, ",\"same_prefix\":");
        add_bool(&sb, v->relation.same_prefix);
        sift__sbuf_addc(&sb, '}');
    } else {
        LIT(&sb, "null");
    }
    LIT(&sb, ",\"stir\":");
    if (v->stir.checked) {
        LIT(&sb, "{\"status\":");
        jstr(&sb, sift_stir_status_name((enum sift_stir_status)v->stir.status));
        LIT(&sb, ",\"attest\":");
        jstr(&sb, sift_stir_attest_name((enum sift_stir_attest)v->stir.attest));
        LIT(&sb, ",\"reason\":");
        jstr(&sb, sift_stir_reason_name((enum sift_stir_reason)v->stir.reason));
        sift__sbuf_addf(&sb, ",\"sip_code\":%d,", v->stir.sip_code);
        LIT(&sb, "\"detail\":");
        jstr(&sb, v->stir.detail);
        sift__sbuf_addc(&sb, '}');
    } else {
        LIT(&sb, "null");
    }
    LIT(&sb, ",\"allow_listed\":");
    add_bool(&sb, v->allow_listed);
    LIT(&sb, ",\"text_repaired\":");
    add_bool(&sb, v->text_repaired);
    sift__sbuf_addc(&sb, '}');
    return sb.len;
}
