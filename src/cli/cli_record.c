/*
 * cli_record.c - `callsift check --db`: the store and reputation index
 * behind a check, and logging what was checked.
 *
 * Flow: open the store, build the reputation index from it, attach it to
 * the engine; after each verdict, sift_record_event() (src/record/) logs
 * the call in the store and the index and feeds campaign detection, as
 * `callsift serve` does from its writer thread.
 */
#include <string.h>

#include "cli.h"

int sift_cli_record_open(struct sift_cli_record *rc, const char *db,
                         struct sift_engine *eng)
{
    int status;

    memset(rc, 0, sizeof(*rc));
    status = sift_cli_store_open("check", db, &rc->st);
    if (status != SIFT_EXIT_OK)
        return status;
    status = sift_cli_reputation_load("check", rc->st, &rc->rep);
    if (status != SIFT_EXIT_OK)
        return status;
    sift_engine_set_reputation(eng, rc->rep);
    return SIFT_EXIT_OK;
}

void sift_cli_record_close(struct sift_cli_record *rc, struct sift_engine *eng)
{
    if (eng != NULL)
        sift_engine_set_reputation(eng, NULL);
    sift_reputation_free(rc->rep);
    sift_store_close(rc->st);
    memset(rc, 0, sizeof(*rc));
}

int sift_cli_record(struct sift_cli_record *rc, const struct sift_event *ev,
                    const struct sift_verdict *v)
{
    struct sift_err err = {0};

    if (sift_record_event(rc->st, rc->rep, ev, v, -1, &err) != SIFT_OK) {
        fprintf(stderr, "callsift check: logging the call: %s\n", err.msg);
        return SIFT_EXIT_INTERNAL;
    }
    return SIFT_EXIT_OK;
}
