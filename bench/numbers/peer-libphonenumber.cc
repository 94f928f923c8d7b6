/*
 * peer-libphonenumber - the peer side of bench/numbers: Debian's
 * libphonenumber C++ (PhoneNumberUtil) over the caller-ID set.
 *
 *   peer-libphonenumber [-r RUNS] CALLERS.tsv RESULTS.tsv
 *
 * CALLERS.tsv holds "REGION<TAB>CALLERID" lines (gen-callers). The run has
 * two passes in this order:
 *
 *  1. A streaming pass reads one line at a time and, for each input, calls
 *     Parse(input, region) and, when that succeeds, Format(E164),
 *     GetNumberType(), IsValidNumber() and GetRegionCodeForNumber(). It
 *     writes one line per input to RESULTS.tsv:
 *         status<TAB>valid<TAB>e164<TAB>region<TAB>type
 *     status is "ok" or the parse error in lower case ("not_a_number").
 *     The peak RSS after this pass (VmHWM) is the library's footprint: the
 *     inputs are never all in memory and output goes through one stdio
 *     buffer.
 *  2. The inputs are loaded into memory and timed RUNS times (default 3):
 *     parse + E.164 + type + validity per input, the work issue 2 section 5
 *     names. Region lookup is not timed (callsift finds the region during
 *     parse anyway). The best run counts.
 *
 * Finally a trailer line "#peer<TAB>key=value..." is appended to
 * RESULTS.tsv (bench-numbers reads it) and a summary goes to stdout.
 */
#include <phonenumbers/logger.h>
#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <string>
#include <vector>

#ifndef PEER_VERSION
#define PEER_VERSION "unknown"
#endif

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

namespace
{

const char *error_name(PhoneNumberUtil::ErrorType e)
{
    switch (e) {
    case PhoneNumberUtil::NO_PARSING_ERROR:
        return "ok";
    case PhoneNumberUtil::INVALID_COUNTRY_CODE_ERROR:
        return "invalid_country_code";
    case PhoneNumberUtil::NOT_A_NUMBER:
        return "not_a_number";
    case PhoneNumberUtil::TOO_SHORT_AFTER_IDD:
        return "too_short_after_idd";
    case PhoneNumberUtil::TOO_SHORT_NSN:
        return "too_short_nsn";
    case PhoneNumberUtil::TOO_LONG_NSN:
        return "too_long_nsn";
    }
    return "unknown_error";
}

/* The same names, in the same order, as callsift's enum sift_number_type. */
const char *type_name(PhoneNumberUtil::PhoneNumberType t)
{
    static const char *const names[] = {
        "fixed_line", "mobile",          "fixed_line_or_mobile",
        "toll_free",  "premium_rate",    "shared_cost",
        "voip",       "personal_number", "pager",
        "uan",        "voicemail",       "unknown"};
    unsigned i = (unsigned)t;
    return i < sizeof(names) / sizeof(names[0]) ? names[i] : "unknown";
}

double now_ns()
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Peak resident set of this process in KiB: VmHWM, else ru_maxrss. VmHWM
 * belongs to the process image, so it does not inherit the shell's. */
long peak_rss_kb()
{
    FILE *f = fopen("/proc/self/status", "r");
    char buf[256];
    long kb = 0;

    if (f) {
        while (fgets(buf, sizeof(buf), f)) {
            if (!strncmp(buf, "VmHWM:", 6)) {
                kb = strtol(buf + 6, NULL, 10);
                break;
            }
        }
        fclose(f);
    }
    if (kb == 0) {
        struct rusage ru;

        if (getrusage(RUSAGE_SELF, &ru) == 0)
            kb = ru.ru_maxrss;
    }
    return kb;
}

/* Split "REGION<TAB>CALLERID\n" in place. Returns false on a bad line. */
bool split_line(char *line, ssize_t len, const char **region,
                const char **callerid, size_t *id_len)
{
    if (len > 0 && line[len - 1] == '\n')
        line[--len] = '\0';
    char *tab = (char *)memchr(line, '\t', (size_t)len);
    if (!tab)
        return false;
    *tab = '\0';
    *region = line;
    *callerid = tab + 1;
    *id_len = (size_t)(line + len - (tab + 1));
    return true;
}

void usage()
{
    fprintf(stderr, "usage: peer-libphonenumber [-r RUNS] CALLERS.tsv "
                    "RESULTS.tsv\n");
    exit(2);
}

} // namespace

