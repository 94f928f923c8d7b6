/*
 * fuzz-fingerprint.c - libFuzzer target for the campaign fingerprint
 * (src/reputation/reputation_fingerprint.c): on any bytes, and on the
 * normalised form of them as the engine hands it over, the AVX-512 path
 * must give exactly what the character-by-character loop gives (stored
 * fingerprints depend on it), within its buffers and without undefined
 * behaviour. The input is also read at every offset of its first 64
 * bytes, so that each byte falls at each place of a 64-byte block. Where
 * the CPU has no AVX-512 the target checks the scalar loop alone.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "callsift.h"
#include "callsift/reputation.h"
#include "callsift/text.h"
#include "reputation/reputation_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct sift_text_norm norm;
static int ready;

static void same(const char *s, size_t len, const char *what)
{
    uint64_t scalar = sift__rep_fingerprint_scalar(s, len), simd = scalar;

    if (sift__rep_fingerprint_simd(s, len, &simd) && simd != scalar) {
        fprintf(stderr,
                "fuzz-fingerprint: %s (%zu bytes): AVX-512 %016llx, "
                "scalar %016llx\n",
                what, len, (unsigned long long)simd,
                (unsigned long long)scalar);
        abort();
    }
    if (sift_reputation_fingerprint(s, len) != scalar)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;

    if (!ready) {
        sift_text_norm_init(&norm, 0);
        ready = 1;
    }
    for (size_t off = 0; off < size && off < 64; off++)
        same(s + off, size - off, "raw bytes");
    if (sift_text_normalize(s, size, &norm, NULL) == SIFT_OK)
        same(norm.text, norm.len, "normalised");
    return 0;
}
