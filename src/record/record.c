/*
 * record.c - log a checked event: the call log, the reputation index and
 * campaign detection (include/callsift/record.h).
 *
 * Flow (sift_record_event): key the caller and the callee from the
 * verdict and fingerprint the normalised text (sift_record_prepare),
 * write the call to the store, then add it to the index (so the index
 * never holds what the store does not). With text from a number or a
 * sender ID (not a caller-ID state), the fingerprint goes to campaign
 * detection (sift_record_index); a campaign that forms or grows is written
 * with the numbers that spoke its message, found in the call log.
 * `check --batch --db` calls the steps apart: prepare and index on its
 * checking thread, sift_record_store() on its writer thread.
 *
 * Not the hot path: `check --db` calls this after the verdict, the server
 * from its writer thread. It allocates (the normalisation buffer, the
 * list of linked numbers, a campaign message's sample) and frees all but
 * the sample, which sift_record_release() frees.
 */
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "callsift/record.h"
#include "callsift/text.h"
#include "util/util.h"

#define SAMPLE_MAX 1024
/* The numbers of earlier calls linked to a forming campaign, at most. */
#define LINK_MAX 1024

struct find {
    bool found;
    struct sift_campaign c;
};

static int found_campaign(void *ctx, const struct sift_campaign *c)
{
    struct find *f = ctx;

    f->found = true;
    f->c = *c;
    f->c.sample = NULL; /* not kept past the call; coalesced on update */
    return 0;
}

/* The numbers of earlier calls that spoke the same message, collected
 * first and linked after the walk (no write inside a read). */
struct link {
    uint64_t fp;
    unsigned distance;
    size_t n;
    char keys[LINK_MAX][SIFT_KEY_MAX];
    int64_t times[LINK_MAX];
};

static int link_call(void *ctx, const struct sift_call *c)
{
    struct link *l = ctx;

    if (c->fingerprint == 0 ||
        (unsigned)__builtin_popcountll(c->fingerprint ^ l->fp) > l->distance)
        return 0;
    sift__strlcpy(l->keys[l->n], c->from, SIFT_KEY_MAX);
    l->times[l->n] = c->time;
    l->n++;
    return l->n == LINK_MAX;
}

/* A copy of the text cut to at most SAMPLE_MAX - 1 bytes at a character
 * boundary; NULL when out of memory. */
static char *sample_of(const struct sift_event *ev)
{
    size_t len = ev->text_len ? ev->text_len : strlen(ev->text);
    char *buf;

    if (len >= SAMPLE_MAX) {
        len = SAMPLE_MAX - 1;
        while (len > 0 && ((unsigned char)ev->text[len] & 0xc0) == 0x80)
            len--;
    }
    buf = sift_malloc(len + 1);
    if (buf != NULL) {
        memcpy(buf, ev->text, len);
        buf[len] = '\0';
    }
    return buf;
}

/* Link the numbers of the call log whose text is near fp, from since
 * (the first message the index holds for the campaign: its others are no
 * older, so the walk need not read the whole log). */
static enum sift_rc link_numbers(struct sift_store *st,
                                 struct sift_reputation *rep, int64_t campaign,
                                 uint64_t fp, int64_t since,
                                 struct sift_err *err)
{
    struct sift_reputation_opts o;
    struct link *l = sift_calloc(1, sizeof(*l));
    enum sift_rc r;

    if (l == NULL)
        return sift__err_set(err, SIFT_ENOMEM, NULL, "out of memory");
    sift_reputation_get_opts(rep, &o);
    l->fp = fp;
    l->distance = o.campaign_distance;
    r = sift_store_each_call(st, since, NULL, link_call, l, err);
    if (r == 1)
        r = SIFT_OK;
    for (size_t i = 0; r == SIFT_OK && i < l->n; i++)
        r = sift_store_campaign_number(st, campaign, l->keys[i], l->times[i],
                                       err);
    sift_free(l);
    return r;
}

static enum sift_rc save_campaign(struct sift_store *st,
                                  struct sift_reputation *rep,
                                  const struct sift_record *rec,
                                  struct sift_err *err)
{
    struct find f = {0};
    struct sift_campaign c = {0};
    int64_t n_numbers = 0, when = rec->time, since = rec->since;
    enum sift_rc r;

