/*
 * fuzz-identity.c - libFuzzer target for the SIP Identity header parser
 * (src/stir/stir_parse.c, RFC 8224 §4.1): any bytes must split into a
 * token and parameters, or be refused with a reason and a sentence,
 * without a crash, an out-of-bounds read or undefined behaviour. Every
 * slice it returns must lie inside the input.
 */
#include <stdint.h>
#include <string.h>

#include "stir/stir_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_slice(struct sift_str s, const char *in, size_t size)
{
    if (s.p == NULL)
        return;
    if (s.p < in || s.p + s.len > in + size || s.len == 0)
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data;
    struct sift__stir_identity id;
    char detail[192];
    enum sift_stir_reason r;

    r = sift__stir_parse_identity(in, size, &id, detail, sizeof(detail));
    if (r == SIFT_STIR_R_OK) {
        check_slice(id.token, in, size);
        check_slice(id.info, in, size);
        check_slice(id.alg, in, size);
        check_slice(id.ppt, in, size);
        if (id.token.p == NULL)
            __builtin_trap();
    } else if (detail[0] == '\0' ||
               (r != SIFT_STIR_R_MALFORMED && r != SIFT_STIR_R_TOO_BIG)) {
        __builtin_trap(); /* a refusal must say why, as a parse reason */
    }
    return 0;
}
