/* The import's shared pieces (json/import*.c): the two-pass state, the
 * keys a document names, and the typed readers of its members, each of
 * which fails with a message "<path>: <what is wrong>". */
#ifndef ENGSCHED_JSON_IMPORT_H
#define ENGSCHED_JSON_IMPORT_H

#include <jansson.h>

#include "core/internal.h"
#include "core/validate.h"

#define PATH_LEN 160

#if defined(__GNUC__)
#define ES_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define ES_PRINTF(f, a)
#endif

/* A role, client or user named by the document: defined in one of its
 * arrays (index ≥ 0) or found in the store (index -1). */
typedef struct ref_entry {
    const char *key; /* points into the document */
    long index;
    engsched_id id; /* store id: known for store entries, set when written */
} ref_entry;

typedef engsched_rc (*store_find_fn)(engsched_storage *s, const char *key, engsched_id *out_id);

typedef struct ref_map {
    ref_entry *v;
    size_t count, cap;
    const char *noun;    /* "role", "client key", "user key" */
    const char *section; /* the document's array */
} ref_map;

typedef struct imp {
    engsched *db;
    engsched_id actor;
    es_actor who; /* the actor, loaded when the import begins */
    int writing;  /* the second pass */
    int version; /* the document's format version */
    /* A full version 2 document (it has "store") into an empty store: the
     * store comes back as it was, identity, settings and trail included,
     * and the import adds no events of its own. */
    int restore;
    json_t *doc; /* the document; the members below are borrowed from it */
    json_t *roles, *clients, *users, *unavailability, *skills, *engagements, *events,
        *feed_tokens;
    json_t *settings;     /* NULL: none */
    const char *store_id; /* NULL: none */
    ref_map role_map, client_map, user_map;
    int64_t max_bytes, max_count;
    size_t engagement_count;     /* items of "engagements" (so far, streaming) */
    engsched_id *engagement_ids; /* the written engagements, by index */
    size_t engagement_cap;
} imp;

/* The arrays of a document, in the order they are read and written. */
typedef enum imp_section {
    IMP_ROLES,
    IMP_CLIENTS,
    IMP_USERS,
    IMP_UNAVAILABILITY,
    IMP_SKILLS, /* users' skills (version 2, optional) */
    IMP_ENGAGEMENTS,
    IMP_EVENTS,
    IMP_FEED_TOKENS
} imp_section;

/* One item of a section: checked, and written too when im->writing. */
engsched_rc imp_section_item(imp *im, imp_section section, const json_t *item, size_t i);

/* An event of the trail, as read: strings and details borrowed. */
typedef struct imp_event {
    engsched_rec_event rec;
    json_t *details;
    int has_engagement;
    size_t index; /* into "engagements" */
} imp_event;

enum { OPTIONAL = 0, REQUIRED = 1, NULLABLE = 2 };

/* EINVAL (or ETOOBIG) with "<path>: <message>"; ENOMEM. */
engsched_rc imp_bad(engsched *db, const char *path, const char *fmt, ...) ES_PRINTF(3, 4);
engsched_rc imp_too_big(engsched *db, const char *path, const char *fmt, ...) ES_PRINTF(3, 4);
engsched_rc imp_oom(engsched *db);
/* The state of one import, and what it holds when done. */
void imp_init(imp *im, engsched *db, engsched_id actor);
void imp_release(imp *im);
/* An item of @p section that must be an object with a user key "user":
 * the item's path into @p base, the user's id into *out_user. */
engsched_rc imp_item_of_user(imp *im, const json_t *item, const char *section, size_t i,
                             char base[PATH_LEN], engsched_id *out_user);
/* es_emit() as the import's actor; a restore records nothing of its own
 * (the document's trail is the store's history). Takes @p details. */
engsched_rc imp_emit(imp *im, engsched_id engagement, const char *action, int status_before,
                     int status_after, json_t *details);
/* The path of a member, or of an array item, written into buf. */
const char *imp_at(char buf[PATH_LEN], const char *base, const char *key);
const char *imp_item(char buf[PATH_LEN], const char *base, const char *key, size_t index);
/* The keys a document defines or refers to (roles, clients, users). */
ref_entry *imp_map_find(const ref_map *m, const char *key);
engsched_rc imp_define(imp *im, ref_map *m, const char *key, long index, engsched_id id,
                       const char *path);
