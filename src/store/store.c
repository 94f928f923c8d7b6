/*
 * store.c - the store interface: checks the arguments and limits that
 * every backend shares, resolves the path, hashes reporter identities,
 * and dispatches through the backend's struct sift__store_ops.
 *
 * Limits (docs/store.md): a key (E.164 or sender ID) and a callee at most
 * SIFT_KEY_MAX - 1 bytes, a comment SIFT_COMMENT_MAX, a note
 * SIFT_NOTE_MAX, a transcript SIFT_TRANSCRIPT_MAX, a source or a dedupe
 * key SIFT__NAME_MAX. Over a limit is SIFT_ETOOBIG and nothing of the
 * batch is written.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/evp.h>

#include "store_int.h"
#include "util/util.h"

#define SIFT__NAME_MAX 256 /* bytes of a source or a dedupe key */
#define PATH_MAX_LEN   4096

static const char *const category_names[SIFT_CAT_COUNT] = {
    [SIFT_CAT_SCAM] = "scam",
    [SIFT_CAT_SPAM] = "spam",
    [SIFT_CAT_TELEMARKETING] = "telemarketing",
    [SIFT_CAT_ROBOCALL] = "robocall",
    [SIFT_CAT_SILENT] = "silent",
    [SIFT_CAT_SAFE] = "safe",
};

const char *sift_category_name(enum sift_report_category c)
{
    if ((unsigned)c >= SIFT_CAT_COUNT)
        return "unknown";
    return category_names[c];
}

bool sift_category_parse(const char *name, enum sift_report_category *out)
{
    if (name == NULL)
        return false;
    for (unsigned i = 0; i < SIFT_CAT_COUNT; i++) {
        if (strcmp(name, category_names[i]) == 0) {
            *out = (enum sift_report_category)i;
            return true;
        }
    }
    return false;
}

/* mkdir -p of the folder that holds path. */
static enum sift_rc make_parent(const char *path, struct sift_err *err)
{
    char dir[PATH_MAX_LEN];
    size_t len = sift__strlcpy(dir, path, sizeof(dir));
    char *slash;

    if (len >= sizeof(dir))
        return sift__err_set(err, SIFT_ETOOBIG, path, "the path is too long");
    slash = strrchr(dir, '/');
    if (slash == NULL || slash == dir)
        return SIFT_OK;
    *slash = '\0';
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(dir, 0700) != 0 && errno != EEXIST)
            return sift__err_set(err, SIFT_EIO, dir, "cannot create %s: %s",
                                 dir, strerror(errno));
        *p = '/';
    }
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return sift__err_set(err, SIFT_EIO, dir, "cannot create %s: %s", dir,
                             strerror(errno));
    return SIFT_OK;
}

enum sift_rc sift_store_open(struct sift_store **out, const char *path,
                             struct sift_err *err)
{
    struct sift_store *st;
    enum sift_rc rc;

    if (out == NULL)
        return sift__err_set(err, SIFT_EINVAL, NULL, "no place for the store");
    *out = NULL;
    if (path == NULL || *path == '\0') {
        path = getenv("CALLSIFT_DB");
        if (path == NULL || *path == '\0')
            path = SIFT_STORE_DEFAULT_PATH;
    }
    rc = make_parent(path, err);
    if (rc != SIFT_OK)
        return rc;
    st = sift_calloc(1, sizeof(*st));
    if (st == NULL)
        return sift__err_set(err, SIFT_ENOMEM, NULL, "out of memory");
    st->ops = &sift__store_sqlite_ops;
    rc = st->ops->open(st, path, err);
    if (rc != SIFT_OK) {
        sift_free(st);
        return rc;
    }
    *out = st;
    return SIFT_OK;
}

void sift_store_close(struct sift_store *st)
{
    if (st == NULL)
        return;
    EVP_MD_CTX_free(st->md);
    EVP_MD_CTX_free(st->md_salted);
    st->ops->close(st);
    sift_free(st);
}

enum sift_rc sift_store_check(struct sift_store *st, struct sift_err *err)
{
    if (st == NULL)
        return sift__err_set(err, SIFT_EINVAL, NULL, "no store");
    return st->ops->check(st, err);
}

