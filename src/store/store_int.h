/*
 * store_int.h - the store's backend interface (private to src/store).
 *
 * store.c holds what every backend shares: argument checks and limits,
 * the path rules, the reporter hash and the category names. A backend
 * (store_sqlite.c today, store_pg.c later) fills one struct
 * sift__store_ops and keeps its own state behind st->backend; store.c
 * calls it only after the arguments were checked, so a backend never
 * re-validates limits (rspamd libstat/backends).
 *
 * Invariant: every write op commits before it returns SIFT_OK.
 */
#ifndef SIFT_STORE_INT_H
#define SIFT_STORE_INT_H

#include "callsift/store.h"

#define SIFT__SALT_LEN 32

struct sift__store_ops {
    const char *name;
    /* Open or create, migrate, and fill st->salt (made at creation). */
    enum sift_rc (*open)(struct sift_store *st, const char *path,
                         struct sift_err *err);
    void (*close)(struct sift_store *st);
    enum sift_rc (*check)(struct sift_store *st, struct sift_err *err);
    enum sift_rc (*add_reports)(struct sift_store *st,
                                struct sift_report *reports, size_t n,
                                size_t *n_added, struct sift_err *err);
    enum sift_rc (*add_list)(struct sift_store *st, struct sift_list_entry *e,
                             struct sift_err *err);
    enum sift_rc (*remove_list)(struct sift_store *st, int64_t id,
                                struct sift_err *err);
    enum sift_rc (*set_durability)(struct sift_store *st,
                                   enum sift_store_durability d,
                                   struct sift_err *err);
    enum sift_rc (*batch_begin)(struct sift_store *st, struct sift_err *err);
    enum sift_rc (*batch_commit)(struct sift_store *st, struct sift_err *err);
    enum sift_rc (*add_call)(struct sift_store *st, struct sift_call *c,
                             struct sift_err *err);
    enum sift_rc (*prune)(struct sift_store *st, int64_t before,
                          int64_t *n_deleted, struct sift_err *err);
    enum sift_rc (*put_campaign)(struct sift_store *st, struct sift_campaign *c,
                                 struct sift_err *err);
    enum sift_rc (*campaign_number)(struct sift_store *st, int64_t campaign,
                                    const char *key, int64_t time,
                                    struct sift_err *err);
    enum sift_rc (*each_report)(struct sift_store *st, const char *key,
                                size_t limit, sift_report_fn fn, void *ctx,
                                struct sift_err *err);
    enum sift_rc (*each_list)(struct sift_store *st, sift_list_fn fn, void *ctx,
                              struct sift_err *err);
    /* key: only calls from it; n_messages (without key): before the
     * calls since, those with a fingerprint back to the n_messages-th
     * newest of them. */
    enum sift_rc (*each_call)(struct sift_store *st, int64_t since,
                              const char *key, size_t n_messages,
                              sift_call_fn fn, void *ctx, struct sift_err *err);
    /* id > 0: that campaign; id < 0: every campaign, the most recently
     * seen first; key: the campaigns of that number, newest first;
     * neither: every campaign in id order. */
    enum sift_rc (*each_campaign)(struct sift_store *st, int64_t id,
                                  const char *key, sift_campaign_fn fn,
                                  void *ctx, struct sift_err *err);
    enum sift_rc (*count_campaign_numbers)(struct sift_store *st,
                                           int64_t campaign, int64_t *n,
                                           struct sift_err *err);
    enum sift_rc (*each_campaign_number)(struct sift_store *st,
                                         int64_t campaign,
                                         sift_campaign_number_fn fn, void *ctx,
                                         struct sift_err *err);
    enum sift_rc (*stats)(struct sift_store *st, struct sift_store_stats *out,
                          struct sift_err *err);
};

struct sift_store {
    const struct sift__store_ops *ops;
    void *backend;
    unsigned char salt[SIFT__SALT_LEN];
    void *md;        /* EVP_MD_CTX reused by the reporter hash (no
                        allocation per hash: the import hashes every row) */
    void *md_salted; /* EVP_MD_CTX that has hashed the salt, copied into
                        md for each identity */
};

extern const struct sift__store_ops sift__store_sqlite_ops;

#endif
