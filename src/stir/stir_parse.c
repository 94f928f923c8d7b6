/*
 * stir_parse.c - the outside-input side of STIR: the SIP Identity header
 * value (RFC 8224 §4.1) and the PASSporT it carries (RFC 8225, with the
 * SHAKEN claims of RFC 8588). Both are fuzzed (tests/fuzz/fuzz-identity.c,
 * fuzz-passport.c).
 *
 * Identity grammar, as RFC 8224 §4.1 gives it:
 *
 *   Identity = "Identity" HCOLON signed-identity-digest SEMI ident-info
 *              *( SEMI ident-info-params )
 *   ident-info = "info" EQUAL ident-info-uri     ; LAQUOT absoluteURI RAQUOT
 *   ident-info-params = "alg" EQUAL token / "ppt" EQUAL token / extension
 *
 * We are lenient where senders are known to differ and strict where it
 * matters for security: parameters in any order, white space (and folded
 * lines) around ';' and '=', info in <>, in quotes or bare, values quoted
 * or not, unknown parameters ignored, a leading "Identity:" or compact
 * "y:" tolerated, and the bare token alone (no parameters: then x5u names
 * the certificate). A repeated info, alg or ppt, an empty value, a NUL
 * byte or trailing junk is malformed.
 *
 * The PASSporT must be the full form (RFC 8225 §7's compact form, with an
 * empty payload, is refused: SHAKEN always sends the full form), with
 * base64url parts without padding and JSON without duplicate keys.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "stir_int.h"

/* ---- small helpers -------------------------------------------------- */