void sift_store_reporter_hash(struct sift_store *st, const char *identity,
                              size_t len, uint8_t out[32])
{
    unsigned int n = 0;

    if (identity == NULL)
        len = 0;
    /* The salt is hashed once into md_salted; each identity starts from
     * a copy of it (the import hashes every row). */
    if (st->md_salted == NULL) {
        EVP_MD_CTX *m = EVP_MD_CTX_new();
        if (m != NULL && (!EVP_DigestInit_ex(m, EVP_sha256(), NULL) ||
                          !EVP_DigestUpdate(m, st->salt, sizeof(st->salt)))) {
            EVP_MD_CTX_free(m);
            m = NULL;
        }
        st->md_salted = m;
    }
    if (st->md == NULL)
        st->md = EVP_MD_CTX_new();
    if (st->md == NULL || st->md_salted == NULL ||
        !EVP_MD_CTX_copy_ex(st->md, st->md_salted) ||
        !EVP_DigestUpdate(st->md, identity ? identity : "", len) ||
        !EVP_DigestFinal_ex(st->md, out, &n) || n != 32)
        memset(out, 0, 32); /* SIFT_NEVER with a working libcrypto */
}

/* Is s (may be NULL when optional) within max - 1 bytes? */
static bool fits(const char *s, size_t max)
{
    return s == NULL || strnlen(s, max) < max;
}

static enum sift_rc check_report(const struct sift_report *r, size_t i,
                                 struct sift_err *err)
{
    char where[32];

    snprintf(where, sizeof(where), "report %zu", i);
    if (r->key == NULL || r->key[0] == '\0')
        return sift__err_set(err, SIFT_EINVAL, where, "a report needs a key");
    if (!fits(r->key, SIFT_KEY_MAX))
        return sift__err_set(err, SIFT_ETOOBIG, where,
                             "the key is over %d bytes", SIFT_KEY_MAX - 1);
    if ((unsigned)r->category >= SIFT_CAT_COUNT)
        return sift__err_set(err, SIFT_EINVAL, where, "unknown category %d",
                             (int)r->category);
    if (!fits(r->comment, SIFT_COMMENT_MAX + 1))
        return sift__err_set(err, SIFT_ETOOBIG, where,
                             "the comment is over %d bytes", SIFT_COMMENT_MAX);
    if (!fits(r->transcript, SIFT_TRANSCRIPT_MAX + 1))
        return sift__err_set(err, SIFT_ETOOBIG, where,
                             "the transcript is over %d bytes",
                             SIFT_TRANSCRIPT_MAX);
    if (r->source == NULL || r->source[0] == '\0')
        return sift__err_set(err, SIFT_EINVAL, where,
                             "a report needs a source");
    if (!fits(r->source, SIFT__NAME_MAX) || !fits(r->dedupe, SIFT__NAME_MAX))
        return sift__err_set(err, SIFT_ETOOBIG, where,
                             "the source or dedupe key is over %d bytes",
                             SIFT__NAME_MAX - 1);
    return SIFT_OK;
}

enum sift_rc sift_store_add_reports(struct sift_store *st,
                                    struct sift_report *reports, size_t n,
                                    size_t *n_added, struct sift_err *err)
{
    enum sift_rc rc;
    size_t added = 0;

    if (n_added != NULL)
        *n_added = 0;
    if (st == NULL || (reports == NULL && n > 0))
        return sift__err_set(err, SIFT_EINVAL, NULL, "no store or reports");
    for (size_t i = 0; i < n; i++) {
        rc = check_report(&reports[i], i, err);
        if (rc != SIFT_OK)
            return rc;
    }
    if (n == 0)
        return SIFT_OK;
    rc = st->ops->add_reports(st, reports, n, &added, err);
    if (rc == SIFT_OK && n_added != NULL)
        *n_added = added;
    return rc;
}

enum sift_rc sift_store_add_list(struct sift_store *st,
                                 struct sift_list_entry *e,
                                 struct sift_err *err)
{
    if (st == NULL || e == NULL)
        return sift__err_set(err, SIFT_EINVAL, NULL, "no store or entry");
    if ((unsigned)e->kind > SIFT_LIST_ALLOW ||
        (unsigned)e->match > SIFT_MATCH_TYPE)
        return sift__err_set(err, SIFT_EINVAL, NULL, "unknown list kind");
    if (e->value == NULL || e->value[0] == '\0')
        return sift__err_set(err, SIFT_EINVAL, NULL,
                             "a list entry needs a "
                             "value");
    if (!fits(e->value, SIFT_KEY_MAX) || !fits(e->callee, SIFT_KEY_MAX))
        return sift__err_set(err, SIFT_ETOOBIG, NULL,
                             "the value or callee is over %d bytes",
                             SIFT_KEY_MAX - 1);
    if (!fits(e->note, SIFT_NOTE_MAX + 1))
        return sift__err_set(err, SIFT_ETOOBIG, NULL,
                             "the note is over %d bytes", SIFT_NOTE_MAX);
    return st->ops->add_list(st, e, err);
}

