/*
 * gen-callers - write the deterministic caller-ID set for bench/numbers.
 *
 *   gen-callers [-n COUNT] [-s SEED] [-o FILE]
 *
 * Writes COUNT lines (default 1,000,000) of "REGION<TAB>CALLERID\n" to FILE
 * or stdout. REGION is the default region both harnesses pass with the
 * caller ID, so that national forms such as "090-1234-5678" (JP) or
 * "(212) 555-0123" (US) mean the same thing to callsift and libphonenumber.
 *
 * The mix follows issue 2 section 5: about 10% malformed input or caller-ID
 * states, and the rest split 40:30:30 between Japanese national forms, NANP
 * forms and other countries in international (or IDD) form. Numbers are
 * drawn mostly from real prefixes with random subscriber digits, and partly
 * from random digits, so both valid and invalid numbers occur.
 *
 * Invariants: the output depends only on COUNT and SEED (a splitmix64
 * generator, no libc rand, no locale); a caller ID never contains a tab or
 * a newline.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define LINE_MAX_LEN 512

static uint64_t rng_state;

/* splitmix64 (Steele, Lea, Flood 2014): tiny, fast and good enough. */
static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Uniform in [0, n). The modulo bias is irrelevant at these sizes. */
static unsigned rng_below(unsigned n)
{
    return (unsigned)(rng_next() % n);
}

/* True with probability pct percent. */
static int chance(unsigned pct)
{
    return rng_below(100) < pct;
}

#define PICK(arr) ((arr)[rng_below(ARRAY_LEN(arr))])

/* One output line under construction. Appends past the end are dropped. */
struct line {
    char buf[LINE_MAX_LEN];
    size_t len;
};

static void add(struct line *l, const char *s, size_t n)
{
    if (n > sizeof(l->buf) - 1 - l->len)
        n = sizeof(l->buf) - 1 - l->len;
    memcpy(l->buf + l->len, s, n);
    l->len += n;
    l->buf[l->len] = '\0';
}

static void adds(struct line *l, const char *s)
{
    add(l, s, strlen(s));
}

static void addc(struct line *l, char c)
{
    add(l, &c, 1);
}

/*
 * Digit groups of one number, expanded from a template such as
 * "090 XXXX XXXX": groups are separated by spaces; X is any digit, N is
 * 2-9 (a NANP exchange), Y is 1-9, anything else is literal.
 */
#define MAX_GROUPS 6
struct groups {
    char g[MAX_GROUPS][24];
    int n;
};

static void expand(struct groups *gs, const char *tpl)
{
    size_t len = 0;

    gs->n = 0;
    memset(gs->g, 0, sizeof(gs->g));
    for (const char *p = tpl;; p++) {
        if (*p == ' ' || *p == '\0') {
            if (len > 0 && gs->n < MAX_GROUPS)
                gs->n++;
            len = 0;
            if (*p == '\0')
                break;
            continue;
        }
        if (gs->n >= MAX_GROUPS || len + 1 >= sizeof(gs->g[0]))
            continue;
        char c = *p;
        if (c == 'X')
            c = (char)('0' + rng_below(10));
        else if (c == 'N')
            c = (char)('2' + rng_below(8));
        else if (c == 'Y')
            c = (char)('1' + rng_below(9));
        gs->g[gs->n][len++] = c;
    }
}

/* Random digits: "X" repeated n times, as a template group. */
static void random_template(char *tpl, size_t size, const char *lead,
                            unsigned n)
{
    size_t len = strlen(lead);

    if (len >= size)
        len = size - 1;
    memcpy(tpl, lead, len);
    while (n-- > 0 && len + 1 < size)
        tpl[len++] = 'X';
    tpl[len] = '\0';
}

static void join(struct line *l, const struct groups *gs, int from,
                 const char *sep)
{
    for (int i = from; i < gs->n; i++) {
        if (i > from)
            adds(l, sep);
        adds(l, gs->g[i]);
    }
}

