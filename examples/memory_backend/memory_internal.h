/* Private to the in-memory backend: its records, its state and the helpers
 * its three source files share. Nothing here is libengsched's: the backend
 * sees only <engsched/storage.h> (and the <engsched/engsched.h> it
 * includes) and libc.
 *
 *   memory_backend.c      the callback table, lifetime, prepare(),
 *                         transactions, settings, tables and errors
 *   memory_directory.c    clients, users, roles, access, unavailability,
 *                         and the directory lists
 *   memory_engagements.c  engagements with their reports, assignments,
 *                         invitations and the view queries
 *   memory_files_events.c support files and the event log
 *   memory_skills.c       user skills and required skills (version 6)
 */
#ifndef ENGSCHED_EXAMPLE_MEMORY_INTERNAL_H
#define ENGSCHED_EXAMPLE_MEMORY_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <engsched/storage.h>

/* --- tables ------------------------------------------------------------ */

/* A growable array of records of one type. `items` is a void pointer so
 * that one set of helpers serves every table; the typed code reads it as
 * `mem_client *all = st->clients.items;` (C converts void * implicitly).
 *
 * Tables whose ids the backend chooses are kept in id order for free:
 * ids only grow, new records are appended and removals keep the order.
 * Roles (whose ids the core may choose) are inserted in id order. */
typedef struct mem_table {
    void *items;
    size_t count;
    size_t cap;
} mem_table;

/* Deep-copy one record of a table (from src to dst, both of the table's
 * type); 0 on success, -1 when out of memory with nothing left allocated. */
typedef int (*mem_copy_fn)(void *dst, const void *src);
/* Free what one record owns (not the record itself). */
typedef void (*mem_release_fn)(void *item);

/* Insert a copy of the @p size bytes at @p item at @p index (0 … count),
 * moving later records up; 0, or -1 when out of memory (table unchanged). */
int mem_table_insert(mem_table *t, size_t index, const void *item, size_t size);
/* Append: mem_table_insert() at the end. */
int mem_table_push(mem_table *t, const void *item, size_t size);
/* Remove the record at @p index (after releasing it), keeping the order. */
void mem_table_remove(mem_table *t, size_t index, size_t size, mem_release_fn release);
/* Make @p dst (empty) a deep copy of @p src; on failure @p dst is empty. */
int mem_table_copy(mem_table *dst, const mem_table *src, size_t size, mem_copy_fn copy,
                   mem_release_fn release);
/* Release every record and the array; the table is empty afterwards. */
void mem_table_free(mem_table *t, size_t size, mem_release_fn release);

/* --- records ----------------------------------------------------------- */

/* Records own their strings (malloc'ed copies). The core receives pointers
 * straight into them: the contract keeps such strings valid only until the
 * next callback, and nothing changes or frees a record before then. */

typedef struct mem_setting {
    char *key;
    char *value;
} mem_setting;

typedef struct mem_client {
    engsched_id id;
    char *host_key;
    char *name;
} mem_client;

typedef struct mem_user {
    engsched_id id;
    char *host_key;
    char *email; /* NULL when the user has none: the one optional string */
    char *display_name;
    engsched_id role;
    unsigned int flags;
} mem_user;

typedef struct mem_role {
    engsched_id id;
    char *name;
    unsigned int permissions;
} mem_role;

/* A grant: @p user may see @p client. */
typedef struct mem_access {
    engsched_id user;
    engsched_id client;
} mem_access;

/* An engagement and its (optional) report in one record: the interface
 * only ever reads and writes them together, and a report belongs to one
 * engagement. report == 0 means "no report yet". */
typedef struct mem_engagement {
    engsched_id id;
    engsched_id client;
    engsched_id requested_by; /* 0: requested by the system */
    char *name;
    char *description;
    char *type;
    char *location;
    char *contacts;
    char *custom_fields;
    char *cancel_reason;
    int32_t start_day;
    int32_t end_day;
    int status;
    int64_t version;
    int64_t created_at;
    int64_t updated_at;
    engsched_id report;
    int report_status;
    char *report_title;
    char *recurrence;            /* table version 6: "" if none */
    engsched_id origin;          /* the series of an occurrence, 0 if none */
    int32_t recurrence_next_day; /* kept by the core */
} mem_engagement;