enum sift_rc sift_store_remove_list(struct sift_store *st, int64_t id,
                                    struct sift_err *err)
{
    if (st == NULL || id <= 0)
        return sift__err_set(err, SIFT_EINVAL, NULL, "no store or id");
    return st->ops->remove_list(st, id, err);
}

enum sift_rc sift_store_add_call(struct sift_store *st, struct sift_call *c,
                                 struct sift_err *err)
{
    if (st == NULL || c == NULL || c->from == NULL || c->from[0] == '\0')
        return sift__err_set(err, SIFT_EINVAL, NULL, "a call needs a from");
    if (!fits(c->from, SIFT_KEY_MAX) || !fits(c->to, SIFT_KEY_MAX))
        return sift__err_set(err, SIFT_ETOOBIG, NULL,
                             "from or to is over %d bytes", SIFT_KEY_MAX - 1);
    return st->ops->add_call(st, c, err);
}

enum sift_rc sift_store_set_durability(struct sift_store *st,
                                       enum sift_store_durability d,
                                       struct sift_err *err)
{
    if (st == NULL)
        return sift__err_set(err, SIFT_EINVAL, NULL, "no store");
    if (d != SIFT_STORE_DURABLE && d != SIFT_STORE_CRASH_SAFE)
        return sift__err_set(err, SIFT_EINVAL, NULL, "unknown durability %d",
                             (int)d);
    return st->ops->set_durability(st, d, err);
}

enum sift_rc sift_store_batch_begin(struct sift_store *st, struct sift_err *err)
{
    if (st == NULL)
        return sift__err_set(err, SIFT_EINVAL, NULL, "no store");
    return st->ops->batch_begin(st, err);
}

enum sift_rc sift_store_batch_commit(struct sift_store *st,
                                     struct sift_err *err)
{
    if (st == NULL)
        return sift__err_set(err, SIFT_EINVAL, NULL, "no store");
    return st->ops->batch_commit(st, err);
}

enum sift_rc sift_store_prune(struct sift_store *st, int64_t before,
                              int64_t *n_deleted, struct sift_err *err)
{
    int64_t n = 0;
    enum sift_rc rc;

    if (n_deleted != NULL)
        *n_deleted = 0;
    if (st == NULL)
        return sift__err_set(err, SIFT_EINVAL, NULL, "no store");
    rc = st->ops->prune(st, before, &n, err);
    if (rc == SIFT_OK && n_deleted != NULL)
        *n_deleted = n;
    return rc;
}

enum sift_rc sift_store_put_campaign(struct sift_store *st,
                                     struct sift_campaign *c,
                                     struct sift_err *err)
{
    if (st == NULL || c == NULL || c->id < 0)
        return sift__err_set(err, SIFT_EINVAL, NULL, "no store or campaign");
    if (!fits(c->sample, SIFT_TRANSCRIPT_MAX + 1))
        return sift__err_set(err, SIFT_ETOOBIG, NULL,
                             "the sample is over %d bytes",
                             SIFT_TRANSCRIPT_MAX);
    return st->ops->put_campaign(st, c, err);
}

enum sift_rc sift_store_campaign_number(struct sift_store *st, int64_t campaign,
                                        const char *key, int64_t time,
                                        struct sift_err *err)
{
    if (st == NULL || campaign <= 0 || key == NULL || key[0] == '\0')
        return sift__err_set(err, SIFT_EINVAL, NULL,
                             "no store, campaign or key");
    if (!fits(key, SIFT_KEY_MAX))
        return sift__err_set(err, SIFT_ETOOBIG, NULL,
                             "the key is over %d bytes", SIFT_KEY_MAX - 1);
    return st->ops->campaign_number(st, campaign, key, time, err);
}