/*
 * Full-width presentation, as Japanese phones and web forms show it:
 * ASCII digits, '+', '-', '(', ')' and space become U+FF10.., U+FF0B,
 * U+FF0D, U+FF08, U+FF09 and U+3000. With digits_only the punctuation
 * stays ASCII except '-', which becomes the katakana long mark U+30FC, a
 * common stand-in for a hyphen in Japanese text.
 */
static void to_full_width(struct line *l, int digits_only)
{
    struct line out = {{0}, 0};

    for (size_t i = 0; i < l->len; i++) {
        unsigned char c = (unsigned char)l->buf[i];
        char u[4] = {(char)0xEF, (char)0xBC, 0, 0};

        if (c >= '0' && c <= '9') {
            u[2] = (char)(0x90 + (c - '0'));
            add(&out, u, 3);
        } else if (digits_only && c == '-') {
            adds(&out, "\xE3\x83\xBC");
        } else if (digits_only) {
            addc(&out, (char)c);
        } else if (c == '+' || c == '-' || c == '(' || c == ')') {
            u[2] = (char)(0x80 + (c - 0x20));
            add(&out, u, 3);
        } else if (c == ' ') {
            adds(&out, "\xE3\x80\x80");
        } else {
            addc(&out, (char)c);
        }
    }
    *l = out;
}

/* ---- Japan: national forms, default region JP ------------------------ */

struct tpl {
    unsigned weight;
    const char *t;
};

static const struct tpl jp_tpls[] = {
    {22, "090 XXXX XXXX"}, /* mobile */
    {16, "080 XXXX XXXX"}, {8, "070 XXXX XXXX"},
    {9, "03 XXXX XXXX"},                        /* Tokyo */
    {5, "06 XXXX XXXX"},                        /* Osaka */
    {2, "045 XXX XXXX"},                        /* Yokohama */
    {2, "052 XXX XXXX"},                        /* Nagoya */
    {1, "011 XXX XXXX"},                        /* Sapporo */
    {1, "092 XXX XXXX"},                        /* Fukuoka */
    {1, "075 XXX XXXX"},                        /* Kyoto */
    {1, "022 XXX XXXX"},                        /* Sendai */
    {1, "0467 XX XXXX"},                        /* Fujisawa */
    {1, "0198 XX XXXX"},                        /* Hanamaki */
    {1, "04996 X XXXX"},                        /* Hachijojima */
    {6, "0120 XXX XXX"},                        /* toll free */
    {3, "0800 XXX XXXX"},  {3, "0570 XXX XXX"}, /* navi dial */
    {5, "050 XXXX XXXX"},                       /* IP phone */
    {1, "020 XXXX XXXX"},                       /* pager / M2M */
    {1, "0990 XXX XXX"},                        /* premium */
    {1, "060 XXXX XXXX"},                       /* FMC */
    {1, "0180 XXX XXX"},                        /* telephone voting */
};

static const char *pick_tpl(const struct tpl *t, size_t n)
{
    unsigned total = 0;

    for (size_t i = 0; i < n; i++)
        total += t[i].weight;
    unsigned r = rng_below(total);
    for (size_t i = 0; i < n; i++) {
        if (r < t[i].weight)
            return t[i].t;
        r -= t[i].weight;
    }
    return t[0].t;
}

