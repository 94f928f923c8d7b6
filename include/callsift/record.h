/*
 * callsift/record.h - log what was checked: the call log, the reputation
 * index's call patterns and campaign detection, fed from one checked
 * event and its verdict.
 *
 * A small module above engine, store and reputation. `callsift serve`
 * calls sift_record_event() from its one writer thread after answering
 * each check (so a check never waits on the store); there the store
 * writes before the index is updated, so the index never holds what the
 * store does not. `callsift check --batch --db` takes the same work in
 * its three steps: the index on the checking thread (the next event's
 * check sees this one, whatever the timing), the store on a writer
 * thread, and a verdict is printed only once its group is committed.
 *
 * Thread safety: st belongs to the calling thread (store.h); rep may be
 * shared, its writes take the index's write lock (reputation.h).
 */
#ifndef CALLSIFT_RECORD_H
#define CALLSIFT_RECORD_H

#include <stdint.h>

#include "common.h"
#include "engine.h"
#include "reputation.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Record one checked event ev with its verdict v:
 *
 * - the call log (sift_store_add_call, committed) and then the index
 *   (sift_reputation_add_call), so later checks see CALL_BURST,
 *   CALL_REPEAT and CALL_WANGIRI. The caller is keyed by its E.164, its
 *   caller-ID state ("withheld") or, for an SMS sender ID, as written;
 *   the callee by its E.164 (none when it did not parse).
 * - when ev has text: its fingerprint, the SimHash of the normalised text
 *   (sift_text_normalize, then sift_reputation_fingerprint: the same the
 *   engine computes), and, unless the caller is a caller-ID state,
 *   campaign detection (sift_reputation_add_message); a campaign that
 *   forms or grows is written to the store (sift_store_put_campaign,
 *   sift_store_campaign_number) with the numbers that sent its message.
 *
 * Of v, only caller, callee, action and score are read (a writer that
 * queues events may keep just those). duration is in seconds: -1
 * unknown, 0 unanswered. ev->time 0 is now.
 * rep NULL logs in the store only. Returns SIFT_OK, or the store's error
 * (SIFT_ESTORE, SIFT_ETOOBIG ...) or SIFT_ENOMEM with detail in err; on an
 * error after the call was logged, the call stays logged.
 */
enum sift_rc sift_record_event(struct sift_store *st,
                               struct sift_reputation *rep,
                               const struct sift_event *ev,
                               const struct sift_verdict *v, int32_t duration,
                               struct sift_err *err);

/*
 * The same work in three steps, for a caller that keeps the index on one
 * thread and the store on another:
 *
 *   sift_record_prepare()  keys the caller and callee and fingerprints
 *                          the text (no index, no store);
 *   sift_record_index()    adds the call to the index and the message to
 *                          campaign detection; keeps a sample of the text
 *                          when the message formed or grew a campaign;
 *   sift_record_store()    writes the call and that campaign to the store.
 *
 * sift_record_event() is prepare, the store's call, index, the store's
 * campaign. A struct sift_record holds no pointer to the event: it may be
 * copied (memcpy) and handed to another thread; release it with
 * sift_record_release() (the sample). rep NULL in sift_record_index() or
 * sift_record_store(): no index, no campaign.
 */
struct sift_record {
    char from[SIFT_KEY_MAX], to[SIFT_KEY_MAX]; /* to "": none */
    bool state;   /* the caller is a caller-ID state: no campaign */
    int64_t time; /* never 0: the event's, or when it was prepared */
    int32_t duration;
    int action;
    double score;
    uint64_t fingerprint; /* 0: no text to fingerprint */
    bool sms;
    /* Set by sift_record_index(): the campaign the message formed or grew
     * (0: none), whether it formed, the index's first message of it. */
    int64_t campaign, since;
    bool formed;
    char *sample; /* the text cut to at most 1 KiB, when campaign != 0 */
};

enum sift_rc sift_record_prepare(struct sift_record *rec,
                                 const struct sift_event *ev,
                                 const struct sift_verdict *v, int32_t duration,
                                 struct sift_err *err);
enum sift_rc sift_record_index(struct sift_reputation *rep,
                               struct sift_record *rec,
                               const struct sift_event *ev,
                               struct sift_err *err);
enum sift_rc sift_record_store(struct sift_store *st,
                               struct sift_reputation *rep,
                               const struct sift_record *rec,
                               struct sift_err *err);
void sift_record_release(struct sift_record *rec);

#ifdef __cplusplus
}
#endif

#endif