enum sift_rc sift_store_each_report(struct sift_store *st, const char *key,
                                    size_t limit, sift_report_fn fn, void *ctx,
                                    struct sift_err *err)
{
    if (st == NULL || fn == NULL)
        return sift__err_set(err, SIFT_EINVAL, NULL, "no store or callback");
    return st->ops->each_report(st, key, limit, fn, ctx, err);
}

enum sift_rc sift_store_each_list(struct sift_store *st, sift_list_fn fn,
                                  void *ctx, struct sift_err *err)
{
    if (st == NULL || fn == NULL)
        return sift__err_set(err, SIFT_EINVAL, NULL, "no store or callback");
    return st->ops->each_list(st, fn, ctx, err);
}

enum sift_rc sift_store_each_call(struct sift_store *st, int64_t since,
                                  const char *key, sift_call_fn fn, void *ctx,
                                  struct sift_err *err)
{
    if (st == NULL || fn == NULL)
        return sift__err_set(err, SIFT_EINVAL, NULL, "no store or callback");
    return st->ops->each_call(st, since, key, 0, fn, ctx, err);
}

enum sift_rc sift_store_each_recent_call(struct sift_store *st, int64_t since,
                                         size_t n_messages, sift_call_fn fn,
                                         void *ctx, struct sift_err *err)
{
    if (st == NULL || fn == NULL)
        return sift__err_set(err, SIFT_EINVAL, NULL, "no store or callback");
    return st->ops->each_call(st, since, NULL, n_messages, fn, ctx, err);
}

enum sift_rc sift_store_each_campaign(struct sift_store *st,
                                      sift_campaign_fn fn, void *ctx,
                                      struct sift_err *err)
{
    if (st == NULL || fn == NULL)
        return sift__err_set(err, SIFT_EINVAL, NULL, "no store or callback");
    return st->ops->each_campaign(st, 0, NULL, fn, ctx, err);
}

enum sift_rc sift_store_get_campaign(struct sift_store *st, int64_t id,
                                     sift_campaign_fn fn, void *ctx,
                                     struct sift_err *err)
{
    if (st == NULL || fn == NULL)
        return sift__err_set(err, SIFT_EINVAL, NULL, "no store or callback");
    if (id <= 0)
        return SIFT_OK; /* ids start at 1: no such campaign */
    return st->ops->each_campaign(st, id, NULL, fn, ctx, err);
}

enum sift_rc sift_store_each_active_campaign(struct sift_store *st,
                                             sift_campaign_fn fn, void *ctx,
                                             struct sift_err *err)
{
    if (st == NULL || fn == NULL)
        return sift__err_set(err, SIFT_EINVAL, NULL, "no store or callback");
    return st->ops->each_campaign(st, -1, NULL, fn, ctx, err);
}

enum sift_rc sift_store_each_campaign_of(struct sift_store *st, const char *key,
                                         sift_campaign_fn fn, void *ctx,
                                         struct sift_err *err)
{
    if (st == NULL || fn == NULL || key == NULL)
        return sift__err_set(err, SIFT_EINVAL, NULL,
                             "no store, key or callback");
    return st->ops->each_campaign(st, 0, key, fn, ctx, err);
}

enum sift_rc sift_store_count_campaign_numbers(struct sift_store *st,
                                               int64_t campaign, int64_t *n,
                                               struct sift_err *err)
{
    if (n != NULL)
        *n = 0;
    if (st == NULL || n == NULL)
        return sift__err_set(err, SIFT_EINVAL, NULL, "no store or count");
    return st->ops->count_campaign_numbers(st, campaign, n, err);
}

enum sift_rc sift_store_each_campaign_number(struct sift_store *st,
                                             int64_t campaign,
                                             sift_campaign_number_fn fn,
                                             void *ctx, struct sift_err *err)
{
    if (st == NULL || fn == NULL)
        return sift__err_set(err, SIFT_EINVAL, NULL, "no store or callback");
    return st->ops->each_campaign_number(st, campaign, fn, ctx, err);
}

enum sift_rc sift_store_stats(struct sift_store *st,
                              struct sift_store_stats *out,
                              struct sift_err *err)
{
    if (st == NULL || out == NULL)
        return sift__err_set(err, SIFT_EINVAL, NULL, "no store");
    memset(out, 0, sizeof(*out));
    return st->ops->stats(st, out, err);
}
