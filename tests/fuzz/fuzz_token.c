/* Fuzz target: List page tokens, against a small store.
 *
 * The first byte picks one of four queries (name or start date, ascending
 * or descending) and a mode:
 * - raw: the rest of the input is the token;
 * - sealed: the rest is cut (at 0xFF) into a sort key and an id, sealed
 *   into a genuine token with the store's key (the library's own
 *   es_token_encode, which only this harness can call), so that the
 *   fuzzer reaches the keyset positioning behind the authentication;
 * - tampered (sealed and bit 8): the same token, then the third field
 *   read as (position, byte) pairs written over it.
 *
 * Oracles: engsched_list() returns OK or EINVAL only, and no cursor with
 * EINVAL; a tampered token that differs from the genuine one is EINVAL;
 * an OK page yields at most the page size of rows, each strictly after
 * the token's (key, id) in the query's order, and in order; the page's
 * own next token opens the next page. */
#include <engsched/engsched.h>

#include "util/dates.h"
#include "views/cursor_token.h"
#include "views/query.h"
#include "fuzz.h"

#define ROWS 40
#define PAGE 7

static engsched *db;
static engsched_id manager;

typedef struct variant {
    engsched_sort sort;
    int descending;
    engsched_query *q;
} variant;

static variant variants[4] = {
    {ENGSCHED_SORT_NAME, 0, NULL},
    {ENGSCHED_SORT_NAME, 1, NULL},
    {ENGSCHED_SORT_START, 0, NULL},
    {ENGSCHED_SORT_START, 1, NULL},
};

static es_token_seal seal; /* the store's, read once */

