/*
 * story_corpus DIR — the whole story of libengsched, through the public API
 * only, with every message and calendar the library produces written into
 * DIR for parsers that share no code with it (tests/corpus/CMakeLists.txt).
 *
 * Three SQLite stores, all on the default `uid_domain`: tenants A and B,
 * each with its own engagement 1 and user 1 (the numeric ids overlap on
 * purpose), and C, a fresh store into which A's export is imported (A's
 * data moved: its files belong to tenant "a"). On a controlled clock:
 * non-ASCII, quoted and punctuated names, a Pending engagement with an
 * operator, approval, a date edit, a rename, a client rename, an operator
 * rename, a refused delivery retried, an organizer change followed by an
 * unassignment and a cancellation, a far-future engagement, empty and full
 * feeds, export and import, then an update and a cancellation in C.
 *
 * Files, numbered in the order the library produced them:
 *   NNN-<store>-<step>-<what>.eml   each mail handed to on_mail (also the
 *                                    refused attempt of a retried item)
 *   NNN-<store>-<step>-<what>.ics   invitation downloads and feeds
 *   NNN-<...>.json                  the manifest of that file: what the
 *                                    story passed in (names, client names,
 *                                    dates, who sees what), never anything
 *                                    read back from the library's output
 *   story.json                      the steps, for the cross-file checks
 *
 * Exit 0 when every call succeeded, 1 otherwise.
 */
#include <engsched/engsched.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

/* The far-future engagement's year. It becomes 9999 (dates 9999-12-30 and
 * 9999-12-31, the last day engsched_date_validate() accepts, DTEND then
 * the day after) once the calendar code carries every date. */
#define FAR_YEAR "2999"

/* 2027-01-04T09:00:00Z: the story's first instant. */
#define T0 INT64_C(1799053200)
#define HOUR INT64_C(3600)

#define MAX_CLIENTS 3
#define MAX_USERS 8
#define MAX_ENGAGEMENTS 8
#define MAX_SERIES 64

typedef struct client_rec {
    const char *key;
    char name[256];
    engsched_id id;
} client_rec;

typedef struct user_rec {
    const char *key;
    char name[256];
    char email[128];
    engsched_id role;
    unsigned int flags;
    unsigned int clients; /* bit i: access to clients[i] */
    engsched_id id;
} user_rec;

typedef struct eng_rec {
    const char *label;
    int client;
    char name[256];
    char location[256];
    char start[11], end[11];
    int pending, canceled;
    unsigned int ops;        /* bit i: users[i] is assigned */
    unsigned int unassigned; /* bit i: users[i] was assigned, then taken off */
    engsched_id id;
} eng_rec;

typedef struct store {
    const char *label;  /* the store: a, b, c */
    const char *tenant; /* whose data: c holds a's */
    engsched *db;
    int64_t now;
    int refuse; /* the mail callback refuses this many messages */
    char organizer_email[128], organizer_name[128];
    client_rec clients[MAX_CLIENTS];
    user_rec users[MAX_USERS];
    eng_rec engs[MAX_ENGAGEMENTS];
    int nclients, nusers, nengs;
    eng_rec *creating; /* its mail comes before its id does */
} store;

/* The organizer each invitation series was first sent by (tenant,
 * engagement, operator): what every later message of it must keep. */
typedef struct series_rec {
    char key[128];
    char organizer[128];
} series_rec;

static const char *out_dir;
static int file_no;
static const char *step = "setup";
static series_rec series[MAX_SERIES];
static int nseries;
static json_t *story_steps;

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "story_corpus: %s: %s\n", what, detail);
    exit(1);
}

static void ok(store *s, engsched_rc rc, const char *what)
{
    if (rc != ENGSCHED_OK) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s: %s", engsched_rc_name(rc), engsched_errmsg(s->db));
        die(what, msg);
    }
}

static void write_file(const char *name, const char *data, size_t len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", out_dir, name);
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        die(path, strerror(errno));
    if (fwrite(data, 1, len, f) != len || fclose(f) != 0)
        die(path, "write failed");
}

static void write_json(const char *name, json_t *doc)
{
    char *text = json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS);
    if (text == NULL)
        die(name, "json_dumps failed");
    write_file(name, text, strlen(text));
    free(text);
    json_decref(doc);
}

/* --- the story's records: what it passed in ------------------------------- */

static int user_index(const store *s, engsched_id id)
{
    for (int i = 0; i < s->nusers; i++)
        if (s->users[i].id == id)
            return i;
    die("user id", "not in the story");
    return -1;
}

