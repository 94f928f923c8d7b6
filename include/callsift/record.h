/*
 * callsift/record.h - log what was checked: the call log, the reputation
 * index's call patterns and campaign detection, fed from one checked
 * event and its verdict.
 *
 * A small module above engine, store and reputation: `callsift check
 * --db` calls it after printing each verdict, and `callsift serve` calls
 * it from its one writer thread after answering each check (so a check
 * never waits on the store). The store commits before the index is
 * updated, so the index never holds what the store does not.
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

#ifdef __cplusplus
}
#endif

#endif
