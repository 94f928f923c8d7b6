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
            while (end - p >= 3 && utf8_3(p))
                p += 3;
            if (p == end || *p < 0x80)
                continue;
            n = sift__utf8_seq(p); /* stops at the terminating NUL */
            if (n != 0) {
                p += n;
                continue;
            }
        } else if (end - p >= 8 && plain8(p)) {
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

static void key(struct sift__sbuf *sb, const char *k)
{
    jstr(sb, k);
    sift__sbuf_addc(sb, ':');
}

static void number_json(struct sift__sbuf *sb, const struct sift_number *n)
{
    char buf[256];
    bool ok = n->status == SIFT_NUMBER_OK;

    sift__sbuf_addc(sb, '{');
    key(sb, "status");
    jstr(sb, sift_number_status_name(n->status));
    sift__sbuf_addc(sb, ',');
    key(sb, "e164");
    jstr(sb, ok ? n->e164 : NULL);
    sift__sbuf_addc(sb, ',');
    key(sb, "international_format");
    sift_number_format(n, SIFT_FORMAT_INTERNATIONAL, buf, sizeof(buf));
    jstr(sb, ok ? buf : NULL);
    sift__sbuf_addc(sb, ',');
    key(sb, "national_format");
    sift_number_format(n, SIFT_FORMAT_NATIONAL, buf, sizeof(buf));
    jstr(sb, ok ? buf : NULL);
    sift__sbuf_addc(sb, ',');
    key(sb, "country_code");
    if (ok)
        sift__sbuf_addf(sb, "%u", (unsigned)n->country_code);
    else
        sift__sbuf_adds(sb, "null");
    sift__sbuf_addc(sb, ',');
    key(sb, "region");
    jstr(sb, ok && n->region[0] ? n->region : NULL);
    sift__sbuf_addc(sb, ',');
    key(sb, "type");
    jstr(sb, ok ? sift_number_type_name(n->type) : NULL);
    sift__sbuf_addf(sb, ",\"valid\":%s,\"possible\":%s,",
                    n->valid ? "true" : "false",
                    n->possible ? "true" : "false");
    key(sb, "geography");
    sift__sbuf_addc(sb, '{');
    key(sb, "ja");
    jstr(sb, ok ? sift_number_geography(n, SIFT_LANG_JA) : NULL);
    sift__sbuf_addc(sb, ',');
    key(sb, "en");
    jstr(sb, ok ? sift_number_geography(n, SIFT_LANG_EN) : NULL);
    sift__sbuf_adds(sb, "},");
    key(sb, "carrier");
    jstr(sb, ok ? sift_number_carrier(n) : NULL);
    sift__sbuf_addc(sb, ',');
    key(sb, "description");
    sift__sbuf_addc(sb, '{');
    key(sb, "ja");
    sift_number_describe(n, SIFT_LANG_JA, buf, sizeof(buf));
    jstr(sb, buf);
    sift__sbuf_addc(sb, ',');
    key(sb, "en");
    sift_number_describe(n, SIFT_LANG_EN, buf, sizeof(buf));
    jstr(sb, buf);
    sift__sbuf_adds(sb, "}}");
}

size_t sift_verdict_json(const struct sift_verdict *v, char *out, size_t size)
{
    struct sift__sbuf sb;

    sift__sbuf_init(&sb, out, size);
    sift__sbuf_addc(&sb, '{');
    key(&sb, "action");
    jstr(&sb, sift_action_name(v->action));
    sift__sbuf_addc(&sb, ',');
    key(&sb, "words");
    sift__sbuf_addc(&sb, '{');
    key(&sb, "ja");
    jstr(&sb, sift_action_words(v->action, SIFT_LANG_JA));
    sift__sbuf_addc(&sb, ',');
    key(&sb, "en");
    jstr(&sb, sift_action_words(v->action, SIFT_LANG_EN));
    sift__sbuf_adds(&sb, "},");
    sift__sbuf_adds(&sb, "\"score\":");
    sift__sbuf_add_fixed2(&sb, v->score);
    sift__sbuf_addc(&sb, ',');
    key(&sb, "signals");
    sift__sbuf_addc(&sb, '[');
    for (size_t i = 0; i < v->n_signals; i++) {
        const struct sift_signal *s = &v->signals[i];
        if (i)
            sift__sbuf_addc(&sb, ',');
        sift__sbuf_addc(&sb, '{');
        key(&sb, "name");
        jstr(&sb, s->name);
        sift__sbuf_adds(&sb, ",\"weight\":");
        sift__sbuf_add_fixed2(&sb, s->weight);
        sift__sbuf_addc(&sb, ',');
        key(&sb, "evidence");
        jstr(&sb, s->evidence);
        sift__sbuf_addc(&sb, ',');
        key(&sb, "reason");
        sift__sbuf_addc(&sb, '{');
        key(&sb, "ja");
        jstr(&sb, s->reason_ja);
        sift__sbuf_addc(&sb, ',');
        key(&sb, "en");
        jstr(&sb, s->reason_en);
        sift__sbuf_adds(&sb, "}}");
    }
    sift__sbuf_adds(&sb, "],");
    key(&sb, "advice");
    sift__sbuf_addc(&sb, '[');
    for (size_t i = 0; i < v->n_advice; i++) {
        const struct sift_advice *a = &v->advice[i];
        if (i)
            sift__sbuf_addc(&sb, ',');
        sift__sbuf_addc(&sb, '{');
        key(&sb, "id");
        jstr(&sb, a->id);
        sift__sbuf_addc(&sb, ',');
        key(&sb, "ja");
        jstr(&sb, a->ja);
        sift__sbuf_addc(&sb, ',');
        key(&sb, "en");
        jstr(&sb, a->en);
        sift__sbuf_addc(&sb, '}');
    }
    sift__sbuf_adds(&sb, "],");
    key(&sb, "org");
    if (v->org.id == NULL) {
        sift__sbuf_adds(&sb, "null");
    } else {
        sift__sbuf_addc(&sb, '{');
        key(&sb, "id");
        jstr(&sb, v->org.id);
        sift__sbuf_addc(&sb, ',');
        key(&sb, "name");
        sift__sbuf_addc(&sb, '{');
        key(&sb, "ja");
        jstr(&sb, v->org.name_ja);
        sift__sbuf_addc(&sb, ',');
        key(&sb, "en");
        jstr(&sb, v->org.name_en);
        sift__sbuf_adds(&sb, "},");
        key(&sb, "contact");
        sift__sbuf_addc(&sb, '{');
        key(&sb, "ja");
        jstr(&sb, v->org.contact_ja);
        sift__sbuf_addc(&sb, ',');
        key(&sb, "en");
        jstr(&sb, v->org.contact_en);
        sift__sbuf_adds(&sb, "},");
        sift__sbuf_addf(&sb, "\"caller_is_published\":%s}",
                        v->org.caller_is_published ? "true" : "false");
    }
    sift__sbuf_addc(&sb, ',');
    key(&sb, "number");
    number_json(&sb, &v->caller);
    sift__sbuf_addc(&sb, ',');
    key(&sb, "callee");
    if (v->callee.status == SIFT_NUMBER_OK)
        number_json(&sb, &v->callee);
    else
        sift__sbuf_adds(&sb, "null");
    sift__sbuf_addc(&sb, ',');
    key(&sb, "relation");
    if (v->relation.known)
        sift__sbuf_addf(&sb, "{\"international\":%s,\"same_prefix\":%s}",
                        v->relation.international ? "true" : "false",
                        v->relation.same_prefix ? "true" : "false");
    else
        sift__sbuf_adds(&sb, "null");
    sift__sbuf_addc(&sb, ',');
    key(&sb, "stir");
    if (v->stir.checked) {
        sift__sbuf_addc(&sb, '{');
        key(&sb, "status");
        jstr(&sb, sift_stir_status_name((enum sift_stir_status)v->stir.status));
        sift__sbuf_addc(&sb, ',');
        key(&sb, "attest");
        jstr(&sb, sift_stir_attest_name((enum sift_stir_attest)v->stir.attest));
        sift__sbuf_addc(&sb, ',');
        key(&sb, "reason");
        jstr(&sb, sift_stir_reason_name((enum sift_stir_reason)v->stir.reason));
        sift__sbuf_addf(&sb, ",\"sip_code\":%d,", v->stir.sip_code);
        key(&sb, "detail");
        jstr(&sb, v->stir.detail);
        sift__sbuf_addc(&sb, '}');
    } else {
        sift__sbuf_adds(&sb, "null");
    }
    sift__sbuf_addf(&sb, ",\"allow_listed\":%s,\"text_repaired\":%s}",
                    v->allow_listed ? "true" : "false",
                    v->text_repaired ? "true" : "false");
    return sb.len;
}