static bool is_lws(int c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_b64url(int c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/* RFC 3261 token characters. */
static bool is_token(int c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9') || (c != '\0' && strchr("-.!%*_+`'~", c));
}

static bool str_ieq(struct sift_str s, const char *lit)
{
    size_t n = strlen(lit);

    if (s.len != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (sift__ascii_lower((unsigned char)s.p[i]) != lit[i])
            return false;
    return true;
}

static enum sift_stir_reason fail(char *detail, size_t size,
                                  enum sift_stir_reason reason, const char *fmt,
                                  ...) SIFT_PRINTF(4, 5);

static enum sift_stir_reason fail(char *detail, size_t size,
                                  enum sift_stir_reason reason, const char *fmt,
                                  ...)
{
    va_list ap;

    if (detail != NULL && size > 0) {
        va_start(ap, fmt);
        vsnprintf(detail, size, fmt, ap);
        va_end(ap);
    }
    return reason;
}

/* ---- base64url ------------------------------------------------------- */

static int b64url_value(int c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '-')
        return 62;
    if (c == '_')
        return 63;
    return -1;
}

size_t sift__stir_b64url_encode(const unsigned char *in, size_t len, char *out)
{
    static const char a[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    size_t n = 0, i;

    for (i = 0; i + 2 < len; i += 3) {
        unsigned v =
            (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
        out[n++] = a[v >> 18];
        out[n++] = a[(v >> 12) & 63];
        out[n++] = a[(v >> 6) & 63];
        out[n++] = a[v & 63];
    }
    if (len - i == 1) {
        unsigned v = (unsigned)in[i] << 16;
        out[n++] = a[v >> 18];
        out[n++] = a[(v >> 12) & 63];
    } else if (len - i == 2) {
        unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8;
        out[n++] = a[v >> 18];
        out[n++] = a[(v >> 12) & 63];
        out[n++] = a[(v >> 6) & 63];
    }
    out[n] = '\0';
    return n;
}

long sift__stir_b64url_decode(const char *s, size_t len, unsigned char *out,
                              size_t cap)
{
    unsigned long acc = 0;
    unsigned bits = 0;
    size_t n = 0;

    /* A length of 4k+1 cannot come from whole bytes (RFC 4648 §5). */
    if (len % 4 == 1)
        return -1;
    for (size_t i = 0; i < len; i++) {
        int v = b64url_value((unsigned char)s[i]);

        if (v < 0)
            return -1;
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (n >= cap)
                return -1;
            out[n++] = (unsigned char)(acc >> bits);
            acc &= (1UL << bits) - 1;
        }
    }
    /* Leftover bits must be zero, so each byte string has one encoding. */
    if (acc != 0)
        return -1;
    return (long)n;
}

/* ---- the Identity header -------------------------------------------- */

static size_t skip_lws(const char *s, size_t i, size_t len)
{
    while (i < len && is_lws((unsigned char)s[i]))
        i++;
    return i;
}

/* Parse one parameter value at s[*i]: <uri>, "quoted" (possibly "<uri>")
 * or a bare run up to ';' or white space. */
static bool param_value(const char *s, size_t len, size_t *i,
                        struct sift_str *v)
{
    size_t j = *i;

    if (j >= len)
        return false;
    if (s[j] == '<') {
        size_t start = ++j;

        while (j < len && s[j] != '>' && !is_lws((unsigned char)s[j]) &&
               s[j] != '\0' && s[j] != '<' && s[j] != '"')
            j++;
        if (j >= len || s[j] != '>' || j == start)
            return false;
        v->p = s + start;
        v->len = j - start;
        *i = j + 1;
        return true;
    }
    if (s[j] == '"') {
        size_t start = ++j;

        /* No escapes: nothing a URI or token needs would use them. */
        while (j < len && s[j] != '"' && s[j] != '\\' && s[j] != '\0' &&
               !is_lws((unsigned char)s[j]))
            j++;
        if (j >= len || s[j] != '"' || j == start)
            return false;
        v->p = s + start;
        v->len = j - start;
        if (v->len >= 2 && v->p[0] == '<' && v->p[v->len - 1] == '>') {
            v->p++;
            v->len -= 2;
            if (v->len == 0)
                return false;
        }
        *i = j + 1;
        return true;
    }
    {
        size_t start = j;

        while (j < len && s[j] != ';' && !is_lws((unsigned char)s[j]) &&
               s[j] != '\0' && s[j] != '"' && s[j] != '<' && s[j] != '>')
            j++;
        if (j == start)
            return false;
        v->p = s + start;
        v->len = j - start;
        *i = j;
        return true;
    }
}

enum sift_stir_reason sift__stir_parse_identity(const char *s, size_t len,
                                                struct sift__stir_identity *id,
                                                char *detail, size_t size)
{
    size_t i, start;

    memset(id, 0, sizeof(*id));
    if (detail != NULL && size > 0)
        detail[0] = '\0';
    if (len > SIFT_STIR_MAX_IDENTITY)
        return fail(detail, size, SIFT_STIR_R_TOO_BIG,
                    "The Identity header is %zu bytes, over the %d-byte "
                    "limit.",
                    len, SIFT_STIR_MAX_IDENTITY);
    i = skip_lws(s, 0, len);
    /* A leading header name, long or compact (RFC 8224 §4: "y"). */
    {
        size_t j = i;

        while (j < len && is_token((unsigned char)s[j]))
            j++;
        start = skip_lws(s, j, len);
        if (start < len && s[start] == ':' && j > i) {
            struct sift_str name = {s + i, j - i};

            if (!str_ieq(name, "identity") && !str_ieq(name, "y"))
                return fail(detail, size, SIFT_STIR_R_MALFORMED,
                            "The header name before ':' is not Identity "
                            "(byte %zu).",
                            i);
            i = skip_lws(s, start + 1, len);
        }
    }
    start = i;
    while (i < len && (is_b64url((unsigned char)s[i]) || s[i] == '.'))
        i++;
    if (i == start)
        return fail(detail, size, SIFT_STIR_R_MALFORMED,
                    "No PASSporT token at byte %zu of the Identity header.",
                    start);
    id->token.p = s + start;
    id->token.len = i - start;

    for (;;) {
        struct sift_str name, value, *slot;

        i = skip_lws(s, i, len);
        if (i >= len)
            break;
        if (s[i] != ';')
            return fail(detail, size, SIFT_STIR_R_MALFORMED,
                        "Unexpected byte 0x%02x at byte %zu of the Identity "
                        "header (';' expected).",
                        (unsigned char)s[i], i);
        i = skip_lws(s, i + 1, len);
        start = i;
        while (i < len && is_token((unsigned char)s[i]))
            i++;
        if (i == start)
            return fail(detail, size, SIFT_STIR_R_MALFORMED,
                        "Empty parameter name at byte %zu of the Identity "
                        "header.",
                        start);
        name.p = s + start;
        name.len = i - start;
        i = skip_lws(s, i, len);
        if (i >= len || s[i] != '=')
            return fail(detail, size, SIFT_STIR_R_MALFORMED,
                        "Parameter without '=' at byte %zu of the Identity "
                        "header.",
                        start);
        i = skip_lws(s, i + 1, len);
        start = i;
        if (!param_value(s, len, &i, &value))
            return fail(detail, size, SIFT_STIR_R_MALFORMED,
                        "Bad parameter value at byte %zu of the Identity "
                        "header.",
                        start);
        if (str_ieq(name, "info"))
            slot = &id->info;
        else if (str_ieq(name, "alg"))
            slot = &id->alg;
        else if (str_ieq(name, "ppt"))
            slot = &id->ppt;
        else
            continue; /* an extension parameter: RFC 8224 §4.1 allows */
        if (slot->p != NULL)
            return fail(detail, size, SIFT_STIR_R_MALFORMED,
                        "Parameter '%.*s' repeated at byte %zu of the "
                        "Identity header.",
                        (int)name.len, name.p, (size_t)(name.p - s));
        *slot = value;
    }
    return SIFT_STIR_R_OK;
}

/* ---- the PASSporT ----------------------------------------------------- */

bool sift__stir_canon_tn(const char *s, size_t len, char out[STIR_MAX_TN + 1])
{
    size_t n = 0;

    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (sift__is_digit(c)) {
            if (n >= STIR_MAX_TN)
                return false;
            out[n++] = (char)c;
        } else if ((c == '+' && n == 0) || c == '-' || c == '.' || c == '(' ||
                   c == ')' || c == ' ') {
            continue;
        } else {
            return false;
        }
    }
    out[n] = '\0';
    return n > 0;
}

/* Largest decoded part: the whole header is at most 8 KiB of base64. */
#define PART_MAX (SIFT_STIR_MAX_IDENTITY / 4 * 3 + 3)

static json_t *decode_json(const char *b64, size_t len, const char *what,
                           char *detail, size_t size,
                           enum sift_stir_reason *reason, enum sift_rc *rc)
{
    unsigned char buf[PART_MAX];
    long n = sift__stir_b64url_decode(b64, len, buf, sizeof(buf));
    json_error_t jerr;
    json_t *j;

    if (n < 0) {
        *reason = fail(detail, size, SIFT_STIR_R_MALFORMED,
                       "The PASSporT %s is not base64url.", what);
        return NULL;
    }
    j = json_loadb((const char *)buf, (size_t)n, JSON_REJECT_DUPLICATES, &jerr);
    if (j == NULL) {
        if (json_error_code(&jerr) == json_error_out_of_memory)
            *rc = SIFT_ENOMEM;
        *reason =
            fail(detail, size, SIFT_STIR_R_MALFORMED,
                 "The PASSporT %s is not valid JSON: %s.", what, jerr.text);
        return NULL;
    }
    if (!json_is_object(j)) {
        json_decref(j);
        *reason = fail(detail, size, SIFT_STIR_R_MALFORMED,
                       "The PASSporT %s is not a JSON object.", what);
        return NULL;
    }
    return j;
}

/* The string value of key in obj, or NULL when absent or not a string. */
static const char *get_str(json_t *obj, const char *key, size_t *len)
{
    json_t *v = json_object_get(obj, key);

    if (!json_is_string(v))
        return NULL;
    *len = json_string_length(v);
    return json_string_value(v);
}

static bool str_is(const char *s, size_t len, const char *lit)
{
    return s != NULL && len == strlen(lit) && memcmp(s, lit, len) == 0;
}

static bool has_http_scheme(const char *s, size_t len)
{
    struct sift_str v = {s, len < 8 ? len : 8};

    if (len > 8 && str_ieq(v, "https://"))
        return true;
    v.len = len < 7 ? len : 7;
    return len > 7 && str_ieq(v, "http://");
}

/* RFC 8225 §4 (header) and RFC 8588 §3 (ppt "shaken"). */
static enum sift_stir_reason check_header(json_t *h, struct sift__passport *pp,
                                          char *detail, size_t size)
{
    const char *v;
    size_t len = 0;

    v = get_str(h, "alg", &len);
    if (v == NULL)
        return fail(detail, size, SIFT_STIR_R_UNSUPPORTED_ALG,
                    "The PASSporT header has no alg.");
    /* RFC 8588 §3: ES256 only. "none" and every other alg are refused
     * before anything else is believed (RFC 8725 §3.1). */
    if (!str_is(v, len, "ES256"))
        return fail(detail, size, SIFT_STIR_R_UNSUPPORTED_ALG,
                    "The PASSporT alg is \"%.*s\"; only ES256 is accepted.",
                    (int)(len > 32 ? 32 : len), v);
    v = get_str(h, "typ", &len);
    if (v == NULL)
        return fail(detail, size, SIFT_STIR_R_BAD_CLAIMS,
                    "The PASSporT header has no typ.");
    if (!str_is(v, len, "passport"))
        return fail(detail, size, SIFT_STIR_R_UNSUPPORTED_PPT,
                    "The PASSporT typ is \"%.*s\", not \"passport\".",
                    (int)(len > 32 ? 32 : len), v);
    v = get_str(h, "ppt", &len);
    if (!str_is(v, len, "shaken"))
        return fail(detail, size, SIFT_STIR_R_UNSUPPORTED_PPT,
                    "The PASSporT is not a SHAKEN one (ppt \"%.*s\").",
                    v ? (int)(len > 32 ? 32 : len) : 0, v ? v : "");
    v = get_str(h, "x5u", &len);
    if (v == NULL || len == 0)
        return fail(detail, size, SIFT_STIR_R_BAD_CLAIMS,
                    "The PASSporT header has no x5u.");
    if (len > SIFT_STIR_MAX_URL || memchr(v, '\0', len) != NULL ||
        !has_http_scheme(v, len))
        return fail(detail, size, SIFT_STIR_R_BAD_CLAIMS,
                    "The PASSporT x5u is not an http(s) URL of at most %d "
                    "bytes.",
                    SIFT_STIR_MAX_URL);
    memcpy(pp->x5u, v, len);
    pp->x5u[len] = '\0';
    return SIFT_STIR_R_OK;
}

/* RFC 8225 §5 and RFC 8588 §4. */
static enum sift_stir_reason check_payload(json_t *p, struct sift__passport *pp,
                                           char *detail, size_t size)
{
    json_t *orig, *dest, *tns, *iat;
    const char *v;
    size_t len = 0, i;

    v = get_str(p, "attest", &len);
    if (str_is(v, len, "A"))
        pp->attest = SIFT_STIR_ATTEST_A;
    else if (str_is(v, len, "B"))
        pp->attest = SIFT_STIR_ATTEST_B;
    else if (str_is(v, len, "C"))
        pp->attest = SIFT_STIR_ATTEST_C;
    else
        return fail(detail, size, SIFT_STIR_R_BAD_CLAIMS,
                    "The PASSporT attest is not A, B or C.");
    iat = json_object_get(p, "iat");
    if (!json_is_integer(iat) || json_integer_value(iat) <= 0)
        return fail(detail, size, SIFT_STIR_R_BAD_CLAIMS,
                    "The PASSporT iat is not a positive integer.");
    pp->iat = (int64_t)json_integer_value(iat);
    v = get_str(p, "origid", &len);
    if (v == NULL || len == 0 || len >= sizeof(pp->origid) ||
        memchr(v, '\0', len) != NULL)
        return fail(detail, size, SIFT_STIR_R_BAD_CLAIMS,
                    "The PASSporT origid is missing or over %zu bytes.",
                    sizeof(pp->origid) - 1);
    memcpy(pp->origid, v, len);
    pp->origid[len] = '\0';
    orig = json_object_get(p, "orig");
    v = json_is_object(orig) ? get_str(orig, "tn", &len) : NULL;
    if (v == NULL || !sift__stir_canon_tn(v, len, pp->orig_tn))
        return fail(detail, size, SIFT_STIR_R_BAD_CLAIMS,
                    "The PASSporT orig.tn is missing or not a telephone "
                    "number.");
    dest = json_object_get(p, "dest");
    tns = json_is_object(dest) ? json_object_get(dest, "tn") : NULL;
    if (!json_is_array(tns) || json_array_size(tns) == 0)
        return fail(detail, size, SIFT_STIR_R_BAD_CLAIMS,
                    "The PASSporT dest.tn is missing or not a non-empty "
                    "array.");
    if (json_array_size(tns) > STIR_MAX_DEST)
        return fail(detail, size, SIFT_STIR_R_BAD_CLAIMS,
                    "The PASSporT dest.tn has more than %d numbers.",
                    STIR_MAX_DEST);
    for (i = 0; i < json_array_size(tns); i++) {
        json_t *e = json_array_get(tns, i);

        if (!json_is_string(e) ||
            !sift__stir_canon_tn(json_string_value(e), json_string_length(e),
                                 pp->dest_tn[i]))
            return fail(detail, size, SIFT_STIR_R_BAD_CLAIMS,
                        "The PASSporT dest.tn[%zu] is not a telephone "
                        "number.",
                        i);
    }
    pp->n_dest = i;
    return SIFT_STIR_R_OK;
}

enum sift_stir_reason sift__stir_decode_passport(const char *jwt, size_t len,
                                                 struct sift__passport *pp,
                                                 char *detail, size_t size,
                                                 enum sift_rc *rc_out)
{
    enum sift_stir_reason reason = SIFT_STIR_R_OK;
    const char *dot1, *dot2;
    size_t hlen, plen, slen;
    json_t *h = NULL, *p = NULL;
    long n;

    memset(pp, 0, sizeof(*pp));
    *rc_out = SIFT_OK;
    if (detail != NULL && size > 0)
        detail[0] = '\0';
    if (len > SIFT_STIR_MAX_IDENTITY)
        return fail(detail, size, SIFT_STIR_R_TOO_BIG,
                    "The PASSporT is %zu bytes, over the %d-byte limit.", len,
                    SIFT_STIR_MAX_IDENTITY);
    dot1 = memchr(jwt, '.', len);
    dot2 = dot1 ? memchr(dot1 + 1, '.', len - (size_t)(dot1 + 1 - jwt)) : NULL;
    if (dot2 == NULL ||
        memchr(dot2 + 1, '.', len - (size_t)(dot2 + 1 - jwt)) != NULL)
        return fail(detail, size, SIFT_STIR_R_MALFORMED,
                    "The PASSporT is not three dot-separated parts.");
    hlen = (size_t)(dot1 - jwt);
    plen = (size_t)(dot2 - dot1 - 1);
    slen = len - (size_t)(dot2 + 1 - jwt);
    if (hlen == 0)
        return fail(detail, size, SIFT_STIR_R_MALFORMED,
                    "The PASSporT header is empty.");
    pp->signing_input.p = jwt;
    pp->signing_input.len = (size_t)(dot2 - jwt);

    h = decode_json(jwt, hlen, "header", detail, size, &reason, rc_out);
    if (h == NULL)
        goto out;
    reason = check_header(h, pp, detail, size);
    if (reason != SIFT_STIR_R_OK)
        goto out;
    /* After the header, so that an unsigned "alg":"none" token is named
     * for what it is. */
    if (plen == 0 || slen == 0) {
        reason = fail(detail, size, SIFT_STIR_R_MALFORMED,
                      plen == 0 ? "Compact-form PASSporTs (RFC 8225 §7) are "
                                  "not supported."
                                : "The PASSporT has no signature.");
        goto out;
    }
    p = decode_json(dot1 + 1, plen, "payload", detail, size, &reason, rc_out);
    if (p == NULL)
        goto out;
    reason = check_payload(p, pp, detail, size);
    if (reason != SIFT_STIR_R_OK)
        goto out;
    /* RFC 7518 §3.4: the JWS signature is r || s, 32 bytes each, which
     * is 86 base64url characters. */
    for (size_t i = 0; i < slen; i++)
        if (!is_b64url((unsigned char)dot2[1 + i])) {
            reason = fail(detail, size, SIFT_STIR_R_MALFORMED,
                          "The PASSporT signature is not base64url.");
            goto out;
        }
    n = slen == 86
            ? sift__stir_b64url_decode(dot2 + 1, slen, pp->sig, sizeof(pp->sig))
            : -1;
    if (n != STIR_SIG_LEN)
        reason = fail(detail, size, SIFT_STIR_R_SIGNATURE,
                      "The ES256 signature is not 64 bytes.");
out:
    json_decref(h);
    json_decref(p);
    return reason;
}