static void must(engsched_rc rc, const char *what)
{
    if (rc != ENGSCHED_OK) {
        fprintf(stderr, "fuzz_token setup: %s: %s: %s\n", what, engsched_rc_name(rc),
                engsched_errmsg(db));
        abort();
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    must(engsched_open(":memory:", NULL, &db), "open");
    engsched_id client = 0;
    must(engsched_client_upsert(db, ENGSCHED_SYSTEM, "acme", "Acme", &client), "client");
    must(engsched_user_upsert(db, ENGSCHED_SYSTEM, "manager", "m@example.com", "Manager",
                              ENGSCHED_ROLE_MANAGER, ENGSCHED_USER_ALL_CLIENTS, &manager),
         "user");
    static const char *const names[] = {"Web", "web", "API", "Ünïcode", "Zulu", "a", "Web"};
    for (int i = 0; i < ROWS; i++) {
        char name[64], start[11], end[11];
        snprintf(name, sizeof name, "%s %d", names[i % 7], i % 5); /* with duplicates */
        es_date_format(20500 + (i * 7) % 23, start);
        es_date_format(20500 + (i * 7) % 23 + 3, end);
        engsched_input *in = NULL;
        must(engsched_input_new(db, &in), "input");
        must(engsched_input_set_name(in, name), "name");
        must(engsched_input_set_client(in, client), "client");
        must(engsched_input_set_dates(in, start, end), "dates");
        must(engsched_request(db, manager, in, NULL), "request");
        engsched_input_free(in);
    }
    for (int v = 0; v < 4; v++) {
        must(engsched_query_new(db, &variants[v].q), "query");
        must(engsched_query_set_sort(variants[v].q, variants[v].sort, variants[v].descending),
             "sort");
        must(engsched_query_set_limit(variants[v].q, PAGE), "limit");
        engsched_cursor *cur = NULL;
        must(engsched_list(db, manager, variants[v].q, NULL, &cur), "list");
        for (int has = 1; has;)
            must(engsched_cursor_next(cur, &has), "next");
        const char *token = engsched_cursor_next_token(cur);
        if (token == NULL || strncmp(token, "es2.", 4) != 0)
            abort();
        engsched_cursor_free(cur);
    }
    must(es_begin(db, 0), "begin");
    must(es_finish(db, es_token_seal_load(db, &seal)), "the page token key");
    return 0;
}

/* Compare a row with the token position in the query's order. */
static int row_after(const variant *v, const char *name, const char *start, engsched_id id,
                     const char *key_text, int64_t key_int, engsched_id key_id)
{
    int c;
    if (v->sort == ENGSCHED_SORT_NAME) {
        c = strcmp(name, key_text);
    } else {
        int32_t day = 0;
        if (!es_date_parse(start, &day))
            return 0;
        c = (day > key_int) - (day < key_int);
    }
    if (c == 0)
        c = (id > key_id) - (id < key_id);
    return v->descending ? c < 0 : c > 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const variant *v = &variants[data[0] & 3];
    int forged = (data[0] & 4) != 0;
    fuzz_fields ff;
    if (!fuzz_split(data + 1, size - 1, &ff))
        return 0;

    char *token = NULL;
    char key_text[600] = "";
    int64_t key_int = 0;
    engsched_id key_id = 0;
    if (!forged) {
        token = strdup(ff.buf); /* the first field; a NUL or 0xFF ends it */
    } else {
        size_t key_len = ff.len[0] > 255 ? 255 : ff.len[0];
        memcpy(key_text, ff.f[0], key_len);
        key_text[key_len] = '\0';
        key_int = (int64_t)fuzz_u64(ff.f[0], ff.len[0]);
        key_id = (engsched_id)fuzz_u64(ff.f[1], ff.len[1]);
        es_token t = {es_query_fingerprint(v->q, manager), key_int, key_text, key_id};
        token = es_token_encode(&seal, manager, &t, v->sort == ENGSCHED_SORT_NAME);
        FUZZ_CHECK(token != NULL, "no token sealed");
        char *copy = strdup(token);
        es_free(token);
        token = copy;
    }
    if (token == NULL)
        abort();
    int tampered = 0;
    if (forged && (data[0] & 8) != 0) {
        size_t len = strlen(token);
        char *orig = strdup(token);
        if (orig == NULL)
            abort();
        for (size_t i = 0; i + 1 < ff.len[2]; i += 2)
            if (ff.f[2][i + 1] != '\0')
                token[(unsigned char)ff.f[2][i] % len] = ff.f[2][i + 1];
        tampered = strcmp(orig, token) != 0;
        free(orig);
    }
    if (token == NULL)
        abort();

    engsched_cursor *cur = NULL;
    engsched_rc rc = engsched_list(db, manager, v->q, token, &cur);
    FUZZ_CHECK(rc == ENGSCHED_OK || rc == ENGSCHED_EINVAL, "list(\"%s\") = %s: %s", token,
               engsched_rc_name(rc), engsched_errmsg(db));
    FUZZ_CHECK(!tampered || rc == ENGSCHED_EINVAL, "a tampered token \"%s\" opened", token);
    if (rc != ENGSCHED_OK) {
        FUZZ_CHECK(cur == NULL, "a cursor with %s", engsched_rc_name(rc));
    } else {
        int rows = 0;
        char last_name[300] = "", last_start[11] = "";
        engsched_id last_id = 0;
        for (int has = 1;;) {
            rc = engsched_cursor_next(cur, &has);
            FUZZ_CHECK(rc == ENGSCHED_OK, "next: %s", engsched_rc_name(rc));
            if (!has)
                break;
            rows++;
            FUZZ_CHECK(rows <= PAGE, "more than %d rows on a page", PAGE);
            const char *name = engsched_cursor_name(cur), *start = engsched_cursor_start(cur);
            engsched_id id = engsched_cursor_id(cur);
            /* A sealed token's key is known: every row comes after it. */
            if (forged && !tampered && key_id > 0 && (v->sort != ENGSCHED_SORT_NAME || key_text[0] != '\0'))
                FUZZ_CHECK(row_after(v, name, start, id, key_text, key_int, key_id),
                           "row %lld (%s, %s) is not after the token's position",
                           (long long)id, name, start);
            if (last_id != 0) {
                int32_t day = 0;
                es_date_parse(last_start, &day);
                FUZZ_CHECK(row_after(v, name, start, id, last_name, day, last_id),
                           "rows out of order: %lld after %lld", (long long)id,
                           (long long)last_id);
            }
            snprintf(last_name, sizeof last_name, "%s", name);
            snprintf(last_start, sizeof last_start, "%s", start);
            last_id = id;
        }
        const char *next = engsched_cursor_next_token(cur);
        if (next != NULL) {
            engsched_cursor *cur2 = NULL;
            rc = engsched_list(db, manager, v->q, next, &cur2);
            FUZZ_CHECK(rc == ENGSCHED_OK, "the next token \"%s\" is refused: %s", next,
                       engsched_rc_name(rc));
            engsched_cursor_free(cur2);
        }
        engsched_cursor_free(cur);
    }
    free(token);
    fuzz_fields_free(&ff);
    return 0;
}
