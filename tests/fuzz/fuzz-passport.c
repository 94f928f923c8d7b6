/*
 * fuzz-passport.c - libFuzzer target for the PASSporT decoder
 * (src/stir/stir_parse.c: base64url, JSON through jansson with duplicate
 * keys refused, the RFC 8225 / RFC 8588 claim checks) and the ES256
 * signature's DER re-encoding. Any bytes must decode or be refused with a
 * reason and a sentence, without a crash, a leak or undefined behaviour;
 * a decoded PASSporT must hold what the checks promise.
 *
 * The input is used twice: as the compact JWS itself, and, so the fuzzer
 * reaches the claim checks without having to invent base64url, as the
 * JSON header and payload (split at the first NUL byte) encoded here.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "stir/stir_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const char *jwt, size_t len)
{
    struct sift__passport pp;
    char detail[192];
    enum sift_rc rc;
    enum sift_stir_reason r;
    unsigned char der[80];

    r = sift__stir_decode_passport(jwt, len, &pp, detail, sizeof(detail), &rc);
    if (rc != SIFT_OK)
        return; /* jansson out of memory: not a finding */
    if (r != SIFT_STIR_R_OK) {
        if (detail[0] == '\0')
            __builtin_trap();
        return;
    }
    if (pp.attest == SIFT_STIR_ATTEST_UNKNOWN || pp.iat <= 0 ||
        pp.n_dest == 0 || pp.n_dest > STIR_MAX_DEST || pp.orig_tn[0] == '\0' ||
        pp.origid[0] == '\0' || strncasecmp(pp.x5u, "http", 4) != 0 ||
        pp.signing_input.p != jwt || pp.signing_input.len >= len)
        __builtin_trap();
    for (size_t i = 0; i < pp.n_dest; i++)
        if (strspn(pp.dest_tn[i], "0123456789") != strlen(pp.dest_tn[i]))
            __builtin_trap();
    if (sift__stir_sig_to_der(pp.sig, der) > 72)
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, '\0', size);
    char *jwt;
    size_t hl, pl, n = 0;
    unsigned char raw[64];

    check((const char *)data, size);
    if (nul == NULL || size > 6000)
        return 0;
    hl = (size_t)(nul - data);
    pl = size - hl - 1;
    jwt = malloc((hl + pl) * 4 / 3 + 100);
    if (jwt == NULL)
        return 0;
    n += sift__stir_b64url_encode(data, hl, jwt + n);
    jwt[n++] = '.';
    n += sift__stir_b64url_encode(nul + 1, pl, jwt + n);
    jwt[n++] = '.';
    for (size_t i = 0; i < sizeof(raw); i++)
        raw[i] = (unsigned char)(size + i * 37);
    n += sift__stir_b64url_encode(raw, sizeof(raw), jwt + n);
    check(jwt, n);
    free(jwt);
    return 0;
}
