/*
 * reputation_assess.c - the read path: everything the index knows about
 * one event, gathered under the read lock without allocating (issue 4
 * section 4: a check never waits on disk). The engine turns the facts
 * into signals (src/engine/engine_check.c, rep_signals()).
 */
#include <math.h>
#include <string.h>
#include <time.h>

#include "reputation_int.h"

static void number_facts(const struct sift_reputation *rep, uint64_t key,
                         int64_t now, struct sift_rep_facts *out)
{
    const struct num_slot *s = sift__rep_num_find(&rep->nums, key);

    if (s == NULL)
        return;
    out->reporters = s->n_harm;
    out->safe_reporters = s->n_safe;
    if (s->n_harm > 0) {
        double age = (double)(now - (int64_t)s->t_last);
        out->reports_weight =
            age > 0 ? s->harm_w * exp2(-age / rep->half_life) : s->harm_w;
        out->top_category = (enum sift_report_category)s->cat;
        out->last_report = s->t_last;
    }
}

static void campaign_facts(const struct sift_reputation *rep, uint64_t fp,
                           struct sift_rep_facts *out)
{
    long ix = sift__rep_camps_find(&rep->camps, fp, rep->opts.campaign_distance,
                                   true);
    const struct cluster *c;

    if (ix < 0)
        return;
    c = &rep->camps.c[ix];
    out->campaign = c->id;
    out->campaign_numbers = c->n_numbers;
    /* The campaign's reputation: the reporters of the numbers it is
     * known by (the first MEMBERS_EXACT of them). */
    for (unsigned i = 0; i < c->n_exact; i++) {
        const struct num_slot *s =
            sift__rep_num_find(&rep->nums, c->members[i]);
        if (s != NULL)
            out->campaign_reporters += s->n_harm;
    }
}

void sift_reputation_assess(const struct sift_reputation *crep,
                            const struct sift_number *caller,
                            const char *sender,
                            const struct sift_number *callee, uint64_t fp,
                            int64_t now, struct sift_rep_facts *out)
{
    struct sift_reputation *rep = (struct sift_reputation *)crep;
    uint64_t caller_key = 0, callee_key;

    memset(out, 0, sizeof(*out));
    if (rep == NULL)
        return;
    if (now <= 0)
        now = (int64_t)time(NULL);
    if (caller != NULL && caller->status == SIFT_NUMBER_OK)
        caller_key = sift__rep_number_key(caller);
    else if (sender != NULL && sender[0] != '\0')
        caller_key = sift__rep_key(sender, strlen(sender));
    callee_key = sift__rep_number_key(callee);

    pthread_rwlock_rdlock(&rep->rw);
    if (caller_key != 0) {
        number_facts(rep, caller_key, now, out);
        sift__rep_calls_assess(rep, caller_key, callee_key, now, out);
    }
    sift__rep_lists_assess(&rep->lists, caller, caller_key, callee, callee_key,
                           now, out);
    if (fp != 0)
        campaign_facts(rep, fp, out);
    pthread_rwlock_unlock(&rep->rw);
}
