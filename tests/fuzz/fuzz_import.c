/* Fuzz target: engsched_import_json() with any bytes as the document.
 *
 * Oracles:
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
static char *baseline; /* the empty store's export */

static void fresh_store(engsched **out)
{
    if (engsched_open(":memory:", NULL, out) != ENGSCHED_OK)
        abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fresh_store(&db);
    if (engsched_export_json(db, ENGSCHED_SYSTEM, &baseline) != ENGSCHED_OK)
        abort();
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

    unsigned int count = 12345;
    engsched_rc rc = engsched_import_json(db, ENGSCHED_SYSTEM, text, &count);
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

    /* Back to the empty store. */
    engsched_close(db);
    fresh_store(&db);
    free(text);
    return 0;
}