static int user_by_key(const store *s, const char *key)
{
    for (int i = 0; i < s->nusers; i++)
        if (strcmp(s->users[i].key, key) == 0)
            return i;
    die("user key", key);
    return -1;
}

static eng_rec *eng_by_id(store *s, engsched_id id)
{
    for (int i = 0; i < s->nengs; i++)
        if (s->engs[i].id == id)
            return &s->engs[i];
    if (s->creating != NULL && s->creating->id == 0) {
        s->creating->id = id;
        return s->creating;
    }
    die("engagement id", "not in the story");
    return NULL;
}

static eng_rec *eng_by_label(store *s, const char *label)
{
    for (int i = 0; i < s->nengs; i++)
        if (strcmp(s->engs[i].label, label) == 0)
            return &s->engs[i];
    die("engagement label", label);
    return NULL;
}

static const char *series_organizer(const store *s, const eng_rec *e, const user_rec *u)
{
    char key[128];
    snprintf(key, sizeof key, "%s/%s/%s", s->tenant, e->label, u->key);
    for (int i = 0; i < nseries; i++)
        if (strcmp(series[i].key, key) == 0)
            return series[i].organizer;
    if (nseries == MAX_SERIES)
        die("series", "too many");
    snprintf(series[nseries].key, sizeof series[nseries].key, "%s", key);
    snprintf(series[nseries].organizer, sizeof series[nseries].organizer, "%s", s->organizer_email);
    return series[nseries++].organizer;
}

/* The CN a calendar shows for @p name, by the documented rule (docs:
 * RFC 6868's ^' is shown literally by Outlook and Google): each ASCII
 * double quote becomes a typographic one, opening and closing in turn. */
static json_t *cn_shown(const char *name)
{
    char out[1024];
    size_t n = 0;
    int open = 1;
    for (const char *p = name; *p && n + 4 < sizeof out; p++) {
        if (*p == '"') {
            memcpy(out + n, open ? "\xe2\x80\x9c" : "\xe2\x80\x9d", 3);
            n += 3;
            open = !open;
        } else {
            out[n++] = *p;
        }
    }
    out[n] = '\0';
    return json_string(out);
}

static json_t *series_key(const store *s, const eng_rec *e)
{
    return json_sprintf("%s/%s", s->tenant, e->label);
}

/* The expected event of engagement @p e: for an invitation of operator
 * @p u, or (u NULL) for a feed. */
static json_t *event_json(const store *s, const eng_rec *e, const user_rec *u)
{
    const client_rec *c = &s->clients[e->client];
    json_t *ev = json_object();
    json_t *texts = json_object();
    json_object_set_new(ev, "series", series_key(s, e));
    json_object_set_new(ev, "start", json_string(e->start));
    json_object_set_new(ev, "end", json_string(e->end));
    json_object_set_new(ev, "engagement_name", json_string(e->name));
    json_object_set_new(ev, "client_name", json_string(c->name));
    json_object_set_new(texts, "SUMMARY", json_sprintf("%s: %s", c->name, e->name));
    if (e->location[0])
        json_object_set_new(texts, "LOCATION", json_string(e->location));
    if (s->organizer_name[0])
        json_object_set_new(texts, "ORGANIZER:CN", cn_shown(s->organizer_name));
    json_object_set_new(ev, "contains", json_pack("{s:[s,s]}", "DESCRIPTION", e->name, c->name));
    const char *status = e->pending ? "TENTATIVE" : "CONFIRMED";
    if (u != NULL) {
        unsigned int bit = 1u << (unsigned int)(u - s->users);
        int cancel = e->canceled || (e->unassigned & bit && !(e->ops & bit));
        if (cancel)
            status = "CANCELLED";
        json_object_set_new(ev, "operator", json_sprintf("%s/%s", s->tenant, u->key));
        json_object_set_new(ev, "attendee_email", json_string(u->email));
        json_object_set_new(ev, "organizer_email", json_string(series_organizer(s, e, u)));
        json_object_set_new(texts, "ATTENDEE:CN", cn_shown(u->name));
    }
    json_object_set_new(ev, "status", json_string(status));
    json_object_set_new(ev, "texts", texts);
    return ev;
}

