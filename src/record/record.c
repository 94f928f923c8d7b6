/*
 * record.c - log a checked event: the call log, the reputation index and
 * campaign detection (include/callsift/record.h).
 *
 * Flow: key the caller and the callee from the verdict, fingerprint the
 * normalised text, commit the call to the store, then add it to the
 * index (so the index never holds what the store does not). With text
 * from a number or a sender ID (not a caller-ID state), the fingerprint
 * goes to campaign detection; a campaign that forms or grows is written
 * with the numbers that spoke its message, found in the call log.
 *
 * Not the hot path: `check --db` calls this after printing the verdict,
 * the server from its writer thread. It allocates (the normalisation
 * buffer, the list of linked numbers) and frees all before returning.
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

/* A sample of the text, cut at a character boundary. */
static void sample_of(const struct sift_event *ev, char *buf, size_t size)
{
    size_t len = ev->text_len ? ev->text_len : strlen(ev->text);

    if (len >= size) {
        len = size - 1;
        while (len > 0 && ((unsigned char)ev->text[len] & 0xc0) == 0x80)
            len--;
    }
    memcpy(buf, ev->text, len);
    buf[len] = '\0';
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
                                  const struct sift_event *ev, const char *from,
                                  uint64_t fp, int64_t when, int64_t campaign,
                                  bool formed, int64_t since,
                                  struct sift_err *err)
{
    struct find f = {0};
    struct sift_campaign c = {0};
    char sample[SAMPLE_MAX];
    int64_t n_numbers = 0;
    enum sift_rc r;

    /* By id and by count: a campaign message must not cost a walk of
     * every campaign or of the campaign's every number. */
    r = sift_store_get_campaign(st, campaign, found_campaign, &f, err);
    if (r != SIFT_OK)
        return r;
    c.id = campaign;
    c.fingerprint = f.found ? f.c.fingerprint : fp;
    /* New: from its first message, not from the one that formed it. */
    c.first_seen = f.found                     ? f.c.first_seen
                   : since > 0 && since < when ? since
                                               : when;
    c.last_seen = when;
    c.n_events = f.found ? f.c.n_events + 1 : 1;
    if (!f.found) {
        sample_of(ev, sample, sizeof(sample));
        c.sample = sample;
    }
    r = sift_store_put_campaign(st, &c, err);
    if (r == SIFT_OK && (formed || !f.found))
        r = link_numbers(st, rep, campaign, fp, since, err);
    if (r == SIFT_OK)
        r = sift_store_campaign_number(st, campaign, from, when, err);
    if (r == SIFT_OK)
        r = sift_store_count_campaign_numbers(st, campaign, &n_numbers, err);
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

enum sift_rc sift_record_event(struct sift_store *st,
                               struct sift_reputation *rep,
                               const struct sift_event *ev,
                               const struct sift_verdict *v, int32_t duration,
                               struct sift_err *err)
{
    struct sift_call c = {0};
    char from[SIFT_KEY_MAX], to[SIFT_KEY_MAX];
    int64_t campaign = 0, since = 0;
    bool state = false, formed = false;
    enum sift_rc r;

    if (st == NULL || ev == NULL || v == NULL || ev->from == NULL)
        return sift__err_set(err, SIFT_EINVAL, NULL,
                             "a store, an event with a caller and its "
                             "verdict are needed");
    caller_key(ev, v, from, &state);
    c.from = from;
    if (v->callee.status == SIFT_NUMBER_OK) {
        sift__strlcpy(to, v->callee.e164, sizeof(to));
        c.to = to;
    }
    c.time = ev->time ? ev->time : (int64_t)time(NULL);
    c.duration = duration < 0 ? -1 : duration;
    c.action = (int)v->action;
    c.score = v->score;
    c.sms = ev->kind == SIFT_EVENT_SMS;
    if (v->text_fp_set) {
        c.fingerprint = v->text_fp; /* the check's own */
    } else {
        r = text_fingerprint(ev, &c.fingerprint, err);
        if (r != SIFT_OK)
            goto out;
    }
    r = sift_store_add_call(st, &c, err);
    if (r != SIFT_OK || rep == NULL)
        goto out;
    /* A call the index cannot read (none today) is still logged; the
     * index is built again from the store at the next start. */
    (void)sift_reputation_add_call(rep, &c);
    if (c.fingerprint == 0 || state)
        goto out;
    if (sift_reputation_add_message(rep, from, c.fingerprint, ev->text, c.time,
                                    &campaign, &formed, &since) != SIFT_OK ||
        campaign == 0)
        goto out;
    r = save_campaign(st, rep, ev, from, c.fingerprint, c.time, campaign,
                      formed, since, err);
out:
    return r;
}
