/* Fuzz target: engsched_import_json() and the streaming engsched_import()
 * with any bytes as the document.
 *
 * Oracles:
 * - the two agree: what the stream imports, the whole-document import
 *   imports too, and the two stores then export the same bytes; what the
 *   whole-document import refuses, the stream refuses (the stream also
 *   refuses a version 2 document whose members are out of order);
 * - the result is OK, EINVAL or ETOOBIG (the actor is the system, so never
 *   EDENIED), with a message for a refusal;
 * - all or nothing: after a refusal the store exports exactly as before;
 * - after a success the count is the document's number of engagements,
 *   and the store's own export imports again, whole, into an empty store
 *   (an export is always importable).
 *
 * The store is rebuilt empty after each success, so every input meets the
 * same store and a crash reproduces from its input alone. */
#include <jansson.h>

#include <engsched/engsched.h>

#include "fuzz.h"

static engsched *db;
static engsched *sdb;   /* the store the streaming import writes to */
static char *baseline;  /* db's export while empty (it names the store) */
static char *sbaseline; /* the same for sdb */

/* The document handed over in pieces of a size the input chooses. */
typedef struct pieces {
    const char *text;
    size_t pos, len, step;
} pieces;

static long read_pieces(void *ctx, char *buf, size_t size)
{
    pieces *p = ctx;
    size_t n = p->len - p->pos < p->step ? p->len - p->pos : p->step;
    n = n < size ? n : size;
    memcpy(buf, p->text + p->pos, n);
    p->pos += n;
    return (long)n;
}

/* The same exports but for the identity of the stores, which a merge
 * leaves each its own. */
static int same_export(engsched *a, engsched *b)
{
    char *x = NULL, *y = NULL;
    int same = engsched_export_json(a, ENGSCHED_SYSTEM, &x) == ENGSCHED_OK &&
               engsched_export_json(b, ENGSCHED_SYSTEM, &y) == ENGSCHED_OK;
    json_t *dx = same ? json_loads(x, 0, NULL) : NULL, *dy = same ? json_loads(y, 0, NULL) : NULL;
    json_object_del(dx, "store");
    json_object_del(dy, "store");
    same = dx != NULL && dy != NULL && json_equal(dx, dy);
    json_decref(dx);
    json_decref(dy);
    engsched_free(x);
    engsched_free(y);
    return same;
}

/* One fixed instant for every store: an import stamps the events it
 * writes (a document without an audit trail gets the directory's) with
 * the handle's clock, and two imports a second apart must still export
 * the same bytes. */
static int64_t fixed_clock(void *ctx)
{
    (void)ctx;
    return INT64_C(1772366400); /* 2026-03-01T12:00:00Z */
}

static void fresh_store(engsched **out)
{
    engsched_options opts;
    if (engsched_options_init(&opts, ENGSCHED_OPTIONS_VERSION) != ENGSCHED_OK)
        abort();
    opts.clock = fixed_clock;
    if (engsched_open(":memory:", &opts, out) != ENGSCHED_OK)
        abort();
}

/* A new empty store in place of *h, and its export. */
static void reset(engsched **h, char **base)
{
    if (*h != NULL)
        engsched_close(*h);
    *h = NULL;
    fresh_store(h);
    engsched_free(*base);
    *base = NULL;
    if (engsched_export_json(*h, ENGSCHED_SYSTEM, base) != ENGSCHED_OK)
        abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    reset(&db, &baseline);
    reset(&sdb, &sbaseline);
    return 0;
}

/* How many engagements the document holds, or -1 if that is not clear. */
static long engagements_in(const char *text)
{
    json_error_t error;
    json_t *doc = json_loads(text, JSON_REJECT_DUPLICATES, &error);
    json_t *list = doc ? json_object_get(doc, "engagements") : NULL;
    long n = json_is_array(list) ? (long)json_array_size(list) : -1;
    json_decref(doc);
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';

    pieces src = {text, 0, strlen(text), 1 + (size > 0 ? data[size / 2] % 97 : 0)};
    unsigned int streamed = 0;
    engsched_rc src_rc = engsched_import(sdb, ENGSCHED_SYSTEM, read_pieces, &src, &streamed);
    FUZZ_CHECK(src_rc == ENGSCHED_OK || src_rc == ENGSCHED_EINVAL || src_rc == ENGSCHED_ETOOBIG,
               "streamed import: %s: %s", engsched_rc_name(src_rc), engsched_errmsg(sdb));
    if (src_rc != ENGSCHED_OK) {
        char *now = NULL;
        FUZZ_CHECK(engsched_export_json(sdb, ENGSCHED_SYSTEM, &now) == ENGSCHED_OK, "export");
        FUZZ_CHECK(strcmp(now, sbaseline) == 0, "a refused streamed import changed the store");
        engsched_free(now);
    }

    unsigned int count = 12345;
    engsched_rc rc = engsched_import_json(db, ENGSCHED_SYSTEM, text, &count);
    FUZZ_CHECK(src_rc != ENGSCHED_OK || rc == ENGSCHED_OK,
               "the stream imported what the whole-document import refuses: %s",
               engsched_errmsg(db));
    FUZZ_CHECK(rc == ENGSCHED_OK || rc == ENGSCHED_EINVAL || rc == ENGSCHED_ETOOBIG,
               "import: %s: %s", engsched_rc_name(rc), engsched_errmsg(db));
    if (rc != ENGSCHED_OK) {
        FUZZ_CHECK(engsched_errmsg(db)[0] != '\0', "a refusal without a message");
        FUZZ_CHECK(count == 12345, "out_count written on failure");
        char *now = NULL;
        FUZZ_CHECK(engsched_export_json(db, ENGSCHED_SYSTEM, &now) == ENGSCHED_OK, "export");
        FUZZ_CHECK(strcmp(now, baseline) == 0, "a refused import (%s) changed the store",
                   engsched_errmsg(db));
        engsched_free(now);
        free(text);
        return 0;
    }

    if (src_rc == ENGSCHED_OK) {
        FUZZ_CHECK(streamed == count, "streamed %u engagements, whole %u", streamed, count);
        FUZZ_CHECK(same_export(db, sdb), "the streamed and the whole import differ");
        reset(&sdb, &sbaseline);
    }
    long want = engagements_in(text);
    FUZZ_CHECK(want < 0 || (long)count == want, "imported %u of %ld engagements", count, want);
    char *exported = NULL;
    FUZZ_CHECK(engsched_export_json(db, ENGSCHED_SYSTEM, &exported) == ENGSCHED_OK,
               "export after import: %s", engsched_errmsg(db));
    engsched *other = NULL;
    fresh_store(&other);
    unsigned int again = 0;
    rc = engsched_import_json(other, ENGSCHED_SYSTEM, exported, &again);
    FUZZ_CHECK(rc == ENGSCHED_OK, "the store's own export does not import: %s: %s",
               engsched_rc_name(rc), engsched_errmsg(other));
    FUZZ_CHECK(again == count, "re-import: %u engagements, not %u", again, count);
    engsched_close(other);
    engsched_free(exported);

    /* Back to an empty store. */
    reset(&db, &baseline);
    free(text);
    return 0;
}
