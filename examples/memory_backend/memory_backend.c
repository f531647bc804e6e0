/* The in-memory backend: its callback table, lifetime, prepare(),
 * transactions and settings, plus the table, string, error and ordering
 * helpers the other files share (memory_internal.h).
 *
 * How it keeps the contract of <engsched/storage.h>:
 *
 * - Records are plain structs in growable arrays (mem_table) and every
 *   lookup is a linear scan: an example, not a database. A real backend
 *   answers the same callbacks from indexes.
 * - Transactions: begin() only marks the transaction open. The first write
 *   of a transaction copies the whole state aside (mem_write()); rollback()
 *   puts the copy back, commit() drops it. A transaction that only reads
 *   costs nothing. File bytes are shared between the two copies, since
 *   nothing ever changes them in place.
 * - There is no lock to take: one backend belongs to one handle, used by
 *   one thread of one process. begin(s, 1) "takes the write lock at once"
 *   trivially, and set_busy_timeout() is remembered but never waited on.
 * - Strings handed to the core point into the records. Nothing changes or
 *   frees a record except a later callback, which is exactly as long as
 *   the contract asks them to live.
 * - Failures are described with engsched_storage_set_error(), prefixed
 *   "memory: ", and returned as result codes; nothing is printed.
 */
#include "memory_backend.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memory_internal.h"

/* The layout of the records this backend keeps. prepare() records the
 * version the core asks for; there is nothing to migrate, since a new
 * backend is always empty. */
#define MEM_SCHEMA_LATEST 1

mem_backend *mem_of(engsched_storage *s) { return (mem_backend *)s; }

/* --- errors ------------------------------------------------------------ */

engsched_rc mem_fail(mem_backend *b, engsched_rc rc, const char *fmt, ...)
{
    char message[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    engsched_storage_set_error(&b->base, "memory: %s", message);
    return rc;
}

engsched_rc mem_oom(mem_backend *b, const char *what)
{
    return mem_fail(b, ENGSCHED_ENOMEM, "out of memory %s", what);
}

engsched_rc mem_not_found(mem_backend *b, const char *what, engsched_id id)
{
    return mem_fail(b, ENGSCHED_ENOTFOUND, "%s %lld does not exist", what, (long long)id);
}

engsched_rc mem_null_string(mem_backend *b, const char *field)
{
    return mem_fail(b, ENGSCHED_EMISUSE, "%s must not be NULL", field);
}

/* --- strings ----------------------------------------------------------- */

char *mem_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *copy = malloc(n);
    if (copy != NULL)
        memcpy(copy, s, n);
    return copy;
}

char *mem_strdup_or(const char *s, const char *dflt) { return mem_strdup(s != NULL ? s : dflt); }

/* --- tables ------------------------------------------------------------ */

int mem_table_insert(mem_table *t, size_t index, const void *item, size_t size)
{
    if (t->count == t->cap) {
        size_t cap = t->cap != 0 ? t->cap * 2 : 8;
        if (cap > (size_t)-1 / size)
            return -1;
        void *grown = realloc(t->items, cap * size);
        if (grown == NULL)
            return -1; /* the old array is still there, unchanged */
        t->items = grown;
        t->cap = cap;
    }
    unsigned char *base = t->items;
    memmove(base + (index + 1) * size, base + index * size, (t->count - index) * size);
    memcpy(base + index * size, item, size);
    t->count++;
    return 0;
}

int mem_table_push(mem_table *t, const void *item, size_t size)
{
    return mem_table_insert(t, t->count, item, size);
}

void mem_table_remove(mem_table *t, size_t index, size_t size, mem_release_fn release)
{
    unsigned char *base = t->items;
    if (release != NULL)
        release(base + index * size);
    memmove(base + index * size, base + (index + 1) * size, (t->count - index - 1) * size);
    t->count--;
}

int mem_table_copy(mem_table *dst, const mem_table *src, size_t size, mem_copy_fn copy,
                   mem_release_fn release)
{
    *dst = (mem_table){NULL, 0, 0};
    if (src->count == 0)
        return 0;
    dst->items = malloc(src->count * size);
    if (dst->items == NULL)
        return -1;
    dst->cap = src->count;
    const unsigned char *from = src->items;
    unsigned char *to = dst->items;
    for (size_t i = 0; i < src->count; i++) {
        if (copy(to + i * size, from + i * size) != 0) {
            mem_table_free(dst, size, release); /* the dst->count copied so far */
            return -1;
        }
        dst->count = i + 1;
    }
    return 0;
}

