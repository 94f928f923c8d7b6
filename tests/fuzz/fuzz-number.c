/*
 * fuzz-number.c - libFuzzer target for the caller-ID parser: any bytes, in
 * several home regions, must parse to a status without a crash, an
 * out-of-bounds read or undefined behaviour, and every parsed number must
 * format and describe within its buffers. The fast path for plain digit
 * strings must give exactly what the general path gives.
 */
#include <stdint.h>
#include <string.h>

#include "callsift.h"
#include "number/number_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *regions[] = {"JP", "US", "GB", "AR", "BR", NULL};
    const char *region = regions[size % 6];
    struct sift_number n, callee, general;
    struct sift_number_relation rel;
    struct sift_err err, err_general;
    enum sift_rc rc;
    char buf[128];

    memset(&err, 0, sizeof(err));
    memset(&err_general, 0, sizeof(err_general));
    rc = sift_number_parse(&n, (const char *)data, size, region, &err);
    if (sift__number_parse_general(&general, (const char *)data, size, region,
                                   &err_general) != rc ||
        memcmp(&n, &general, sizeof(n)) != 0 ||
        strcmp(err.msg, err_general.msg) != 0)
        __builtin_trap(); /* the two paths disagree */
    if (rc == SIFT_OK) {
        if (n.status == SIFT_NUMBER_OK && n.e164[0] != '+')
            __builtin_trap();
    } else if (err.msg[0] == '\0') {
        __builtin_trap(); /* a malformed input must say why */
    }
    for (int f = SIFT_FORMAT_E164; f <= SIFT_FORMAT_RFC3966; f++)
        sift_number_format(&n, (enum sift_number_format)f, buf, sizeof(buf));
    sift_number_describe(&n, SIFT_LANG_JA, buf, sizeof(buf));
    sift_number_describe(&n, SIFT_LANG_EN, buf, sizeof(buf));
    (void)sift_number_geography(&n, SIFT_LANG_JA);
    (void)sift_number_carrier(&n);
    sift_number_parse(&callee, "090-1234-5678", 13, "JP", NULL);
    sift_number_relate(&n, &callee, "JP", &rel);
    return 0;
}