static json_t *manifest(const store *s, const char *source, const char *method, const char *file)
{
    json_t *doc = json_object();
    const char *kind = strcmp(method, "REQUEST") == 0  ? "request"
                       : strcmp(method, "CANCEL") == 0 ? "cancel"
                                                       : "feed";
    json_object_set_new(doc, "kind", json_string(kind));
    json_object_set_new(doc, "source", json_string(source));
    json_object_set_new(doc, "method", json_string(method));
    json_object_set_new(doc, "store", json_string(s->label));
    json_object_set_new(doc, "tenant", json_string(s->tenant));
    json_object_set_new(doc, "step", json_string(step));
    json_object_set_new(doc, "index", json_integer(file_no));
    json_object_set_new(doc, "file", json_string(file));
    json_object_set_new(doc, "time", json_integer(s->now));
    json_object_set_new(doc, "texts", json_object());
    return doc;
}

static const char *invitation_method(const store *s, const eng_rec *e, int user)
{
    (void)s;
    unsigned int bit = 1u << (unsigned int)user;
    return e->canceled || !(e->ops & bit) ? "CANCEL" : "REQUEST";
}

/* --- the host side: clock and mail ---------------------------------------- */

static int64_t clock_of(void *ctx) { return ((store *)ctx)->now; }

static void log_of(void *ctx, engsched_log_level level, const char *message)
{
    store *s = ctx;
    if (level >= ENGSCHED_LOG_WARN)
        fprintf(stderr, "story_corpus: store %s, step %s: library: %s\n", s->label, step, message);
}

static int on_mail(void *ctx, engsched_id engagement, engsched_id user, const char *recipient,
                   const char *message, size_t length)
{
    store *s = ctx;
    eng_rec *e = eng_by_id(s, engagement);
    int u = user_index(s, user);
    int refused = s->refuse > 0;
    if (refused)
        s->refuse--;
    char name[512];
    file_no++;
    snprintf(name, sizeof name, "%03d-%s-%s-mail-%s-%s%s", file_no, s->label, step, e->label,
             s->users[u].key, refused ? "-refused" : "");
    char file[600];
    snprintf(file, sizeof file, "%s.eml", name);
    write_file(file, message, length);
    json_t *doc = manifest(s, "mail", invitation_method(s, e, u), file);
    json_object_set_new(doc, "recipient", json_string(recipient));
    json_object_set_new(doc, "refused", json_boolean(refused));
    json_object_set_new(doc, "to_email", json_string(s->users[u].email));
    json_object_set_new(doc, "to_name", json_string(s->users[u].name));
    json_object_set_new(doc, "from_name", json_string(s->organizer_name));
    json_object_set_new(doc, "expect_events", json_integer(1));
    json_object_set_new(doc, "events", json_pack("[o]", event_json(s, e, &s->users[u])));
    snprintf(file, sizeof file, "%s.json", name);
    write_json(file, doc);
    return refused;
}

/* --- driving the store ----------------------------------------------------- */

static void open_store(store *s, const char *label, const char *tenant)
{
    memset(s, 0, sizeof *s);
    s->label = label;
    s->tenant = tenant;
    s->now = T0;
    char path[4096];
    snprintf(path, sizeof path, "%s/store-%s.db", out_dir, label);
    const char *suffixes[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        char p[4200];
        snprintf(p, sizeof p, "%s%s", path, suffixes[i]);
        remove(p);
    }
    engsched_options opts;
    if (engsched_options_init(&opts, ENGSCHED_OPTIONS_VERSION) != ENGSCHED_OK)
        die("options", "init failed");
    opts.clock = clock_of;
    opts.clock_ctx = s;
    opts.on_mail = on_mail;
    opts.mail_ctx = s;
    opts.log = log_of;
    opts.log_ctx = s;
    if (engsched_open(path, &opts, &s->db) != ENGSCHED_OK)
        die(path, engsched_open_errmsg());
}

static void tick(store *s) { s->now += HOUR; }

static void setting(store *s, const char *key, const char *value)
{
    ok(s, engsched_setting_set(s->db, ENGSCHED_SYSTEM, key, value), key);
    if (strcmp(key, "organizer_email") == 0)
        snprintf(s->organizer_email, sizeof s->organizer_email, "%s", value);
    if (strcmp(key, "organizer_name") == 0)
        snprintf(s->organizer_name, sizeof s->organizer_name, "%s", value);
}