    /* By id and by count: a campaign message must not cost a walk of
     * every campaign or of the campaign's every number. */
    r = sift_store_get_campaign(st, rec->campaign, found_campaign, &f, err);
    if (r != SIFT_OK)
        return r;
    c.id = rec->campaign;
    c.fingerprint = f.found ? f.c.fingerprint : rec->fingerprint;
    /* New: from its first message, not from the one that formed it. */
    c.first_seen = f.found                     ? f.c.first_seen
                   : since > 0 && since < when ? since
                                               : when;
    c.last_seen = when;
    c.n_events = f.found ? f.c.n_events + 1 : 1;
    if (!f.found)
        c.sample = rec->sample;
    r = sift_store_put_campaign(st, &c, err);
    if (r == SIFT_OK && (rec->formed || !f.found))
        r = link_numbers(st, rep, rec->campaign, rec->fingerprint, since, err);
    if (r == SIFT_OK)
        r = sift_store_campaign_number(st, rec->campaign, rec->from, when, err);
    if (r == SIFT_OK)
        r = sift_store_count_campaign_numbers(st, rec->campaign, &n_numbers,
                                              err);
    if (r == SIFT_OK) {
        if (!f.found) /* the messages that formed it, one per number */
            c.n_events = n_numbers;
        c.n_numbers = n_numbers;
        c.sample = NULL;
        r = sift_store_put_campaign(st, &c, err);
    }
    return r;
}

/* The caller's key: E.164, a caller-ID state (*state set), or an SMS
 * sender ID or malformed digits as written. */
static void caller_key(const struct sift_event *ev,
                       const struct sift_verdict *v, char key[SIFT_KEY_MAX],
                       bool *state)
{
    size_t len = ev->from_len ? ev->from_len : strlen(ev->from);

    *state = false;
    switch (v->caller.status) {
    case SIFT_NUMBER_OK:
        sift__strlcpy(key, v->caller.e164, SIFT_KEY_MAX);
        return;
    case SIFT_NUMBER_WITHHELD:
    case SIFT_NUMBER_UNAVAILABLE:
    case SIFT_NUMBER_PAYPHONE:
    case SIFT_NUMBER_EMPTY:
        sift__strlcpy(key, sift_number_status_name(v->caller.status),
                      SIFT_KEY_MAX);
        *state = true;
        return;
    default:
        if (len >= SIFT_KEY_MAX)
            len = SIFT_KEY_MAX - 1;
        memcpy(key, ev->from, len);
        key[len] = '\0';
        return;
    }
}

/* The SimHash of the normalised text, as the engine computes it; 0 for
 * none (no text, too short, or it could not be normalised). */
static enum sift_rc text_fingerprint(const struct sift_event *ev, uint64_t *out,
                                     struct sift_err *err)
{
    struct sift_text_norm norm;
    size_t len;
    enum sift_rc r;

    *out = 0;
    if (ev->text == NULL)
        return SIFT_OK;
    len = ev->text_len ? ev->text_len : strlen(ev->text);
    if (len == 0)
        return SIFT_OK;
    /* The engine already accepted the text under its own limit. */
    sift_text_norm_init(&norm, len);
    r = sift_text_normalize(ev->text, len, &norm, NULL);
    if (r == SIFT_OK)
        *out = sift_reputation_fingerprint(norm.text, norm.len);
    sift_text_norm_release(&norm);
    if (r == SIFT_ENOMEM)
        return sift__err_set(err, SIFT_ENOMEM, NULL, "out of memory");
    return SIFT_OK;
}