void mem_table_free(mem_table *t, size_t size, mem_release_fn release)
{
    unsigned char *base = t->items;
    if (release != NULL)
        for (size_t i = 0; i < t->count; i++)
            release(base + i * size);
    free(t->items);
    *t = (mem_table){NULL, 0, 0};
}

/* --- ordering ---------------------------------------------------------- */

int mem_sort_cmp(const mem_sort_item *a, const mem_sort_item *b)
{
    int c;
    if (a->text != NULL && b->text != NULL)
        c = strcmp(a->text, b->text); /* bytes as unsigned char: UTF-8 code point order */
    else
        c = (a->key > b->key) - (a->key < b->key);
    if (c == 0)
        c = (a->id > b->id) - (a->id < b->id);
    return c;
}

static int sort_item_cmp(const void *a, const void *b) { return mem_sort_cmp(a, b); }

void mem_sort(mem_sort_item *items, size_t n)
{
    if (n > 1)
        qsort(items, n, sizeof *items, sort_item_cmp);
}

/* --- settings ---------------------------------------------------------- */

static void setting_release(void *item)
{
    mem_setting *x = item;
    free(x->key);
    free(x->value);
}

/* All strings or none (the pattern of every record type). */
static int setting_make(mem_setting *out, const char *key, const char *value)
{
    out->key = mem_strdup(key);
    out->value = mem_strdup(value);
    if (out->key == NULL || out->value == NULL) {
        setting_release(out);
        return -1;
    }
    return 0;
}

static int setting_copy(void *dst, const void *src)
{
    const mem_setting *from = src;
    return setting_make(dst, from->key, from->value);
}

static mem_setting *setting_find(const mem_state *st, const char *key)
{
    mem_setting *all = st->settings.items;
    for (size_t i = 0; i < st->settings.count; i++)
        if (strcmp(all[i].key, key) == 0)
            return &all[i];
    return NULL;
}

static engsched_rc mem_setting_get(engsched_storage *s, const char *key, const char **out_value)
{
    mem_backend *b = mem_of(s);
    mem_state *st = mem_read(b, "reading a setting");
    if (st == NULL)
        return ENGSCHED_EMISUSE;
    if (key == NULL)
        return mem_null_string(b, "setting key");
    const mem_setting *found = setting_find(st, key);
    if (found == NULL)
        return mem_fail(b, ENGSCHED_ENOTFOUND, "setting '%s' is not set", key);
    *out_value = found->value; /* valid until our next callback */
    return ENGSCHED_OK;
}

static engsched_rc mem_setting_set(engsched_storage *s, const char *key, const char *value)
{
    mem_backend *b = mem_of(s);
    engsched_rc rc;
    mem_state *st = mem_write(b, "writing a setting", &rc);
    if (st == NULL)
        return rc;
    if (key == NULL || value == NULL)
        return mem_null_string(b, key == NULL ? "setting key" : "setting value");
    /* Copy first, free after: `value` may be the very string a previous
     * setting_get() handed out. */
    mem_setting fresh;
    if (setting_make(&fresh, key, value) != 0)
        return mem_oom(b, "writing a setting");
    mem_setting *found = setting_find(st, key);
    if (found != NULL) {
        setting_release(found);
        *found = fresh;
        return ENGSCHED_OK;
    }
    if (mem_table_push(&st->settings, &fresh, sizeof fresh) != 0) {
        setting_release(&fresh);
        return mem_oom(b, "writing a setting");
    }
    return ENGSCHED_OK;
}

/* --- the whole state --------------------------------------------------- */

static void state_free(mem_state *st)
{
    mem_table_free(&st->settings, sizeof(mem_setting), setting_release);
    mem_directory_free(st);
    mem_engagements_free(st);
    mem_files_events_free(st);
    mem_skills_free(st);
    memset(st, 0, sizeof *st);
}

/* A new, empty store: no records, every id sequence at 1. */
static void state_init(mem_state *st)
{
    memset(st, 0, sizeof *st);
    st->next_client = st->next_user = st->next_engagement = st->next_report = 1;
    st->next_file = st->next_unavailability = 1;
    st->next_seq = 1;
}

/* A deep copy; on failure @p dst holds nothing. */
static int state_copy(mem_state *dst, const mem_state *src)
{
    *dst = *src; /* the scalars: schema version and id sequences */
    dst->settings = dst->clients = dst->users = dst->roles = dst->access = (mem_table){0};
    dst->engagements = dst->assignments = dst->files = dst->events = (mem_table){0};
    dst->unavailability = dst->invitations = (mem_table){0};
    dst->user_skills = dst->engagement_skills = (mem_table){0};
    if (mem_table_copy(&dst->settings, &src->settings, sizeof(mem_setting), setting_copy,
                       setting_release) != 0 ||
        mem_directory_copy(dst, src) != 0 || mem_engagements_copy(dst, src) != 0 ||
        mem_files_events_copy(dst, src) != 0 || mem_skills_copy(dst, src) != 0) {
        state_free(dst);
        return -1;
    }
    return 0;
}