static int client(store *s, const char *key, const char *name)
{
    int i = s->nclients;
    for (int j = 0; j < s->nclients; j++)
        if (strcmp(s->clients[j].key, key) == 0)
            i = j;
    if (i == MAX_CLIENTS)
        die("clients", "too many");
    client_rec *c = &s->clients[i];
    c->key = key;
    snprintf(c->name, sizeof c->name, "%s", name);
    ok(s, engsched_client_upsert(s->db, ENGSCHED_SYSTEM, key, name, &c->id), "client_upsert");
    if (i == s->nclients)
        s->nclients++;
    return i;
}

static void upsert_user(store *s, user_rec *u)
{
    ok(s,
       engsched_user_upsert(s->db, ENGSCHED_SYSTEM, u->key, u->email, u->name, u->role, u->flags,
                            &u->id),
       "user_upsert");
}

/* A user with access to the clients of @p clients (bit i: clients[i]). */
static int user(store *s, const char *key, const char *name, engsched_id role, unsigned int flags,
                unsigned int clients)
{
    if (s->nusers == MAX_USERS)
        die("users", "too many");
    user_rec *u = &s->users[s->nusers];
    u->key = key;
    snprintf(u->name, sizeof u->name, "%s", name);
    snprintf(u->email, sizeof u->email, "%s@%s.example", key, s->tenant);
    u->role = role;
    u->flags = flags;
    u->clients = clients;
    upsert_user(s, u);
    for (int i = 0; i < s->nclients; i++)
        if (clients & (1u << i))
            ok(s, engsched_access_grant(s->db, ENGSCHED_SYSTEM, u->id, s->clients[i].id),
               "access_grant");
    return s->nusers++;
}

static void rename_user(store *s, const char *key, const char *name)
{
    user_rec *u = &s->users[user_by_key(s, key)];
    snprintf(u->name, sizeof u->name, "%s", name);
    upsert_user(s, u);
}

static int64_t version_of(store *s, const eng_rec *e)
{
    engsched_engagement *got = NULL;
    ok(s, engsched_engagement_get(s->db, ENGSCHED_SYSTEM, e->id, &got), "engagement_get");
    int64_t v = engsched_engagement_version(got);
    engsched_engagement_free(got);
    return v;
}

static eng_rec *new_engagement(store *s, const char *label, int client, const char *name,
                               const char *start, const char *end, const char *location)
{
    if (s->nengs == MAX_ENGAGEMENTS)
        die("engagements", "too many");
    eng_rec *e = &s->engs[s->nengs++];
    e->label = label;
    e->client = client;
    snprintf(e->name, sizeof e->name, "%s", name);
    snprintf(e->location, sizeof e->location, "%s", location ? location : "");
    snprintf(e->start, sizeof e->start, "%s", start);
    snprintf(e->end, sizeof e->end, "%s", end);
    return e;
}

static engsched_input *input_for(store *s, const eng_rec *e)
{
    engsched_input *in = NULL;
    ok(s, engsched_input_new(s->db, &in), "input_new");
    ok(s, engsched_input_set_name(in, e->name), "input_set_name");
    ok(s, engsched_input_set_client(in, s->clients[e->client].id), "input_set_client");
    ok(s, engsched_input_set_dates(in, e->start, e->end), "input_set_dates");
    if (e->location[0])
        ok(s, engsched_input_set_location(in, e->location), "input_set_location");
    return in;
}

/* Created directly (Scheduled) by @p actor with the operators @p ops
 * (user keys, NULL-terminated; the first leads). */
static eng_rec *create(store *s, const char *actor, const char *label, int client, const char *name,
                       const char *start, const char *end, const char *location,
                       const char *const *ops)
{
    eng_rec *e = new_engagement(s, label, client, name, start, end, location);
    engsched_input *in = input_for(s, e);
    for (int i = 0; ops[i] != NULL; i++) {
        int u = user_by_key(s, ops[i]);
        ok(s,
           engsched_input_add_operator(in, s->users[u].id,
                                       i == 0 ? ENGSCHED_OPROLE_LEAD : ENGSCHED_OPROLE_TESTER),
           "input_add_operator");
        e->ops |= 1u << u;
    }
    s->creating = e;
    ok(s, engsched_create(s->db, s->users[user_by_key(s, actor)].id, in, &e->id), "create");
    s->creating = NULL;
    engsched_input_free(in);
    return e;
}

static eng_rec *request(store *s, const char *actor, const char *label, int client,
                        const char *name, const char *start, const char *end)
{
    eng_rec *e = new_engagement(s, label, client, name, start, end, NULL);
    engsched_input *in = input_for(s, e);
    ok(s, engsched_request(s->db, s->users[user_by_key(s, actor)].id, in, &e->id), "request");
    engsched_input_free(in);
    e->pending = 1;
    return e;
}