/* Assignments are one table in the order they were made: that order is
 * the "assignment order" assignment_list() promises. */
typedef struct mem_assignment {
    engsched_id engagement;
    engsched_id user;
    int role;
    engsched_id assigned_by;
    int64_t assigned_at;
} mem_assignment;

/* File bytes never change once stored, so the live state and the copy a
 * transaction keeps for rollback share them, counting references. */
typedef struct mem_blob {
    size_t refs;
    size_t size;
    unsigned char bytes[]; /* size bytes */
} mem_blob;

typedef struct mem_file {
    engsched_id id;
    engsched_id engagement;
    char *name;
    char *media_type;
    engsched_id uploaded_by;
    int64_t uploaded_at;
    mem_blob *data; /* the size is data->size */
} mem_file;

typedef struct mem_event {
    int64_t seq;
    int64_t time;
    engsched_id actor;
    engsched_id engagement;
    char *action;
    int status_before;
    int status_after;
    char *details;
} mem_event;

typedef struct mem_unavailability {
    engsched_id id;
    engsched_id user;
    int32_t start_day;
    int32_t end_day;
    char *reason;
    engsched_id created_by;
    int64_t created_at;
} mem_unavailability;

typedef struct mem_invitation {
    engsched_id engagement;
    engsched_id user;
    int64_t sequence;
    int canceled;
    int64_t updated_at;
} mem_invitation;

/* One tag of a user (owner: the user id) or one skill an engagement
 * requires (owner: the engagement id). */
typedef struct mem_tag {
    engsched_id owner;
    char *tag;
} mem_tag;

/* --- the store --------------------------------------------------------- */

/* Everything the store holds. A transaction's rollback copy is another
 * mem_state, so every field must be copied by mem_state_copy(). */
typedef struct mem_state {
    int schema_version; /* 0 until prepare() */
    mem_table settings;       /* mem_setting */
    mem_table clients;        /* mem_client, id order */
    mem_table users;          /* mem_user, id order */
    mem_table roles;          /* mem_role, id order */
    mem_table access;         /* mem_access, no order */
    mem_table engagements;    /* mem_engagement, id order */
    mem_table assignments;    /* mem_assignment, assignment order */
    mem_table files;          /* mem_file, id order */
    mem_table events;         /* mem_event, seq order */
    mem_table unavailability; /* mem_unavailability, id order */
    mem_table invitations;    /* mem_invitation, no order */
    mem_table user_skills;       /* mem_tag, (user, tag) order */
    mem_table engagement_skills; /* mem_tag, (engagement, tag) order */
    /* The next id of each kind. Ids are never reused, even after a
     * delete, so an old link can never point at a new record. */
    engsched_id next_client, next_user, next_engagement, next_report, next_file,
        next_unavailability;
    int64_t next_seq;
} mem_state;

/* The backend: the callback table first, so the core's engsched_storage *
 * and our mem_backend * are the same address (as libgit2 backends do). */
typedef struct mem_backend {
    engsched_storage base;
    mem_state live;    /* what every callback reads and writes */
    mem_state saved;   /* the state at begin(), for rollback() */
    int has_saved;     /* `saved` holds a copy (taken at the first write) */
    int in_txn;        /* between begin() and commit()/rollback() */
    int write_txn;     /* begin(s, 1) */
    int busy_timeout_ms;
} mem_backend;

/* The backend behind a callback's table pointer. */
mem_backend *mem_of(engsched_storage *s);

/* Every read callback starts with this: data callbacks run only inside a
 * transaction. Returns the live state, or NULL (message set; return
 * ENGSCHED_EMISUSE). */
mem_state *mem_read(mem_backend *b, const char *what);
/* Every write callback starts with this: also checks that the transaction
 * was begun for writing, and before the transaction's first change keeps
 * a copy of the state for rollback(). *out_rc is OK or the error to
 * return; the live state on success, NULL otherwise. */
mem_state *mem_write(mem_backend *b, const char *what, engsched_rc *out_rc);

/* --- errors ------------------------------------------------------------ */

/* Describe a failure with engsched_storage_set_error() and return @p rc.
 * Every message starts with "memory: ". */