engsched_rc imp_resolve(imp *im, ref_map *m, store_find_fn find, const char *key, const char *path,
                        engsched_id *out_id);
engsched_rc imp_user_ref(imp *im, const char *key, const char *path, engsched_id *out_id);
/* An engagement's client must be one the actor may access, as for
 * engsched_create(): ENOTFOUND in the same words otherwise. A client the
 * document defines and the store does not hold yet is accessible to the
 * system and all-clients users only. */
engsched_rc imp_check_client_access(imp *im, const char *key, const char *path);
/* Typed members of an object: @p how is OPTIONAL, REQUIRED or NULLABLE. */
engsched_rc imp_get_member(imp *im, const json_t *obj, const char *base, const char *key, int how,
                           json_t **out);
engsched_rc imp_get_string(imp *im, const json_t *obj, const char *base, const char *key, int how,
                           const char **out);
engsched_rc imp_get_text(imp *im, const json_t *obj, const char *base, const char *key, int how,
                         size_t min_len, size_t max_len, es_text_kind kind, const char *dflt,
                         const char **out);
engsched_rc imp_get_int(imp *im, const json_t *obj, const char *base, const char *key, int64_t min,
                        int64_t *out);
engsched_rc imp_get_array(imp *im, const json_t *obj, const char *base, const char *key, int how,
                          json_t **out);
engsched_rc imp_get_object(imp *im, const json_t *array, size_t i, const char *base, json_t **out);
/* Custom fields: an object whose canonical text fits the setter's limit. */
engsched_rc imp_read_custom(imp *im, const json_t *e, const char *base, json_t **out);
/* An operator's window_start/window_end, percent and tentative (each
 * optional: the whole engagement, the whole day, firm), checked against
 * the engagement @p e, into rec's version 6 members. */
engsched_rc imp_read_allocation(imp *im, const json_t *op, const char *base,
                                const engsched_rec_engagement *e, engsched_rec_assignment *rec);
/* An array item that must be an object. */
engsched_rc imp_item_object(imp *im, const json_t *item, const char *base, json_t **out);

/* json/import_recurrence.c: "recurrence" and "origin" of engagement
 * @p index (read after its dates), into @p rec; origin is an earlier
 * engagement's index, its id once written. */
engsched_rc imp_read_recurrence(imp *im, const json_t *e, const char *base, size_t index,
                                engsched_rec_engagement *rec);

/* json/import_store.c: the parts of a version 2 document beyond the
 * directory and the engagements. */
/* Whether the store holds no client, user or engagement: an import of a
 * full document is then a restore. */
engsched_rc imp_store_is_empty(engsched *db, int *out);
/* Inside the write transaction, before the document: the actor is an
 * administrator, the store's file limits, and whether the store is empty
 * (im->restore, until the document says otherwise). */
engsched_rc imp_prepare(imp *im);
/* Once "store" and "settings" are read: a restore needs the document's
 * identity, and then holds files to the restored limits. */
void imp_settle_restore(imp *im);
engsched_rc imp_read_store(imp *im);
engsched_rc imp_read_settings(imp *im);
engsched_rc imp_write_store(imp *im);
engsched_rc imp_read_period(imp *im, const json_t *item, size_t i,
                            engsched_rec_unavailability *out);
engsched_rc imp_write_period(imp *im, const engsched_rec_unavailability *rec);
/* One item of "skills": {"user": key, "tags": [tag, ...]}, checked as
 * engsched_user_skills_set() checks them, and stored when im->writing. */
engsched_rc imp_user_skills(imp *im, const json_t *item, size_t i);
/* The tags of the array @p tags (member @p key of @p base), checked and
 * folded: a copy of the pointers to es_free() (NULL when there are none). */
engsched_rc imp_tags(imp *im, const json_t *tags, const char *base, const char *key,
                     const char ***out, size_t *out_count);
engsched_rc imp_read_event(imp *im, const json_t *item, size_t i, imp_event *out);
engsched_rc imp_write_event(imp *im, imp_event *ev);
engsched_rc imp_read_token(imp *im, const json_t *item, size_t i, engsched_rec_feed_token *out);
engsched_rc imp_write_token(imp *im, const engsched_rec_feed_token *rec);

#endif