static void assign(store *s, const char *actor, eng_rec *e, const char *op)
{
    int u = user_by_key(s, op);
    e->ops |= 1u << u;
    e->unassigned &= ~(1u << u);
    ok(s,
       engsched_assign(s->db, s->users[user_by_key(s, actor)].id, e->id, 0, s->users[u].id,
                       ENGSCHED_OPROLE_TESTER, NULL),
       "assign");
}

static void unassign(store *s, const char *actor, eng_rec *e, const char *op)
{
    int u = user_by_key(s, op);
    e->ops &= ~(1u << u);
    e->unassigned |= 1u << u;
    ok(s, engsched_unassign(s->db, s->users[user_by_key(s, actor)].id, e->id, 0, s->users[u].id),
       "unassign");
}

static void approve(store *s, const char *actor, eng_rec *e)
{
    e->pending = 0;
    ok(s, engsched_approve(s->db, s->users[user_by_key(s, actor)].id, e->id, 0, NULL), "approve");
}

/* Edit the name (when @p name) or the dates (when @p start). */
static void edit(store *s, const char *actor, eng_rec *e, const char *name, const char *start,
                 const char *end)
{
    engsched_input *in = NULL;
    ok(s, engsched_input_new(s->db, &in), "input_new");
    if (name != NULL) {
        snprintf(e->name, sizeof e->name, "%s", name);
        ok(s, engsched_input_set_name(in, name), "input_set_name");
    }
    if (start != NULL) {
        snprintf(e->start, sizeof e->start, "%s", start);
        snprintf(e->end, sizeof e->end, "%s", end);
        ok(s, engsched_input_set_dates(in, start, end), "input_set_dates");
    }
    ok(s, engsched_edit(s->db, s->users[user_by_key(s, actor)].id, e->id, version_of(s, e), in),
       "edit");
    engsched_input_free(in);
}

static void cancel(store *s, const char *actor, eng_rec *e, const char *reason)
{
    e->canceled = 1;
    ok(s, engsched_cancel(s->db, s->users[user_by_key(s, actor)].id, e->id, 0, reason), "cancel");
}

/* --- downloads and feeds --------------------------------------------------- */

static void download(store *s, const char *actor, const char *label, const char *op)
{
    eng_rec *e = eng_by_label(s, label);
    int u = user_by_key(s, op);
    char *ics = NULL;
    ok(s,
       engsched_invitation_ics(s->db, s->users[user_by_key(s, actor)].id, e->id, s->users[u].id,
                               &ics),
       "invitation_ics");
    char name[512], file[600];
    file_no++;
    snprintf(name, sizeof name, "%03d-%s-%s-download-%s-%s", file_no, s->label, step, e->label, op);
    snprintf(file, sizeof file, "%s.ics", name);
    write_file(file, ics, strlen(ics));
    engsched_free(ics);
    json_t *doc = manifest(s, "download", invitation_method(s, e, u), file);
    json_object_set_new(doc, "expect_events", json_integer(1));
    json_object_set_new(doc, "events", json_pack("[o]", event_json(s, e, &s->users[u])));
    snprintf(file, sizeof file, "%s.json", name);
    write_json(file, doc);
}

/* What the feed of @p key holds, from the story: every engagement of a
 * client the user may access, except canceled ones. */
static void feed(store *s, const char *key)
{
    int u = user_by_key(s, key);
    const user_rec *who = &s->users[u];
    char *ics = NULL;
    ok(s, engsched_feed_ics(s->db, who->id, who->id, &ics), "feed_ics");
    char name[512], file[600];
    file_no++;
    snprintf(name, sizeof name, "%03d-%s-%s-feed-%s", file_no, s->label, step, key);
    snprintf(file, sizeof file, "%s.ics", name);
    write_file(file, ics, strlen(ics));
    engsched_free(ics);
    json_t *doc = manifest(s, "feed", "PUBLISH", file);
    json_t *events = json_array();
    for (int i = 0; i < s->nengs; i++) {
        const eng_rec *e = &s->engs[i];
        int sees = (who->flags & ENGSCHED_USER_ALL_CLIENTS) || (who->clients & (1u << e->client));
        if (sees && !e->canceled)
            json_array_append_new(events, event_json(s, e, NULL));
    }
    json_object_set_new(doc, "expect_events", json_integer((json_int_t)json_array_size(events)));
    json_object_set_new(doc, "events", events);
    json_object_set_new(doc, "feed_of", json_sprintf("%s/%s", s->tenant, key));
    /* The feed's name is the library's choice: present (the cross-file
     * check asks for it) and, as NAME and X-WR-CALNAME, the same text. */
    json_object_set_new(json_object_get(doc, "texts"), "X-WR-CALNAME", json_null());
    json_object_set_new(json_object_get(doc, "texts"), "NAME", json_null());
    snprintf(file, sizeof file, "%s.json", name);
    write_json(file, doc);
}