engsched_rc mem_fail(mem_backend *b, engsched_rc rc, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
engsched_rc mem_oom(mem_backend *b, const char *what);
engsched_rc mem_not_found(mem_backend *b, const char *what, engsched_id id);
/* A required string the core passed as NULL: EMISUSE. */
engsched_rc mem_null_string(mem_backend *b, const char *field);

/* --- strings ----------------------------------------------------------- */

/* malloc'ed copy of @p s, or NULL when out of memory (C11 has no strdup). */
char *mem_strdup(const char *s);
/* Copy of @p s, or of @p dflt when @p s is NULL: the interface's fields
 * documented as `"" if none` (or "{}") may arrive as NULL. */
char *mem_strdup_or(const char *s, const char *dflt);
/* Records are replaced only once all their new strings exist: the core
 * often passes back strings we handed out (an update with an unchanged
 * name), so freeing the old copy first would free the caller's input. */

/* --- ordering ---------------------------------------------------------- */

/* One row to sort: its sort key (an integer, or a string when `text` is
 * not NULL), its id for ties, and where it lives in its table. */
typedef struct mem_sort_item {
    int64_t key;
    const char *text;
    engsched_id id;
    size_t index;
} mem_sort_item;

/* (key, id) order, strings by bytes (strcmp), as the interface asks. */
int mem_sort_cmp(const mem_sort_item *a, const mem_sort_item *b);
/* qsort() the items ascending by mem_sort_cmp(). */
void mem_sort(mem_sort_item *items, size_t n);

/* --- shared lookups ---------------------------------------------------- */

/* Whether a grant row (user, client) exists (memory_directory.c). */
int mem_has_access(const mem_state *st, engsched_id user, engsched_id client);

/* --- copy/release of the records in each file -------------------------- */

int mem_directory_copy(mem_state *dst, const mem_state *src);
void mem_directory_free(mem_state *st);
int mem_engagements_copy(mem_state *dst, const mem_state *src);
void mem_engagements_free(mem_state *st);
int mem_files_events_copy(mem_state *dst, const mem_state *src);
void mem_files_events_free(mem_state *st);
int mem_skills_copy(mem_state *dst, const mem_state *src);
void mem_skills_free(mem_state *st);

/* --- the callbacks of each file ---------------------------------------- */

/* memory_directory.c */
engsched_rc mem_client_upsert(engsched_storage *s, const engsched_rec_client *rec,
                              engsched_id *out_id, int *out_created);
engsched_rc mem_client_get(engsched_storage *s, engsched_id id, engsched_rec_client *out);
engsched_rc mem_client_find(engsched_storage *s, const char *host_key, engsched_id *out_id);
engsched_rc mem_user_upsert(engsched_storage *s, const engsched_rec_user *rec,
                            engsched_id *out_id, int *out_created);
engsched_rc mem_user_get(engsched_storage *s, engsched_id id, engsched_rec_user *out);
engsched_rc mem_user_find(engsched_storage *s, const char *host_key, engsched_id *out_id);
engsched_rc mem_role_insert(engsched_storage *s, const engsched_rec_role *rec,
                            engsched_id *out_id);
engsched_rc mem_role_update(engsched_storage *s, engsched_id id, unsigned int permissions);
engsched_rc mem_role_get(engsched_storage *s, engsched_id id, engsched_rec_role *out);
engsched_rc mem_role_find(engsched_storage *s, const char *name, engsched_id *out_id);
engsched_rc mem_access_grant(engsched_storage *s, engsched_id user, engsched_id client);
engsched_rc mem_access_revoke(engsched_storage *s, engsched_id user, engsched_id client);
engsched_rc mem_access_check(engsched_storage *s, engsched_id user, engsched_id client,
                             int *out_granted);
engsched_rc mem_users_with_permissions(engsched_storage *s, unsigned int permissions,
                                       engsched_id scope_user, const char *after_name,
                                       engsched_id after_id, unsigned int limit,
                                       engsched_storage_user_fn row, void *ctx);
engsched_rc mem_unavailability_insert(engsched_storage *s,
                                      const engsched_rec_unavailability *rec,
                                      engsched_id *out_id);
engsched_rc mem_unavailability_get(engsched_storage *s, engsched_id id,
                                   engsched_rec_unavailability *out);
engsched_rc mem_unavailability_delete(engsched_storage *s, engsched_id id);
engsched_rc mem_unavailability_list(engsched_storage *s, engsched_id user, int32_t range_start,
                                    int32_t range_end, engsched_storage_unavailability_fn row,
                                    void *ctx);
engsched_rc mem_client_list(engsched_storage *s, engsched_id after_id, unsigned int limit,
                            engsched_storage_client_fn row, void *ctx);
engsched_rc mem_user_list(engsched_storage *s, engsched_id after_id, unsigned int limit,
                          engsched_storage_user_fn row, void *ctx);
engsched_rc mem_role_list(engsched_storage *s, engsched_storage_role_fn row, void *ctx);
engsched_rc mem_access_list(engsched_storage *s, engsched_id user,
                            engsched_storage_client_fn row, void *ctx);

/* memory_engagements.c */
engsched_rc mem_engagement_insert(engsched_storage *s, const engsched_rec_engagement *rec,
                                  engsched_id *out_id, engsched_id *out_report);
engsched_rc mem_engagement_update(engsched_storage *s, const engsched_rec_engagement *rec,
                                  engsched_id *out_report);
engsched_rc mem_engagement_get(engsched_storage *s, engsched_id id,
                               engsched_rec_engagement *out);
engsched_rc mem_report_engagement(engsched_storage *s, engsched_id report,
                                  engsched_id *out_engagement);
engsched_rc mem_recurring_due(engsched_storage *s, int32_t until_day, unsigned int statuses,
                              engsched_id after_id, unsigned int limit,
                              engsched_storage_engagement_fn row, void *ctx);
engsched_rc mem_engagements_due(engsched_storage *s, int32_t day, engsched_id after_id,
                                unsigned int limit, engsched_storage_engagement_fn row,
                                void *ctx);
engsched_rc mem_assignment_insert(engsched_storage *s, const engsched_rec_assignment *rec);
engsched_rc mem_assignment_delete(engsched_storage *s, engsched_id engagement,
                                  engsched_id user);
engsched_rc mem_assignment_list(engsched_storage *s, engsched_id engagement,
                                engsched_storage_assignment_fn row, void *ctx);
engsched_rc mem_engagement_query(engsched_storage *s, const engsched_storage_query *q,
                                 engsched_storage_engagement_fn row, void *ctx);
engsched_rc mem_operator_work(engsched_storage *s, engsched_id user, unsigned int statuses,
                              int32_t range_start, int32_t range_end,
                              engsched_storage_engagement_fn row, void *ctx);
engsched_rc mem_invitation_get(engsched_storage *s, engsched_id engagement, engsched_id user,
                               engsched_rec_invitation *out);
engsched_rc mem_invitation_put(engsched_storage *s, const engsched_rec_invitation *rec);

/* memory_files_events.c */
engsched_rc mem_file_insert(engsched_storage *s, const engsched_rec_file *meta,
                            const void *data, engsched_id *out_id);
engsched_rc mem_file_get(engsched_storage *s, engsched_id id, engsched_rec_file *out);
engsched_rc mem_file_read(engsched_storage *s, engsched_id id, int64_t offset, void *buf,
                          size_t size, size_t *out_read);
engsched_rc mem_file_delete(engsched_storage *s, engsched_id id);
engsched_rc mem_file_list(engsched_storage *s, engsched_id engagement,
                          engsched_storage_file_fn row, void *ctx);
engsched_rc mem_event_append(engsched_storage *s, const engsched_rec_event *rec,
                             int64_t *out_seq);
engsched_rc mem_event_list(engsched_storage *s, engsched_id engagement, int64_t after_seq,
                           unsigned int limit, engsched_storage_event_fn row, void *ctx);
engsched_rc mem_event_last_seq(engsched_storage *s, int64_t *out_seq);

/* memory_skills.c */
engsched_rc mem_user_skills_set(engsched_storage *s, engsched_id user, const char *const *tags,
                                size_t count);
engsched_rc mem_user_skills_list(engsched_storage *s, engsched_id user,
                                 engsched_storage_tag_fn row, void *ctx);
engsched_rc mem_engagement_skills_set(engsched_storage *s, engsched_id engagement,
                                      const char *const *tags, size_t count);
engsched_rc mem_engagement_skills_list(engsched_storage *s, engsched_id engagement,
                                       engsched_storage_tag_fn row, void *ctx);
/* Sort rows by tag, bytewise. */
void mem_sort_tags(mem_tag *rows, size_t n);

#endif