/* --- transactions ------------------------------------------------------ */

mem_state *mem_read(mem_backend *b, const char *what)
{
    if (!b->in_txn) {
        mem_fail(b, ENGSCHED_EMISUSE, "%s outside a transaction", what);
        return NULL;
    }
    return &b->live;
}

mem_state *mem_write(mem_backend *b, const char *what, engsched_rc *out_rc)
{
    *out_rc = ENGSCHED_OK;
    if (!b->in_txn) {
        *out_rc = mem_fail(b, ENGSCHED_EMISUSE, "%s outside a transaction", what);
        return NULL;
    }
    /* The core begins every change with begin(s, 1). A write in a read
     * transaction is a caller's bug (SQLite would have to upgrade its lock
     * half-way, which the interface rules out), so it is refused. */
    if (!b->write_txn) {
        *out_rc = mem_fail(b, ENGSCHED_EMISUSE, "%s in a read transaction", what);
        return NULL;
    }
    /* Copy-before-write: the first change of a transaction keeps the state
     * as it was at begin(), for rollback(). */
    if (!b->has_saved) {
        if (state_copy(&b->saved, &b->live) != 0) {
            *out_rc = mem_oom(b, "keeping a copy for rollback");
            return NULL;
        }
        b->has_saved = 1;
    }
    return &b->live;
}

static engsched_rc mem_begin(engsched_storage *s, int write)
{
    mem_backend *b = mem_of(s);
    if (b->in_txn)
        return mem_fail(b, ENGSCHED_EMISUSE, "a transaction is already open");
    b->in_txn = 1;
    b->write_txn = write != 0;
    b->has_saved = 0;
    return ENGSCHED_OK;
}

static engsched_rc mem_commit(engsched_storage *s)
{
    mem_backend *b = mem_of(s);
    if (!b->in_txn)
        return mem_fail(b, ENGSCHED_EMISUSE, "commit without a transaction");
    /* The live state already is the committed state: drop the copy. */
    if (b->has_saved)
        state_free(&b->saved);
    b->has_saved = 0;
    b->in_txn = 0;
    return ENGSCHED_OK;
}

/* Must succeed whenever called, even with no transaction open (the core
 * rolls back after any failure, including a failed commit). */
static engsched_rc mem_rollback(engsched_storage *s)
{
    mem_backend *b = mem_of(s);
    if (b->in_txn && b->has_saved) {
        state_free(&b->live);
        b->live = b->saved; /* a struct copy: the saved tables move back */
        memset(&b->saved, 0, sizeof b->saved);
    }
    b->has_saved = 0;
    b->in_txn = 0;
    return ENGSCHED_OK;
}

static engsched_rc mem_set_busy_timeout(engsched_storage *s, int milliseconds)
{
    /* Nothing ever waits: one thread owns the backend. */
    mem_of(s)->busy_timeout_ms = milliseconds > 0 ? milliseconds : 0;
    return ENGSCHED_OK;
}

/* --- schema ------------------------------------------------------------ */

/* Called once by the opener, outside a transaction. */
static engsched_rc mem_prepare(engsched_storage *s, int supported_version, int *out_version)
{
    mem_backend *b = mem_of(s);
    if (supported_version > MEM_SCHEMA_LATEST)
        return mem_fail(b, ENGSCHED_EUNSUPPORTED,
                        "schema version %d was asked for, but this backend only knows "
                        "versions up to %d",
                        supported_version, MEM_SCHEMA_LATEST);
    /* A store newer than the library is refused (it cannot happen here,
     * as every store starts empty, but this is the rule to keep). */
    if (b->live.schema_version > supported_version)
        return mem_fail(b, ENGSCHED_EUNSUPPORTED,
                        "the store has schema version %d, newer than the supported "
                        "version %d",
                        b->live.schema_version, supported_version);
    /* "Migrating" an empty store forward is recording the version. */
    if (b->live.schema_version < supported_version)
        b->live.schema_version = supported_version;
    if (out_version != NULL)
        *out_version = b->live.schema_version;
    return ENGSCHED_OK;
}