static void feeds(store *s, const char *const *keys)
{
    for (; *keys != NULL; keys++)
        feed(s, *keys);
}

/* A step of the story: files after it are numbered above @p file_no. */
static void begin_step(store *s, const char *name, json_t *detail)
{
    tick(s);
    step = name;
    json_t *doc = detail ? detail : json_object();
    json_object_set_new(doc, "step", json_string(name));
    json_object_set_new(doc, "store", json_string(s->label));
    json_object_set_new(doc, "tenant", json_string(s->tenant));
    json_object_set_new(doc, "after_index", json_integer(file_no));
    json_array_append_new(story_steps, doc);
}

/* The invitations a rename must re-send: every operator of every
 * engagement the new name shows in that is not canceled. */
static json_t *owed(const store *s, int client, int user)
{
    json_t *list = json_array();
    for (int i = 0; i < s->nengs; i++) {
        const eng_rec *e = &s->engs[i];
        if (e->canceled || (client >= 0 && e->client != client))
            continue;
        for (int u = 0; u < s->nusers; u++) {
            if (!(e->ops & (1u << u)) || (user >= 0 && u != user))
                continue;
            json_array_append_new(
                list, json_pack("{s:o,s:o,s:o,s:o}", "series", series_key(s, e), "operator",
                                json_sprintf("%s/%s", s->tenant, s->users[u].key), "SUMMARY",
                                json_sprintf("%s: %s", s->clients[e->client].name, e->name),
                                "ATTENDEE:CN", cn_shown(s->users[u].name)));
        }
    }
    return list;
}

/* --- the story --------------------------------------------------------------- */

static const char *const ZOE[] = {"zoe", NULL};

/* The directory both tenants start with, in the same order, so the ids
 * overlap: user 1 is the admin, user 3 the first operator, and so on. */
static void directory(store *s, const char *c0, const char *c1, const char *op0, const char *op1,
                      const char *op2)
{
    client(s, "acme", c0);
    client(s, "jp", c1);
    user(s, "admin", "Ada Admin", ENGSCHED_ROLE_ADMINISTRATOR, ENGSCHED_USER_ALL_CLIENTS, 0);
    user(s, "morgan", "Morgan Manager", ENGSCHED_ROLE_MANAGER, ENGSCHED_USER_ALL_CLIENTS, 0);
    user(s, "zoe", op0, ENGSCHED_ROLE_OPERATOR, 0, 3);
    user(s, "ann", op1, ENGSCHED_ROLE_OPERATOR, 0, 1);
    user(s, "robo", op2, ENGSCHED_ROLE_OPERATOR, 0, 2);
    user(s, "idle", "Idle Operator", ENGSCHED_ROLE_OPERATOR, 0, 0); /* sees nothing */
    user(s, "carol", "Carol Client", ENGSCHED_ROLE_CLIENT, 0, 1);
    setting(s, "delivery_retry_seconds", "60");
}