static void gen_jp(struct line *l)
{
    struct groups gs;
    char tpl[64];
    unsigned r;

    adds(l, "JP\t");
    if (chance(6)) {
        /* random national digits: mostly invalid, sometimes not */
        random_template(tpl, sizeof(tpl), "0", 8 + rng_below(3));
        expand(&gs, tpl);
    } else {
        expand(&gs, pick_tpl(jp_tpls, ARRAY_LEN(jp_tpls)));
    }

    size_t start = l->len;
    r = rng_below(100);
    if (r < 48) {
        join(l, &gs, 0, "-"); /* 090-1234-5678 */
    } else if (r < 76) {
        join(l, &gs, 0, ""); /* 09012345678 */
    } else if (r < 80) {
        join(l, &gs, 0, " ");
    } else if (r < 83 && gs.n == 3) {
        /* 03(1234)5678, the traditional Japanese way */
        adds(l, gs.g[0]);
        addc(l, '(');
        adds(l, gs.g[1]);
        addc(l, ')');
        adds(l, gs.g[2]);
    } else if (r < 88) {
        /* +81 90-1234-5678: drop the trunk 0 */
        adds(l, chance(50) ? "+81 " : "+81-");
        adds(l, gs.g[0] + 1);
        if (gs.n > 1)
            adds(l, "-");
        join(l, &gs, 1, "-");
    } else if (r < 89) {
        adds(l, "+81 (0)");
        join(l, &gs, 0, " ");
    } else if (r < 90) {
        /* 010 is JP's IDD; 010-81-... from Japan reaches Japan */
        adds(l, "010-81-");
        adds(l, gs.g[0] + 1);
        addc(l, '-');
        join(l, &gs, 1, "-");
    } else if (r < 91) {
        join(l, &gs, 0, "-");
        adds(l, PICK(((const char *[]){" ext. ", " ext ", " x", ";ext="})));
        for (unsigned i = 1 + rng_below(4); i > 0; i--)
            addc(l, (char)('0' + rng_below(10)));
    } else {
        join(l, &gs, 0, "-");
        /* full width, whole or digits only */
        struct line tail = {{0}, 0};
        add(&tail, l->buf + start, l->len - start);
        to_full_width(&tail, r >= 97);
        l->len = start;
        add(l, tail.buf, tail.len);
    }
}

/* ---- NANP ------------------------------------------------------------ */

static const char *const nanp_us[] = {
    "201", "202", "203", "205", "206", "212", "213", "214", "215", "216",
    "301", "303", "305", "310", "312", "313", "314", "323", "347", "404",
    "408", "412", "415", "469", "503", "512", "602", "617", "646", "702",
    "713", "718", "773", "808", "907", "917", "949", "971", "972", "978",
};
static const char *const nanp_ca[] = {"204", "250", "306", "403", "416",
                                      "438", "514", "587", "604", "613",
                                      "647", "780", "867", "902", "905"};
static const char *const nanp_other[] = {
    "242", "246", "264", "268", "284", "340", "345", "441", "473",
    "649", "664", "670", "671", "684", "721", "758", "767", "784",
    "787", "809", "829", "849", "868", "869", "876", "939"};
static const char *const nanp_toll_free[] = {"800", "833", "844", "855",
                                             "866", "877", "888"};
static const char *const nanp_special[] = {"900", "500", "533", "544",
                                           "566", "577", "588", "710"};

/* Letters for vanity numbers ("1-800-FLOWERS"). */
static void add_letters(struct line *l, unsigned n)
{
    while (n-- > 0)
        addc(l, (char)('A' + rng_below(26)));
}

static void gen_nanp(struct line *l)
{
    struct groups gs;
    char tpl[64];
    const char *npa;
    unsigned r = rng_below(100);

    if (r < 45)
        npa = PICK(nanp_us);
    else if (r < 60)
        npa = PICK(nanp_ca);
    else if (r < 70)
        npa = PICK(nanp_other);
    else if (r < 88)
        npa = PICK(nanp_toll_free);
    else if (r < 91)
        npa = PICK(nanp_special);
    else
        npa = "NXX"; /* random area code: often unassigned */

    if (chance(4))
        snprintf(tpl, sizeof(tpl), "%s 555 01XX", npa); /* fiction range */
    else if (chance(3))
        snprintf(tpl, sizeof(tpl), "%s XXX XXXX", npa); /* 0/1 exchange */
    else
        snprintf(tpl, sizeof(tpl), "%s NXX XXXX", npa);
    expand(&gs, tpl);

    /* Forms with a + or the IDD are read the same from anywhere, so
     * half of them are given with JP as the default region; national
     * forms need US. */
    const char *plus_region = chance(50) ? "JP\t" : "US\t";
    const char *a = gs.g[0], *b = gs.g[1], *c = gs.g[2];
    char num[96];

    r = rng_below(100);
    if (r < 22)
        snprintf(num, sizeof(num), "%s+1 (%s) %s-%s", plus_region, a, b, c);
    else if (r < 36)
        snprintf(num, sizeof(num), "%s+1-%s-%s-%s", plus_region, a, b, c);
    else if (r < 48)
        snprintf(num, sizeof(num), "%s+1%s%s%s", plus_region, a, b, c);
    else if (r < 52)
        snprintf(num, sizeof(num), "%s+1(%s)%s-%s", plus_region, a, b, c);
    else if (r < 60)
        snprintf(num, sizeof(num), "US\t1%s%s%s", a, b, c);
    else if (r < 64)
        snprintf(num, sizeof(num), "US\t1-%s-%s-%s", a, b, c);
    else if (r < 78)
        snprintf(num, sizeof(num), "US\t(%s) %s-%s", a, b, c);
    else if (r < 86)
        snprintf(num, sizeof(num), "US\t%s-%s-%s", a, b, c);
    else if (r < 89)
        snprintf(num, sizeof(num), "US\t%s.%s.%s", a, b, c);
    else if (r < 93)
        snprintf(num, sizeof(num), "US\t%s%s%s", a, b, c);
    else if (r < 96)
        snprintf(num, sizeof(num), "JP\t010-1-%s-%s-%s", a, b, c);
    else if (r < 97)
        snprintf(num, sizeof(num), "%stel:+1-%s-%s-%s", plus_region, a, b, c);
    else {
        /* vanity: 1-800-FLOWERS */
        snprintf(num, sizeof(num), "US\t1-%s-", a);
        adds(l, num);
        add_letters(l, 7);
        return;
    }
    adds(l, num);
}

