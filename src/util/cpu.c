/*
 * cpu.c - the vector instructions this CPU has (cpu.h).
 */
#include <stdatomic.h>

#include "util/cpu.h"

#define KNOWN (1u << 31) /* detected; the other bits are the features */

static _Atomic unsigned features;
static _Atomic unsigned limit = ~0u;

static unsigned detect(void)
{
    unsigned f = 0;

#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") &&
        __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vl") &&
        __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx512vbmi2") &&
        __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("popcnt"))
        f |= SIFT__CPU_AVX512_TEXT;
    if (__builtin_cpu_supports("avx512f") &&
        __builtin_cpu_supports("avx512vpopcntdq"))
        f |= SIFT__CPU_AVX512_POPCNT;
#endif
    return f;
}

unsigned sift__cpu_features(void)
{
    unsigned f = atomic_load_explicit(&features, memory_order_relaxed);

    if (!(f & KNOWN)) {
        /* a benign race: every thread finds the same */
        f = detect() | KNOWN;
        atomic_store_explicit(&features, f, memory_order_relaxed);
    }
    return f & ~KNOWN & atomic_load_explicit(&limit, memory_order_relaxed);
}

void sift__cpu_limit(unsigned mask)
{
    atomic_store_explicit(&limit, mask, memory_order_relaxed);
}