static void story_a(store *a)
{
    open_store(a, "a", "a");
    directory(a, "Acme, Inc.; R&D \\ Labs", "株式会社テスト", "Zoë Ñúñez", "Ann \"Red\" Lee",
              "Robo 🤖 Tester");
    setting(a, "organizer_email", "scheduling@a.example");
    setting(a, "organizer_name", "Äpfel Scheduling, \"A\" Team");

    begin_step(a, "create", NULL);
    static const char *const web_ops[] = {"zoe", "ann", NULL};
    create(a, "morgan", "web", 0, "Web app test", "2027-03-01", "2027-03-05",
           "Remote; VPN, \"jump\" host \\ 2", web_ops);

    begin_step(a, "pending", NULL);
    eng_rec *api = request(a, "carol", "api", 0, "API review: \"v2\", auth; tokens", "2027-04-01",
                           "2027-04-02");
    assign(a, "morgan", api, "zoe");
    download(a, "morgan", "api", "zoe");
    feeds(a, (const char *const[]){"zoe", "idle", "admin", NULL});

    begin_step(a, "approve", NULL);
    approve(a, "morgan", api);

    begin_step(a, "dates", NULL);
    edit(a, "morgan", eng_by_label(a, "web"), NULL, "2027-03-08", "2027-03-12");

    begin_step(a, "rename", NULL);
    edit(a, "morgan", eng_by_label(a, "web"), "Web app test (phase 2) — Straße", NULL, NULL);

    begin_step(a, "more", NULL);
    static const char *const tokyo_ops[] = {"robo", "zoe", NULL};
    create(a, "morgan", "tokyo", 1, "東京 infra review 🚀", "2027-05-10", "2027-05-14", "東京",
           tokyo_ops);
    create(a, "morgan", "far", 0, "Far-future audit", FAR_YEAR "-12-01", FAR_YEAR "-12-03", NULL,
           ZOE);

    /* The client's new name must reach every calendar it shows in. */
    begin_step(a, "client-rename", NULL);
    client(a, "acme", "Acme, Inc.; R&D \\ Labs (renamed)");
    json_t *last = json_array_get(story_steps, json_array_size(story_steps) - 1);
    json_object_set_new(last, "owed", owed(a, 0, -1));

    begin_step(a, "operator-rename", NULL);
    rename_user(a, "ann", "Ann \"Redhead\" Lee-Ørsted");
    last = json_array_get(story_steps, json_array_size(story_steps) - 1);
    json_object_set_new(last, "owed", owed(a, -1, user_by_key(a, "ann")));

    /* The first attempt is refused; the retry hands over the same bytes. */
    begin_step(a, "retry", NULL);
    a->refuse = 1;
    edit(a, "morgan", eng_by_label(a, "tokyo"), NULL, "2027-05-17", "2027-05-21");
    a->now += 10 * 60;
    engsched_delivery_result res = {ENGSCHED_DELIVERY_RESULT_VERSION, 0, 0, 0};
    ok(a, engsched_deliver(a->db, 0, &res), "deliver");
    if (res.delivered == 0)
        die("retry", "nothing was delivered");

    /* Series sent so far keep their organizer; new ones get the new one. */
    begin_step(a, "organizer-change", NULL);
    setting(a, "organizer_email", "planning@a.example");
    unassign(a, "morgan", eng_by_label(a, "web"), "ann");
    cancel(a, "morgan", eng_by_label(a, "tokyo"), "Client postponed; \"Q3\", maybe");
    static const char *const robo[] = {"robo", NULL};
    create(a, "morgan", "phish", 1, "Phishing campaign, 第2弾", "2027-06-07", "2027-06-09", NULL,
           robo);

    begin_step(a, "feeds", NULL);
    feeds(a, (const char *const[]){"zoe", "ann", "robo", "idle", "admin", NULL});
    download(a, "morgan", "web", "ann");
    download(a, "morgan", "web", "zoe");
    download(a, "morgan", "far", "zoe");

    /* replies: added with engsched_invitation_reply */
}

static void story_b(store *b)
{
    open_store(b, "b", "b");
    directory(b, "Ünïcode GmbH; \"Quotes\", Commas", "Ωmega Ltd \\ Backslash", "Ωmega Operator",
              "O'Brien, \"Bo\"", "Emoji 🎉 Person");
    setting(b, "organizer_email", "scheduling@b.example");
    setting(b, "organizer_name", "B Scheduling");

    begin_step(b, "create", NULL);
    create(b, "morgan", "net", 0, "Network test", "2027-03-01", "2027-03-03", NULL, ZOE);
    static const char *const mob_ops[] = {"robo", NULL};
    create(b, "morgan", "mobile", 1, "Mobile app, iOS; Android", "2027-03-15", "2027-03-19", NULL,
           mob_ops);

    begin_step(b, "feeds", NULL);
    feeds(b, (const char *const[]){"zoe", "idle", NULL});

    begin_step(b, "cancel", NULL);
    cancel(b, "morgan", eng_by_label(b, "net"), NULL);
    feeds(b, (const char *const[]){"zoe", "admin", NULL});
    download(b, "morgan", "net", "zoe");
}