/* ---- Other countries, international or IDD form --------------------- */

struct country {
    unsigned weight;
    const char *cc;
    int trunk0; /* national forms start with a trunk 0, "(0)" is seen */
    const char *tpl[6];
};

static const struct country countries[] = {
    {14,
     "44",
     1,
     {"20 7946 0XXX", "7700 900XXX", "7YXX XXXXXX", "161 XXX XXXX",
      "800 XXX XXXX", "121 XXX XXXX"}},
    {12,
     "86",
     0,
     {"138 XXXX XXXX", "139 XXXX XXXX", "186 XXXX XXXX", "10 XXXX XXXX",
      "21 XXXX XXXX", "755 XXXX XXXX"}},
    {6,
     "33",
     1,
     {"1 XX XX XX XX", "6 XX XX XX XX", "7 XX XX XX XX", "9 XX XX XX XX",
      "800 XX XX XX", NULL}},
    {6,
     "49",
     1,
     {"30 XXXXXXXX", "89 XXXXXXX", "151 XXXXXXXX", "170 XXXXXXX", "40 XXXXXXX",
      "800 XXXXXXX"}},
    {9,
     "82",
     1,
     {"10 XXXX XXXX", "2 XXXX XXXX", "31 XXX XXXX", "70 XXXX XXXX",
      "80 XXX XXXX", NULL}},
    {7,
     "7",
     0,
     {"495 XXX XX XX", "9XX XXX XX XX", "812 XXX XX XX", "701 XXX XX XX",
      "727 XXX XX XX", "800 XXX XX XX"}},
    {8,
     "63",
     1,
     {"917 XXX XXXX", "2 XXXX XXXX", "998 XXX XXXX", "32 XXX XXXX", NULL}},
    {6,
     "61",
     1,
     {"4XX XXX XXX", "2 XXXX XXXX", "3 XXXX XXXX", "1800 XXX XXX",
      "8 XXXX XXXX", NULL}},
    {4, "852", 0, {"5XXX XXXX", "6XXX XXXX", "9XXX XXXX", "2XXX XXXX"}},
    {4, "886", 1, {"9XX XXX XXX", "2 XXXX XXXX", "7 XXXX XXXX", NULL}},
    {3, "66", 1, {"8X XXX XXXX", "2 XXX XXXX", "9X XXX XXXX", NULL}},
    {4, "84", 1, {"9X XXX XX XX", "3X XXX XX XX", "28 XXXX XXXX", NULL}},
    {3, "91", 1, {"98XXX XXXXX", "11 XXXX XXXX", "7XXXX XXXXX", NULL}},
    {2, "234", 1, {"80X XXX XXXX", "1 XXX XXXX", NULL}},
    {2, "55", 1, {"11 9XXXX XXXX", "21 XXXX XXXX", NULL}},
    {2, "62", 1, {"812 XXXX XXXX", "21 XXXX XXXX", NULL}},
    {2, "971", 1, {"50 XXX XXXX", "4 XXX XXXX", NULL}},
    {2, "39", 0, {"06 XXXX XXXX", "3XX XXX XXXX", "02 XXXX XXXX", NULL}},
    {2, "34", 0, {"6XX XXX XXX", "91 XXX XX XX", NULL}},
    {2, "65", 0, {"9XXX XXXX", "6XXX XXXX", "8XXX XXXX", NULL}},
    {1, "60", 1, {"12 XXX XXXX", "3 XXXX XXXX", NULL}},
    {1, "64", 1, {"21 XXX XXXX", "9 XXX XXXX", NULL}},
    {1, "800", 0, {"XXXX XXXX", NULL}},   /* international freephone */
    {1, "870", 0, {"7XX XXX XXX", NULL}}, /* Inmarsat */
    {1, "882", 0, {"16 XXXX XXXX", NULL}},
    {1, "372", 0, {"5XXX XXXX", "6XX XXXX", NULL}},
    {1, "353", 1, {"8X XXX XXXX", "1 XXX XXXX", NULL}},
};