int main(int argc, char **argv)
{
    int runs = 3;
    int argi = 1;

    if (argi + 1 < argc && !strcmp(argv[argi], "-r")) {
        runs = (int)strtol(argv[argi + 1], NULL, 10);
        argi += 2;
    }
    if (argc - argi != 2 || runs < 1)
        usage();
    const char *in_path = argv[argi];
    const char *out_path = argv[argi + 1];

    PhoneNumberUtil *util = PhoneNumberUtil::GetInstance();
    util->SetLogger(new i18n::phonenumbers::NullLogger());

    FILE *in = fopen(in_path, "r");
    if (!in) {
        perror(in_path);
        return 1;
    }
    FILE *out = fopen(out_path, "w");
    if (!out) {
        perror(out_path);
        return 1;
    }

    /* Pass 1: streaming, results for agreement, footprint. */
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    size_t n_inputs = 0;
    std::string input, e164, region;
    PhoneNumber pn;

    while ((len = getline(&line, &cap, in)) >= 0) {
        const char *def_region, *callerid;
        size_t id_len;

        if (!split_line(line, len, &def_region, &callerid, &id_len)) {
            fprintf(stderr, "%s:%zu: no tab\n", in_path, n_inputs + 1);
            return 1;
        }
        input.assign(callerid, id_len);
        PhoneNumberUtil::ErrorType err = util->Parse(input, def_region, &pn);
        if (err == PhoneNumberUtil::NO_PARSING_ERROR) {
            util->Format(pn, PhoneNumberUtil::E164, &e164);
            PhoneNumberUtil::PhoneNumberType t = util->GetNumberType(pn);
            bool valid = util->IsValidNumber(pn);
            util->GetRegionCodeForNumber(pn, &region);
            fprintf(out, "ok\t%d\t%s\t%s\t%s\n", valid ? 1 : 0, e164.c_str(),
                    region.c_str(), type_name(t));
        } else {
            fprintf(out, "%s\t0\t\t\t\n", error_name(err));
        }
        n_inputs++;
    }
    free(line);
    fclose(in);
    long rss_stream_kb = peak_rss_kb();

    /* Pass 2: all inputs in memory, timed. */
    std::vector<std::string> inputs, regions;
    inputs.reserve(n_inputs);
    regions.reserve(n_inputs);
    in = fopen(in_path, "r");
    if (!in) {
        perror(in_path);
        return 1;
    }
    line = NULL;
    cap = 0;
    while ((len = getline(&line, &cap, in)) >= 0) {
        const char *def_region, *callerid;
        size_t id_len;

        if (!split_line(line, len, &def_region, &callerid, &id_len))
            return 1;
        regions.emplace_back(def_region);
        inputs.emplace_back(callerid, id_len);
    }
    free(line);
    fclose(in);

    double best = 0;
    uint64_t check = 0;
    for (int r = 0; r < runs; r++) {
        double t0 = now_ns();
        for (size_t i = 0; i < inputs.size(); i++) {
            if (util->Parse(inputs[i], regions[i], &pn) !=
                PhoneNumberUtil::NO_PARSING_ERROR)
                continue;
            util->Format(pn, PhoneNumberUtil::E164, &e164);
            check += (uint64_t)util->GetNumberType(pn);
            check += util->IsValidNumber(pn) ? 1 : 0;
            check += e164.size();
        }
        double dt = now_ns() - t0;
        if (r == 0 || dt < best)
            best = dt;
    }
    double ns_per = inputs.empty() ? 0 : best / (double)inputs.size();
    long rss_total_kb = peak_rss_kb();

    fprintf(out,
            "#peer\tname=libphonenumber\tversion=%s\tn=%zu\t"
            "ns_per_number=%.1f\trss_stream_kb=%ld\trss_total_kb=%ld\t"
            "runs=%d\tcheck=%llu\n",
            PEER_VERSION, n_inputs, ns_per, rss_stream_kb, rss_total_kb, runs,
            (unsigned long long)check);
    if (fclose(out)) {
        perror(out_path);
        return 1;
    }
    printf("libphonenumber %s: %zu inputs, %.1f ns/number (best of %d), "
           "peak RSS %.1f MB streaming, %.1f MB with inputs in memory\n",
           PEER_VERSION, n_inputs, ns_per, runs, rss_stream_kb / 1024.0,
           rss_total_kb / 1024.0);
    return 0;
}