/* A's export imported into a fresh store: the same tenant, moved. */
static void story_c(store *a, store *c)
{
    char *json = NULL;
    begin_step(a, "export", NULL);
    ok(a, engsched_export_json(a->db, a->users[user_by_key(a, "admin")].id, &json), "export_json");
    write_file("export-a.json", json, strlen(json));

    open_store(c, "c", "a");
    c->now = a->now;
    unsigned int count = 0;
    ok(c, engsched_import_json(c->db, ENGSCHED_SYSTEM, json, &count), "import_json");
    engsched_free(json);
    if (count == 0)
        die("import", "no engagement imported");
    /* The story's records, with the ids the import gave. */
    memcpy(c->clients, a->clients, sizeof c->clients);
    memcpy(c->users, a->users, sizeof c->users);
    memcpy(c->engs, a->engs, sizeof c->engs);
    c->nclients = a->nclients;
    c->nusers = a->nusers;
    c->nengs = a->nengs;
    /* The host mirrors its directory into the new store as into any
     * (the import brought only the entries the engagements refer to). */
    for (int i = 0; i < c->nclients; i++)
        ok(c,
           engsched_client_upsert(c->db, ENGSCHED_SYSTEM, c->clients[i].key, c->clients[i].name,
                                  &c->clients[i].id),
           "client_upsert");
    for (int i = 0; i < c->nusers; i++) {
        upsert_user(c, &c->users[i]);
        for (int j = 0; j < c->nclients; j++)
            if (c->users[i].clients & (1u << j))
                ok(c,
                   engsched_access_grant(c->db, ENGSCHED_SYSTEM, c->users[i].id, c->clients[j].id),
                   "access_grant");
    }
    for (int i = 0; i < c->nengs; i++)
        c->engs[i].id = 0;
    engsched_query *q = NULL;
    engsched_cursor *cur = NULL;
    ok(c, engsched_query_new(c->db, &q), "query_new");
    ok(c, engsched_query_set_statuses(q, 0x7eu), "query_set_statuses"); /* all six */
    ok(c, engsched_query_set_limit(q, ENGSCHED_PAGE_MAX), "query_set_limit");
    ok(c, engsched_list(c->db, ENGSCHED_SYSTEM, q, NULL, &cur), "list");
    for (int has = 1;;) {
        ok(c, engsched_cursor_next(cur, &has), "cursor_next");
        if (!has)
            break;
        for (int i = 0; i < c->nengs; i++)
            if (strcmp(c->engs[i].name, engsched_cursor_name(cur)) == 0)
                c->engs[i].id = engsched_cursor_id(cur);
    }
    engsched_cursor_free(cur);
    engsched_query_free(q);
    /* The host configures the moved tenant as A stands now. */
    setting(c, "organizer_email", a->organizer_email);
    setting(c, "organizer_name", a->organizer_name);

    begin_step(c, "imported-update", NULL);
    feed(c, "zoe");
    edit(c, "morgan", eng_by_label(c, "web"), NULL, "2027-03-15", "2027-03-19");
    download(c, "morgan", "web", "zoe");

    begin_step(c, "imported-cancel", NULL);
    cancel(c, "morgan", eng_by_label(c, "web"), "Moved to next year");
    feeds(c, (const char *const[]){"zoe", "idle", NULL});
}

/* A corpus is one run: what an earlier run wrote into DIR goes. */
static void clear_dir(void)
{
    DIR *d = opendir(out_dir);
    if (d == NULL)
        die(out_dir, strerror(errno));
    static const char *const ends[] = {".eml", ".ics", ".json", ".db", ".db-wal", ".db-shm"};
    for (struct dirent *ent; (ent = readdir(d)) != NULL;) {
        size_t len = strlen(ent->d_name);
        for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++) {
            size_t n = strlen(ends[i]);
            if (len > n && strcmp(ent->d_name + len - n, ends[i]) == 0) {
                char path[4200];
                snprintf(path, sizeof path, "%s/%s", out_dir, ent->d_name);
                if (remove(path) != 0)
                    die(path, strerror(errno));
                break;
            }
        }
    }
    closedir(d);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    out_dir = argv[1];
    if (mkdir(out_dir, 0700) != 0 && errno != EEXIST)
        die(out_dir, strerror(errno));
    clear_dir();
    story_steps = json_array();
    static store a, b, c;
    story_a(&a);
    story_b(&b);
    story_c(&a, &c);
    ok(&a, engsched_close(a.db), "close");
    ok(&b, engsched_close(b.db), "close");
    ok(&c, engsched_close(c.db), "close");
    write_json("story.json", json_pack("{s:o,s:i}", "steps", story_steps, "files", file_no));
    printf("story_corpus: %d files in %s\n", file_no, out_dir);
    return 0;
}