static const struct country *pick_country(void)
{
    unsigned total = 0;

    for (size_t i = 0; i < ARRAY_LEN(countries); i++)
        total += countries[i].weight;
    unsigned r = rng_below(total);
    for (size_t i = 0; i < ARRAY_LEN(countries); i++) {
        if (r < countries[i].weight)
            return &countries[i];
        r -= countries[i].weight;
    }
    return &countries[0];
}

static void gen_other(struct line *l)
{
    struct groups gs;
    char tpl[64];
    const struct country *c = pick_country();
    const char *cc = c->cc;
    unsigned n_tpl = 0;

    while (n_tpl < ARRAY_LEN(c->tpl) && c->tpl[n_tpl])
        n_tpl++;
    if (chance(5)) {
        /* random country code and digits: mostly invalid */
        static char rcc[4];
        snprintf(rcc, sizeof(rcc), "%u", 1 + rng_below(999));
        cc = rcc;
        random_template(tpl, sizeof(tpl), "", 6 + rng_below(7));
        expand(&gs, tpl);
    } else if (chance(4)) {
        random_template(tpl, sizeof(tpl), "", 5 + rng_below(8));
        expand(&gs, tpl);
    } else {
        expand(&gs, c->tpl[rng_below(n_tpl)]);
    }

    unsigned r = rng_below(100);
    if (r < 40) {
        adds(l, chance(70) ? "JP\t+" : "US\t+");
        adds(l, cc);
        addc(l, ' ');
        join(l, &gs, 0, " "); /* +44 20 7946 0321 */
    } else if (r < 58) {
        adds(l, chance(70) ? "JP\t+" : "GB\t+");
        adds(l, cc);
        join(l, &gs, 0, ""); /* +442079460321 */
    } else if (r < 66) {
        adds(l, "JP\t+");
        adds(l, cc);
        addc(l, '-');
        join(l, &gs, 0, "-");
    } else if (r < 80) {
        adds(l, "JP\t010 "); /* IDD from Japan */
        adds(l, cc);
        addc(l, ' ');
        join(l, &gs, 0, " ");
    } else if (r < 84) {
        adds(l, "JP\t010");
        adds(l, cc);
        join(l, &gs, 0, "");
    } else if (r < 90) {
        adds(l, "US\t011 "); /* IDD from the US */
        adds(l, cc);
        addc(l, ' ');
        join(l, &gs, 0, " ");
    } else if (r < 96) {
        /* "00" is the IDD of most of Europe */
        static const char *const from00[] = {"DE\t00", "FR\t00", "IT\t00",
                                             "ES\t00", "NL\t00"};
        static const char *const from00_not_de[] = {"FR\t00", "IT\t00",
                                                    "NL\t00"};
        adds(l, strcmp(cc, "49") ? PICK(from00) : PICK(from00_not_de));
        adds(l, cc);
        addc(l, ' ');
        join(l, &gs, 0, " ");
    } else if (c->trunk0 && cc == c->cc) {
        adds(l, "JP\t+");
        adds(l, cc);
        adds(l, " (0)"); /* +44 (0)20 7946 0321 */
        join(l, &gs, 0, " ");
    } else {
        adds(l, "JP\t+");
        adds(l, cc);
        adds(l, " ");
        join(l, &gs, 0, ".");
    }
}

