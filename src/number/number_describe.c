/*
 * number_describe.c - what a parsed caller ID means, in words for people,
 * and how a call relates to its callee.
 *
 * The sentences name the number the way a person in Japan or the US knows
 * it ("US/Canada toll-free number — like 0120 in Japan", "Japanese IP phone
 * (050)"). Japanese number ranges follow the 総務省 numbering plan
 * (電気通信番号計画): 0120/0800 toll free (フリーダイヤル), 0570 navi dial
 * (UAN), 050 IP phone, 070/080/090 mobile, 020 pager / M2M, 0990 premium.
 * NANP toll-free codes 800, 833, 844, 855, 866, 877, 888 follow the NANPA
 * plan.
 *
 * Nothing here allocates; every string is static or written into the
 * caller's buffer.
 */
#include <string.h>

#include "callsift/number.h"
#include "util/util.h"

static const char *type_names[] = {
    [SIFT_TYPE_FIXED_LINE] = "fixed_line",
    [SIFT_TYPE_MOBILE] = "mobile",
    [SIFT_TYPE_FIXED_LINE_OR_MOBILE] = "fixed_line_or_mobile",
    [SIFT_TYPE_TOLL_FREE] = "toll_free",
    [SIFT_TYPE_PREMIUM_RATE] = "premium_rate",
    [SIFT_TYPE_SHARED_COST] = "shared_cost",
    [SIFT_TYPE_VOIP] = "voip",
    [SIFT_TYPE_PERSONAL_NUMBER] = "personal_number",
    [SIFT_TYPE_PAGER] = "pager",
    [SIFT_TYPE_UAN] = "uan",
    [SIFT_TYPE_VOICEMAIL] = "voicemail",
    [SIFT_TYPE_UNKNOWN] = "unknown",
};

static const char *status_names[] = {
    [SIFT_NUMBER_OK] = "ok",
    [SIFT_NUMBER_WITHHELD] = "withheld",
    [SIFT_NUMBER_UNAVAILABLE] = "unavailable",
    [SIFT_NUMBER_PAYPHONE] = "payphone",
    [SIFT_NUMBER_EMPTY] = "empty",
    [SIFT_NUMBER_NOT_A_NUMBER] = "not_a_number",
    [SIFT_NUMBER_INVALID_COUNTRY_CODE] = "invalid_country_code",
    [SIFT_NUMBER_TOO_SHORT] = "too_short",
    [SIFT_NUMBER_TOO_LONG] = "too_long",
    [SIFT_NUMBER_BAD_ENCODING] = "bad_encoding",
    [SIFT_NUMBER_INPUT_TOO_LONG] = "input_too_long",
};

const char *sift_number_type_name(enum sift_number_type type)
{
    if ((unsigned)type >= SIFT_ARRAY_LEN(type_names))
        return "unknown";
    return type_names[type];
}

const char *sift_number_status_name(enum sift_number_status status)
{
    if ((unsigned)status >= SIFT_ARRAY_LEN(status_names))
        return "not_a_number";
    return status_names[status];
}

/* Words for a type, after a country name: "United Kingdom mobile number". */
static const char *type_words[][2] = {
    [SIFT_TYPE_FIXED_LINE] = {"landline", "固定電話"},
    [SIFT_TYPE_MOBILE] = {"mobile number", "携帯電話"},
    [SIFT_TYPE_FIXED_LINE_OR_MOBILE] = {"landline or mobile number",
                                        "固定電話または携帯電話"},
    [SIFT_TYPE_TOLL_FREE] = {"toll-free number", "フリーダイヤル番号"},
    [SIFT_TYPE_PREMIUM_RATE] = {"premium-rate number", "有料情報サービス番号"},
    [SIFT_TYPE_SHARED_COST] = {"shared-cost number", "料金分担番号"},
    [SIFT_TYPE_VOIP] = {"internet (IP) phone number", "IP電話"},
    [SIFT_TYPE_PERSONAL_NUMBER] = {"personal (forwarding) number",
                                   "パーソナル番号（転送）"},
    [SIFT_TYPE_PAGER] = {"pager or machine-to-machine number",
                         "ポケベル・M2M番号"},
    [SIFT_TYPE_UAN] = {"company-wide number", "統一番号（企業の代表番号）"},
    [SIFT_TYPE_VOICEMAIL] = {"voicemail access number",
                             "留守番電話サービス番号"},
    [SIFT_TYPE_UNKNOWN] = {"number", "番号"},
};

