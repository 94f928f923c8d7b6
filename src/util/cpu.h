/*
 * cpu.h - the vector instructions this CPU has, asked once.
 *
 * On x86-64 the answer comes from CPUID (the compiler's
 * __builtin_cpu_supports); elsewhere it is "none". Code that uses a
 * feature keeps a portable path beside it and asks per call (two relaxed
 * loads), so one binary runs everywhere; tests limit the answer to check
 * the portable paths too (sift__cpu_limit()).
 */
#ifndef SIFT_UTIL_CPU_H
#define SIFT_UTIL_CPU_H

enum sift__cpu_feature {
    /* AVX-512 F, BW, VL, DQ and VBMI2, with BMI2 and POPCNT: the campaign
     * fingerprint (reputation_fingerprint.c) */
    SIFT__CPU_AVX512_TEXT = 1u << 0,
    /* AVX-512 F and VPOPCNTDQ: the campaign buckets' distances
     * (reputation_campaign.c) */
    SIFT__CPU_AVX512_POPCNT = 1u << 1
};

/* The features of enum sift__cpu_feature this CPU has, within the limit. */
unsigned sift__cpu_features(void);

/* For tests: from now on report only the features in mask (~0u: every
 * feature the CPU has). */
void sift__cpu_limit(unsigned mask);

#endif