enum sift_rc sift_record_prepare(struct sift_record *rec,
                                 const struct sift_event *ev,
                                 const struct sift_verdict *v, int32_t duration,
                                 struct sift_err *err)
{
    memset(rec, 0, sizeof(*rec));
    if (ev == NULL || v == NULL || ev->from == NULL)
        return sift__err_set(err, SIFT_EINVAL, NULL,
                             "an event with a caller and its verdict are "
                             "needed");
    caller_key(ev, v, rec->from, &rec->state);
    if (v->callee.status == SIFT_NUMBER_OK)
        sift__strlcpy(rec->to, v->callee.e164, sizeof(rec->to));
    rec->time = ev->time ? ev->time : (int64_t)time(NULL);
    rec->duration = duration < 0 ? -1 : duration;
    rec->action = (int)v->action;
    rec->score = v->score;
    rec->sms = ev->kind == SIFT_EVENT_SMS;
    if (v->text_fp_set) {
        rec->fingerprint = v->text_fp; /* the check's own */
        return SIFT_OK;
    }
    return text_fingerprint(ev, &rec->fingerprint, err);
}

/* The call as the store and the index take it; its strings are rec's. */
static struct sift_call call_of(const struct sift_record *rec)
{
    return (struct sift_call){
        .from = rec->from,
        .to = rec->to[0] ? rec->to : NULL,
        .time = rec->time,
        .duration = rec->duration,
        .action = rec->action,
        .score = rec->score,
        .fingerprint = rec->fingerprint,
        .sms = rec->sms,
    };
}

enum sift_rc sift_record_index(struct sift_reputation *rep,
                               struct sift_record *rec,
                               const struct sift_event *ev,
                               struct sift_err *err)
{
    struct sift_call c = call_of(rec);

    rec->campaign = rec->since = 0;
    rec->formed = false;
    if (rep == NULL)
        return SIFT_OK;
    /* A call the index cannot read (none today) is still logged; the
     * index is built again from the store at the next start. */
    (void)sift_reputation_add_call(rep, &c);
    if (rec->fingerprint == 0 || rec->state)
        return SIFT_OK;
    if (sift_reputation_add_message(rep, rec->from, rec->fingerprint, ev->text,
                                    rec->time, &rec->campaign, &rec->formed,
                                    &rec->since) != SIFT_OK ||
        rec->campaign == 0) {
        rec->campaign = 0;
        return SIFT_OK;
    }
    sift_free(rec->sample);
    rec->sample = sample_of(ev);
    if (rec->sample == NULL) {
        rec->campaign = 0;
        return sift__err_set(err, SIFT_ENOMEM, NULL, "out of memory");
    }
    return SIFT_OK;
}

/* The store's half, in two steps: the call, then its campaign. */
static enum sift_rc store_call(struct sift_store *st,
                               const struct sift_record *rec,
                               struct sift_err *err)
{
    struct sift_call c = call_of(rec);

    if (st == NULL)
        return sift__err_set(err, SIFT_EINVAL, NULL, "a store is needed");
    return sift_store_add_call(st, &c, err);
}

static enum sift_rc store_campaign(struct sift_store *st,
                                   struct sift_reputation *rep,
                                   const struct sift_record *rec,
                                   struct sift_err *err)
{
    if (rep == NULL || rec->campaign == 0)
        return SIFT_OK;
    return save_campaign(st, rep, rec, err);
}

enum sift_rc sift_record_store(struct sift_store *st,
                               struct sift_reputation *rep,
                               const struct sift_record *rec,
                               struct sift_err *err)
{
    enum sift_rc r = store_call(st, rec, err);

    return r == SIFT_OK ? store_campaign(st, rep, rec, err) : r;
}

void sift_record_release(struct sift_record *rec)
{
    if (rec == NULL)
        return;
    sift_free(rec->sample);
    rec->sample = NULL;
}

enum sift_rc sift_record_event(struct sift_store *st,
                               struct sift_reputation *rep,
                               const struct sift_event *ev,
                               const struct sift_verdict *v, int32_t duration,
                               struct sift_err *err)
{
    struct sift_record rec;
    enum sift_rc r = sift_record_prepare(&rec, ev, v, duration, err);

    if (r == SIFT_OK)
        r = store_call(st, &rec, err); /* a store is needed: it says so */
    if (r == SIFT_OK)
        r = sift_record_index(rep, &rec, ev, err);
    if (r == SIFT_OK)
        r = store_campaign(st, rep, &rec, err);
    sift_record_release(&rec);
    return r;
}