static void describe_state(struct sift__sbuf *sb, const struct sift_number *n,
                           int ja)
{
    switch (n->status) {
    case SIFT_NUMBER_WITHHELD:
        sift__sbuf_adds(sb, ja ? "非通知：相手が番号を隠してかけています"
                               : "Withheld (非通知): the caller chose to "
                                 "hide the number");
        break;
    case SIFT_NUMBER_UNAVAILABLE:
        sift__sbuf_adds(sb, ja ? "通知不可能・表示圏外：番号が届いていません"
                                 "（海外や一部の回線から）"
                               : "Unavailable (通知不可能/表示圏外): the "
                                 "network could not pass the number on, "
                                 "often a call from abroad");
        break;
    case SIFT_NUMBER_PAYPHONE:
        sift__sbuf_adds(sb,
                        ja ? "公衆電話からの発信です" : "Payphone (公衆電話)");
        break;
    case SIFT_NUMBER_EMPTY:
        sift__sbuf_adds(sb, ja ? "番号が表示されていません"
                               : "No caller ID was shown");
        break;
    default:
        sift__sbuf_adds(sb, ja ? "電話番号として読めません（"
                               : "Not readable as a phone number (");
        sift__sbuf_adds(sb, sift_number_status_name(n->status));
        sift__sbuf_adds(sb, ja ? "）" : ")");
        break;
    }
}

/* Sentences for the ranges a person in Japan knows by their prefix. */
static int describe_jp(struct sift__sbuf *sb, const struct sift_number *n,
                       int ja)
{
    switch (n->type) {
    case SIFT_TYPE_MOBILE:
        sift__sbuf_adds(sb, ja ? "日本の携帯電話（070/080/090）"
                               : "Japanese mobile number (070/080/090)");
        return 1;
    case SIFT_TYPE_TOLL_FREE:
        sift__sbuf_adds(sb, ja ? "日本のフリーダイヤル（0120/0800）"
                               : "Japanese toll-free number (0120/0800)");
        return 1;
    case SIFT_TYPE_VOIP:
        sift__sbuf_adds(sb,
                        ja ? "日本のIP電話（050）" : "Japanese IP phone (050)");
        return 1;
    case SIFT_TYPE_UAN:
        sift__sbuf_adds(sb, ja ? "日本のナビダイヤル（0570）：企業の代表番号"
                               : "Japanese Navi Dial (0570): a company-wide "
                                 "number");
        return 1;
    case SIFT_TYPE_PREMIUM_RATE:
        sift__sbuf_adds(sb, ja ? "日本の有料情報サービス番号（0990）"
                               : "Japanese premium-rate number (0990)");
        return 1;
    case SIFT_TYPE_PAGER:
        sift__sbuf_adds(sb, ja ? "日本のM2M・ポケベル番号（020）"
                               : "Japanese M2M or pager number (020)");
        return 1;
    case SIFT_TYPE_FIXED_LINE:
        sift__sbuf_adds(sb, ja ? "日本の固定電話" : "Japanese landline");
        return 1;
    default:
        return 0;
    }
}

