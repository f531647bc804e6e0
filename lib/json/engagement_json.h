/* json/: engagement JSON, export and import; includes delivery/ and
 * below, never ops/. */
/* Engagements as JSON (docs/json.md): the one function that turns a stored
 * engagement into a json_t, shared by engsched_engagement_json() and the
 * export, and the directory lookups both need to name users and clients
 * by the host's keys. */
#ifndef ENGSCHED_ENGAGEMENT_JSON_H
#define ENGSCHED_ENGAGEMENT_JSON_H

#include <jansson.h>

#include "core/internal.h"

/* A user as the documents name it. Strings owned (es_free). */
typedef struct es_ref_user {
    engsched_id id;
    char *key;
    char *display_name;
    char *email; /* NULL if none */
    engsched_id role;
    unsigned int flags;
} es_ref_user;

/* A client as the documents name it. Strings owned (es_free). */
typedef struct es_ref_client {
    engsched_id id;
    char *key;
    char *name;
} es_ref_client;

/* The users and clients a document refers to, read from the store once
 * each and kept in id order. The export lists exactly these. */
typedef struct es_refs {
    es_ref_user *users;
    size_t user_count;
    size_t user_cap;
    es_ref_client *clients;
    size_t client_count;
    size_t client_cap;
    int with_series; /* operators carry their invitation series (a full export) */
} es_refs;

void es_refs_release(es_refs *r);

/* Inside a transaction and outside any storage iteration: the host key of
 * a user (NULL for id 0, the system), read on first use. The string lives
 * until es_refs_release(). A missing user is ECORRUPT: records refer to
 * users through foreign keys. */
engsched_rc es_refs_user_key(engsched *db, es_refs *r, engsched_id id, const char **out_key);
/* The same for a client; *out points into the table and is valid until the
 * next call that adds to it. */
engsched_rc es_refs_client(engsched *db, es_refs *r, engsched_id id, const es_ref_client **out);
/* Add rows of a directory listing (no storage call; usable inside one).
 * Return ENOMEM without touching the handle, as row callbacks do. */
engsched_rc es_refs_add_user(es_refs *r, const engsched_rec_user *rec);
engsched_rc es_refs_add_client(es_refs *r, const engsched_rec_client *rec);

typedef enum es_ejson_mode {
    ES_EJSON_API,        /* engsched_engagement_json(): store ids, label, colour */
    ES_EJSON_EXPORT,     /* the export: no store ids; "data": null */
    ES_EJSON_EXPORT_DATA /* the export: no store ids; file bytes in base64 */
} es_ejson_mode;

/* Inside a transaction and outside any storage iteration: the document of
 * one engagement record with its report, operators and files. The record
 * is only read. On failure the handle's message explains. */
engsched_rc es_engagement_to_json(engsched *db, es_refs *refs, const engsched_rec_engagement *rec,
                                  es_ejson_mode mode, json_t **out);

/* The machine names of operator roles ("none", "lead", "tester",
 * "reviewer"); parse gives -1 for an unknown name. */
const char *es_oprole_name(int role);
int es_oprole_parse(const char *name);

/* Serialise straight into library memory (engsched_free), so a large
 * document is never held twice. ENOMEM with the handle's message. */
engsched_rc es_json_text(engsched *db, const json_t *doc, size_t flags, char **out);

#endif