/* ---- Malformed input and caller-ID states --------------------------- */

static const char *const states[] = {
    "",         " ",          "非通知",      "通知不可能", "表示圏外",
    "公衆電話", "anonymous",  "Anonymous",   "private",    "Private",
    "withheld", "restricted", "unavailable", "unknown",    "P",
    "O",        "S",          "C",           "非通知設定", "ANONYMOUS",
};

static const char *const junk[] = {
    "+",
    "00",
    "0",
    "+0",
    "+-",
    "---",
    "()",
    "...",
    "abc",
    "hello world",
    "12",
    "123",
    "110",
    "119",
    "+999 1234 5678",
    "+81",
    "+1",
    "090-1234",
    "#31#",
    "*67",
    "+81 0",
    "0000000000",
    "1",
    "++81 90 1234 5678",
    "+ - ( )",
    "n/a",
    "-",
    "xxx-xxxx-xxxx",
};

static void gen_malformed(struct line *l)
{
    unsigned r = rng_below(100);

    adds(l, chance(80) ? "JP\t" : "US\t");
    if (r < 45) {
        adds(l, PICK(states));
    } else if (r < 75) {
        adds(l, PICK(junk));
    } else if (r < 83) {
        /* 18 to 34 digits, with or without a plus */
        if (chance(50))
            addc(l, '+');
        for (unsigned i = 18 + rng_below(17); i > 0; i--)
            addc(l, (char)('0' + rng_below(10)));
    } else if (r < 90) {
        /* punctuation only */
        static const char punct[] = "-()+. /";
        for (unsigned i = 1 + rng_below(12); i > 0; i--)
            addc(l, punct[rng_below(sizeof(punct) - 1)]);
    } else if (r < 96) {
        /* letters, sometimes mixed with digits */
        for (unsigned i = 1 + rng_below(14); i > 0; i--) {
            if (chance(30))
                addc(l, (char)('0' + rng_below(10)));
            else
                addc(l, (char)('a' + rng_below(26)));
        }
    } else {
        /* a short run of digits: 1 to 5 */
        for (unsigned i = 1 + rng_below(5); i > 0; i--)
            addc(l, (char)('0' + rng_below(10)));
    }
}

static void usage(void)
{
    fprintf(stderr, "usage: gen-callers [-n COUNT] [-s SEED] [-o FILE]\n");
    exit(2);
}

static unsigned long long parse_num(const char *s)
{
    char *end;

    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end)
        usage();
    return v;
}

int main(int argc, char **argv)
{
    unsigned long long count = 1000000, seed = 20240229;
    const char *path = NULL;
    FILE *out = stdout;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-n") && i + 1 < argc)
            count = parse_num(argv[++i]);
        else if (!strcmp(argv[i], "-s") && i + 1 < argc)
            seed = parse_num(argv[++i]);
        else if (!strcmp(argv[i], "-o") && i + 1 < argc)
            path = argv[++i];
        else
            usage();
    }
    if (path) {
        out = fopen(path, "w");
        if (!out) {
            perror(path);
            return 1;
        }
    }

    rng_state = seed;
    for (unsigned long long i = 0; i < count; i++) {
        struct line l = {{0}, 0};
        unsigned r = rng_below(1000);

        if (r < 100)
            gen_malformed(&l);
        else if (r < 460)
            gen_jp(&l);
        else if (r < 730)
            gen_nanp(&l);
        else
            gen_other(&l);
        addc(&l, '\n');
        fwrite(l.buf, 1, l.len, out);
    }
    if (fflush(out) || (path && fclose(out))) {
        perror(path ? path : "stdout");
        return 1;
    }
    return 0;
}