size_t sift_number_describe(const struct sift_number *n, enum sift_lang lang,
                            char *buf, size_t size)
{
    struct sift__sbuf sb;
    int ja = lang == SIFT_LANG_JA;
    const char *country, *geo;

    sift__sbuf_init(&sb, buf, size);
    if (n->status != SIFT_NUMBER_OK) {
        describe_state(&sb, n, ja);
        return sb.len;
    }
    if (!n->valid) {
        sift__sbuf_adds(&sb, ja ? "使われていない番号帯です（"
                                : "Not in any assigned range (");
        sift__sbuf_adds(&sb, n->e164);
        sift__sbuf_adds(&sb, ja ? "）：偽装された番号の可能性があります"
                                : "): the number is probably spoofed");
        return sb.len;
    }
    if (strcmp(n->region, "JP") == 0 && describe_jp(&sb, n, ja)) {
        geo = sift_number_geography(n, lang);
        if (n->type == SIFT_TYPE_FIXED_LINE && geo != NULL &&
            strcmp(geo, ja ? "日本" : "Japan") != 0) {
            sift__sbuf_adds(&sb, ja ? "（" : " (");
            sift__sbuf_adds(&sb, geo);
            sift__sbuf_adds(&sb, ja ? "）" : ")");
        }
        return sb.len;
    }
    if (n->country_code == 1 && n->type == SIFT_TYPE_TOLL_FREE) {
        /* NANPA toll-free codes: 8XX, shared by the US and Canada. */
        sift__sbuf_adds(&sb, ja ? "アメリカ・カナダのフリーダイヤル番号"
                                  "（日本の0120にあたる）"
                                : "US/Canada toll-free number — like 0120 in "
                                  "Japan");
        return sb.len;
    }
    if (strcmp(n->region, "001") == 0) {
        sift__sbuf_adds(&sb, ja ? "国際的な番号（特定の国に属さない +"
                                : "Non-geographic international number (+");
        sift__sbuf_addf(&sb, "%u", (unsigned)n->country_code);
        sift__sbuf_adds(&sb, ja ? "）：" : "): ");
        sift__sbuf_adds(&sb, type_words[n->type][ja]);
        return sb.len;
    }
    country = sift_region_name(n->region, lang);
    if (country == NULL)
        country = n->region;
    sift__sbuf_adds(&sb, country);
    sift__sbuf_adds(&sb, ja ? "の" : " ");
    sift__sbuf_adds(&sb,
                    type_words[(unsigned)n->type < SIFT_ARRAY_LEN(type_words)
                                   ? n->type
                                   : SIFT_TYPE_UNKNOWN][ja]);
    return sb.len;
}

/* The country a number belongs to, for the domestic/international test:
 * the calling code decides (+1 numbers in the US and Canada are domestic
 * to each other, as NANP calls are dialled without an international
 * prefix). */
static unsigned home_code(const char *region);

void sift_number_relate(const struct sift_number *caller,
                        const struct sift_number *callee,
                        const char *home_region,
                        struct sift_number_relation *rel)
{
    unsigned callee_cc = 0;
    size_t keep;

    memset(rel, 0, sizeof(*rel));
    if (caller == NULL || caller->status != SIFT_NUMBER_OK)
        return;
    if (callee != NULL && callee->status == SIFT_NUMBER_OK)
        callee_cc = callee->country_code;
    else if (home_region != NULL)
        callee_cc = home_code(home_region);
    if (callee_cc == 0)
        return;
    rel->known = true;
    rel->international = caller->country_code != callee_cc;
    if (callee == NULL || callee->status != SIFT_NUMBER_OK ||
        rel->international)
        return;
    /* Neighbour spoofing: the caller shows a number that shares all but
     * the last four digits with the callee's own (the NANP NPA-NXX, a
     * Japanese 090-1234-xxxx), but is not the callee's number. */
    if (strlen(callee->nsn) < 8 || strlen(caller->nsn) != strlen(callee->nsn))
        return;
    keep = strlen(callee->nsn) - 4;
    rel->same_prefix = memcmp(caller->nsn, callee->nsn, keep) == 0 &&
                       strcmp(caller->nsn, callee->nsn) != 0;
}

/* Calling codes of the home regions people configure most, and the rest
 * through the numbering tables: parse "+<code>" would need the code, so
 * ask the tables for a region's example instead. */
static unsigned home_code(const char *region)
{
    struct sift_number probe;
    static const struct {
        char region[3];
        unsigned cc;
    } known[] = {{"JP", 81}, {"US", 1},  {"CA", 1},   {"GB", 44},
                 {"KR", 82}, {"CN", 86}, {"TW", 886}, {"AU", 61}};

    for (size_t i = 0; i < SIFT_ARRAY_LEN(known); i++)
        if (strcmp(known[i].region, region) == 0)
            return known[i].cc;
    /* A national-form number in that region reveals its calling code:
     * the parser reads "0" as a national form and reports the code even
     * when the number itself is too short to be valid. */
    if (sift_number_parse(&probe, "2345678", 7, region, NULL) == SIFT_OK &&
        probe.status == SIFT_NUMBER_OK)
        return probe.country_code;
    return 0;
}