static engsched_rc mem_schema_version(engsched_storage *s, int *out_version)
{
    mem_backend *b = mem_of(s);
    mem_state *st = mem_read(b, "reading the schema version");
    if (st == NULL)
        return ENGSCHED_EMISUSE;
    *out_version = st->schema_version;
    return ENGSCHED_OK;
}

/* --- lifetime ---------------------------------------------------------- */

static void mem_free(engsched_storage *s)
{
    mem_backend *b = mem_of(s);
    if (b == NULL)
        return;
    if (b->has_saved)
        state_free(&b->saved);
    state_free(&b->live);
    free(b);
}

/* The table version this backend implements: 6, for skills and recurring
 * series (recurring_due() and the version 6 engagement members), with none
 * of the optional members of versions 2 to 5 and no allocations (an
 * example of optional members left out: the library then treats every
 * assignment as the whole engagement, whole days, firm). Savepoints
 * (version 2, for batches) would cost this backend another copy of the
 * whole state per operation; the library never calls the NULL members,
 * and engsched_batch_begin() returns ENGSCHED_EUNSUPPORTED. */
#define MEM_TABLE_VERSION 6

/* engsched_storage_init() sets the version and makes every member of that
 * version NULL (it fails only for a version the library does not know: a
 * library older than this backend). Then every member of version 1, all
 * required: engsched_open_backend() refuses a table with one missing. */
static engsched_rc mem_table_init(engsched_storage *t)
{
    engsched_rc rc = engsched_storage_init(t, MEM_TABLE_VERSION);
    if (rc != ENGSCHED_OK)
        return rc;
    t->free = mem_free;
    t->prepare = mem_prepare;
    t->set_busy_timeout = mem_set_busy_timeout;
    t->begin = mem_begin;
    t->commit = mem_commit;
    t->rollback = mem_rollback;
    t->schema_version = mem_schema_version;
    t->setting_get = mem_setting_get;
    t->setting_set = mem_setting_set;
    t->client_upsert = mem_client_upsert;
    t->client_get = mem_client_get;
    t->client_find = mem_client_find;
    t->user_upsert = mem_user_upsert;
    t->user_get = mem_user_get;
    t->user_find = mem_user_find;
    t->role_insert = mem_role_insert;
    t->role_update = mem_role_update;
    t->role_get = mem_role_get;
    t->role_find = mem_role_find;
    t->access_grant = mem_access_grant;
    t->access_revoke = mem_access_revoke;
    t->access_check = mem_access_check;
    t->engagement_insert = mem_engagement_insert;
    t->engagement_update = mem_engagement_update;
    t->engagement_get = mem_engagement_get;
    t->report_engagement = mem_report_engagement;
    t->engagements_due = mem_engagements_due;
    t->recurring_due = mem_recurring_due;
    t->assignment_insert = mem_assignment_insert;
    t->assignment_delete = mem_assignment_delete;
    t->assignment_list = mem_assignment_list;
    t->file_insert = mem_file_insert;
    t->file_get = mem_file_get;
    t->file_read = mem_file_read;
    t->file_delete = mem_file_delete;
    t->file_list = mem_file_list;
    t->event_append = mem_event_append;
    t->event_list = mem_event_list;
    t->event_last_seq = mem_event_last_seq;
    t->engagement_query = mem_engagement_query;
    t->users_with_permissions = mem_users_with_permissions;
    t->operator_work = mem_operator_work;
    t->unavailability_insert = mem_unavailability_insert;
    t->unavailability_get = mem_unavailability_get;
    t->unavailability_delete = mem_unavailability_delete;
    t->unavailability_list = mem_unavailability_list;
    t->invitation_get = mem_invitation_get;
    t->invitation_put = mem_invitation_put;
    t->client_list = mem_client_list;
    t->user_list = mem_user_list;
    t->role_list = mem_role_list;
    t->access_list = mem_access_list;
    /* version 6: skills */
    t->user_skills_set = mem_user_skills_set;
    t->user_skills_list = mem_user_skills_list;
    t->engagement_skills_set = mem_engagement_skills_set;
    t->engagement_skills_list = mem_engagement_skills_list;
    return ENGSCHED_OK;
}

engsched_rc engsched_example_memory_backend_new(engsched_storage **out)
{
    if (out == NULL)
        return ENGSCHED_EMISUSE;
    mem_backend *b = calloc(1, sizeof *b);
    if (b == NULL)
        return ENGSCHED_ENOMEM;
    engsched_rc rc = mem_table_init(&b->base);
    if (rc != ENGSCHED_OK) {
        free(b);
        return rc;
    }
    state_init(&b->live);
    *out = &b->base;
    return ENGSCHED_OK;
}
