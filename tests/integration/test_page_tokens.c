/* Page tokens are sealed: authenticated encryption under a per-store
 * secret key, bound to the store, the query and the user. A token from
 * another store, query or user, altered in any byte, truncated, or of the
 * old "es1." form is EINVAL with one message; the sort key (a name) is
 * not readable in it; the key is a write-only secret that travels only in
 * an export with secrets; a read-only handle of a store without a key
 * seals with a key of its own. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <engsched/backends.h>
#include <engsched/storage.h>

#include "fixture.h"

#define ROWS 12
#define PAGE 5
#define SECRET_NAME "Confidential Merger"

static void make_rows(fx *f)
{
    for (int i = 0; i < ROWS; i++) {
        char name[64];
        snprintf(name, sizeof name, SECRET_NAME " %02d", i);
        fx_request(f, f->manager, f->client[i % 2], name, "2026-04-01", "2026-04-03");
    }
}

static engsched_query *query_on(engsched *db, engsched_sort sort, int descending)
{
    engsched_query *q = NULL;
    assert_int_equal(engsched_query_new(db, &q), ENGSCHED_OK);
    assert_int_equal(engsched_query_set_sort(q, sort, descending), ENGSCHED_OK);
    assert_int_equal(engsched_query_set_limit(q, PAGE), ENGSCHED_OK);
    return q;
}

/* The token after the first page of q for actor on db (a copy). */
static char *token_on(engsched *db, engsched_id actor, const engsched_query *q, const char *from)
{
    engsched_cursor *cur = NULL;
    int has = 1;
    assert_int_equal(engsched_list(db, actor, q, from, &cur), ENGSCHED_OK);
    while (has)
        assert_int_equal(engsched_cursor_next(cur, &has), ENGSCHED_OK);
    const char *t = engsched_cursor_next_token(cur);
    assert_non_null(t);
    char *copy = strdup(t);
    assert_non_null(copy);
    engsched_cursor_free(cur);
    return copy;
}

static char first_message[512];

/* EINVAL, no cursor, and the one message every refusal gives. */
static void refused_on(engsched *db, engsched_id actor, const engsched_query *q, const char *token)
{
    engsched_cursor *cur = NULL;
    engsched_rc rc = engsched_list(db, actor, q, token, &cur);
    if (rc != ENGSCHED_EINVAL)
        fail_msg("token \"%s\" gave %s, expected EINVAL", token, engsched_rc_name(rc));
    assert_null(cur);
    const char *msg = engsched_errmsg(db);
    assert_non_null(strstr(msg, "token"));
    if (first_message[0] == '\0')
        snprintf(first_message, sizeof first_message, "%s", msg);
    assert_string_equal(msg, first_message);
}

static int b64_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '-')
        return 62;
    if (c == '_')
        return 63;
    return -1;
}

/* URL-safe base64 without padding, decoded by hand (the test does not
 * trust the library's decoder); the number of bytes. */
static size_t b64_decode(const char *text, unsigned char *out, size_t cap)
{
    size_t n = 0;
    unsigned int acc = 0, bits = 0;
    for (const char *p = text; *p; p++) {
        int v = b64_value(*p);
        assert_true(v >= 0);
        acc = (acc << 6) | (unsigned int)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            assert_true(n < cap);
            out[n++] = (unsigned char)(acc >> bits);
        }
    }
    return n;
}

static int contains(const unsigned char *hay, size_t len, const char *needle)
{
    size_t m = strlen(needle);
    for (size_t i = 0; i + m <= len; i++)
        if (memcmp(hay + i, needle, m) == 0)
            return 1;
    return 0;
}

static void test_token_hides_the_name(void **state)
{
    (void)state;
    fx f;
    fx_open(&f, 0);
    make_rows(&f);
    engsched_query *q = query_on(f.db, ENGSCHED_SORT_NAME, 0);
    char *token = token_on(f.db, f.admin, q, NULL);
    assert_int_equal(strncmp(token, "es2.", 4), 0);
    for (const char *p = token + 4; *p; p++)
        assert_true(b64_value(*p) >= 0); /* URL-safe, no padding */
    assert_null(strstr(token, "Confidential"));
    char hex[64] = "";
    for (int i = 0; i < 6; i++)
        snprintf(hex + 2 * i, sizeof hex - 2 * (size_t)i, "%02x", (unsigned char)"Confid"[i]);
    assert_null(strstr(token, hex));
    unsigned char raw[1024];
    size_t n = b64_decode(token + 4, raw, sizeof raw);
    assert_true(n > 24 + 16);
    assert_false(contains(raw, n, "Confid"));
    assert_false(contains(raw, n, "fidential"));
    assert_false(contains(raw, n, "Merger"));
    free(token);
    engsched_query_free(q);
    fx_close(&f);
}

/* Every page of a walk by name and by start: each row once, in order. */
static void test_tokens_page_every_row_once(void **state)
{
    (void)state;
    fx f;
    fx_open(&f, 0);
    make_rows(&f);
    engsched_sort sorts[] = {ENGSCHED_SORT_NAME, ENGSCHED_SORT_START};
    for (int s = 0; s < 2; s++) {
        for (int desc = 0; desc < 2; desc++) {
            engsched_query *q = query_on(f.db, sorts[s], desc);
            int seen[ROWS + 64] = {0};
            int total = 0, pages = 0;
            char *token = NULL;
            do {
                engsched_cursor *cur = NULL;
                int has = 0;
                fx_ok(&f, engsched_list(f.db, f.admin, q, token, &cur));
                while (engsched_cursor_next(cur, &has) == ENGSCHED_OK && has) {
                    engsched_id id = engsched_cursor_id(cur);
                    assert_true(id > 0 && id < ROWS + 64);
                    seen[id]++;
                    total++;
                }
                free(token);
                const char *next = engsched_cursor_next_token(cur);
                token = next ? strdup(next) : NULL;
                engsched_cursor_free(cur);
                pages++;
            } while (token != NULL);
            assert_int_equal(total, ROWS);
            assert_int_equal(pages, (ROWS + PAGE - 1) / PAGE);
            for (int i = 0; i < ROWS + 64; i++)
                assert_true(seen[i] <= 1);
            engsched_query_free(q);
        }
    }
    fx_close(&f);
}

static void test_altered_truncated_and_old_tokens_refused(void **state)
{
    (void)state;
    fx f;
    fx_open(&f, 0);
    make_rows(&f);
    engsched_sort sorts[] = {ENGSCHED_SORT_NAME, ENGSCHED_SORT_START};
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ";
    for (int s = 0; s < 2; s++) {
        engsched_query *q = query_on(f.db, sorts[s], 0);
        char *token = token_on(f.db, f.admin, q, NULL);
        size_t len = strlen(token);
        char *bad = malloc(len + 3);
        assert_non_null(bad);
        /* Every byte altered, to a few other characters each. */
        for (size_t i = 0; i < len; i++) {
            for (size_t k = 0; k < sizeof alphabet - 1; k += 7) {
                if (alphabet[k] == token[i])
                    continue;
                memcpy(bad, token, len + 1);
                bad[i] = alphabet[k];
                refused_on(f.db, f.admin, q, bad);
            }
        }
        /* Every byte above 0x7f, everywhere: none is a letter of the
         * alphabet, however a decoder maps it. */
        for (size_t i = 4; i < len; i++) {
            for (int c = 0x80; c <= 0xff; c++) {
                memcpy(bad, token, len + 1);
                bad[i] = (char)c;
                refused_on(f.db, f.admin, q, bad);
            }
        }
        /* Every truncation. */
        for (size_t cut = 0; cut < len; cut++) {
            memcpy(bad, token, cut);
            bad[cut] = '\0';
            refused_on(f.db, f.admin, q, bad);
        }
        /* One character more. */
        snprintf(bad, len + 3, "%sA", token);
        refused_on(f.db, f.admin, q, bad);
        snprintf(bad, len + 3, "%sAA", token);
        refused_on(f.db, f.admin, q, bad);
        free(bad);
        free(token);
        engsched_query_free(q);
    }
    /* The old form, well made: a fingerprint, a key, an id, a check. */
    engsched_query *q = query_on(f.db, ENGSCHED_SORT_START, 0);
    static const char *const old[] = {
        "es1.0123456789abcdef.0000000000005010.0000000000000003.0123456789abcdef",
        "es1.",
        "es2.",
        "es2",
        "",
        "ES2.AAAA",
    };
    for (size_t i = 0; i < sizeof old / sizeof old[0]; i++)
        refused_on(f.db, f.admin, q, old[i]);
    engsched_query_free(q);
    fx_close(&f);
}

static void test_tokens_of_other_queries_users_stores_refused(void **state)
{
    (void)state;
    fx f, g;
    fx_open(&f, 0);
    make_rows(&f);
    fx_open(&g, 0);
    make_rows(&g);
    engsched_query *q = query_on(f.db, ENGSCHED_SORT_NAME, 0);
    char *token = token_on(f.db, f.admin, q, NULL);
    /* Another query: the other direction, another sort, another filter. */
    engsched_query *desc = query_on(f.db, ENGSCHED_SORT_NAME, 1);
    refused_on(f.db, f.admin, desc, token);
    engsched_query *by_start = query_on(f.db, ENGSCHED_SORT_START, 0);
    refused_on(f.db, f.admin, by_start, token);
    engsched_query *texted = query_on(f.db, ENGSCHED_SORT_NAME, 0);
    fx_ok(&f, engsched_query_set_text(texted, "Merger"));
    refused_on(f.db, f.admin, texted, token);
    /* Another user who sees the same rows. */
    refused_on(f.db, f.manager, q, token);
    /* Another store with the same rows, users and query. */
    engsched_query *gq = query_on(g.db, ENGSCHED_SORT_NAME, 0);
    char *gtoken = token_on(g.db, g.admin, gq, NULL);
    refused_on(g.db, g.admin, gq, token);
    refused_on(f.db, f.admin, q, gtoken);
    /* Each still works where it belongs. */
    free(token_on(f.db, f.admin, q, token));
    free(token_on(g.db, g.admin, gq, gtoken));
    free(gtoken);
    free(token);
    engsched_query_free(gq);
    engsched_query_free(texted);
    engsched_query_free(by_start);
    engsched_query_free(desc);
    engsched_query_free(q);
    fx_close(&g);
    fx_close(&f);
}

/* The key is a secret the library makes: never read back, never set. */
static void test_key_is_write_never_and_read_never(void **state)
{
    (void)state;
    fx f;
    fx_open(&f, 0);
    char *value = NULL;
    fx_rc(&f, ENGSCHED_EDENIED, engsched_setting_get(f.db, "page_token_key", &value));
    assert_null(value);
    fx_rc(&f, ENGSCHED_EDENIED,
          engsched_setting_set(f.db, f.admin, "page_token_key",
                               "00000000000000000000000000000000"
                               "00000000000000000000000000000000"));
    fx_rc(&f, ENGSCHED_EDENIED,
          engsched_setting_set(f.db, ENGSCHED_SYSTEM, "page_token_key",
                               "0123456789abcdef0123456789abcdef"
                               "0123456789abcdef0123456789abcdef"));
    fx_close(&f);
}

typedef struct sink {
    char *data;
    size_t len;
} sink;

static int sink_write(void *ctx, const char *bytes, size_t len)
{
    sink *s = ctx;
    char *grown = realloc(s->data, s->len + len + 1);
    if (grown == NULL)
        return -1;
    memcpy(grown + s->len, bytes, len);
    s->len += len;
    grown[s->len] = '\0';
    s->data = grown;
    return 0;
}

static char *full_export(fx *f, unsigned int flags)
{
    engsched_export_options opts;
    assert_int_equal(engsched_export_options_init(&opts, ENGSCHED_EXPORT_OPTIONS_VERSION),
                     ENGSCHED_OK);
    opts.flags = flags;
    sink s = {0};
    fx_ok(f, engsched_export(f->db, ENGSCHED_SYSTEM, &opts, sink_write, &s));
    return s.data;
}

/* A restore with the secrets is the same store: its tokens go on
 * working; without them it is a copy with a key of its own. */
static void test_restored_store_keeps_tokens_only_with_secrets(void **state)
{
    (void)state;
    fx f;
    fx_open(&f, 1);
    make_rows(&f);
    engsched_query *q = query_on(f.db, ENGSCHED_SORT_NAME, 0);
    char *token = token_on(f.db, f.admin, q, NULL);
    char *with = full_export(&f, ENGSCHED_EXPORT_SECRETS);
    char *without = full_export(&f, 0);
    assert_null(strstr(without, "page_token_key"));
    for (int secrets = 1; secrets >= 0; secrets--) {
        fx t;
        unsigned int count = 0;
        fx_open_empty(&t, 1);
        fx_ok(&t, engsched_import_json(t.db, ENGSCHED_SYSTEM, secrets ? with : without, &count));
        engsched_query *tq = query_on(t.db, ENGSCHED_SORT_NAME, 0);
        if (secrets) {
            engsched_cursor *cur = NULL;
            int has = 0, rows = 0;
            fx_ok(&t, engsched_list(t.db, f.admin, tq, token, &cur));
            while (engsched_cursor_next(cur, &has) == ENGSCHED_OK && has)
                rows++;
            assert_int_equal(rows, PAGE);
            engsched_cursor_free(cur);
        } else {
            refused_on(t.db, f.admin, tq, token);
        }
        engsched_query_free(tq);
        fx_close(&t);
    }
    free(without);
    free(with);
    free(token);
    engsched_query_free(q);
    fx_close(&f);
}

/* A read-only handle of a store that has no key yet (one written by an
 * older library) seals with a random key of its own: its tokens work on
 * it and nowhere else. The backend is wrapped to hide the key. */
static engsched_rc (*real_setting_get)(engsched_storage *s, const char *key, const char **out);

static engsched_rc hide_key(engsched_storage *s, const char *key, const char **out)
{
    if (strcmp(key, "page_token_key") == 0)
        return ENGSCHED_ENOTFOUND;
    return real_setting_get(s, key, out);
}

static engsched *open_hiding_key(const char *path, const engsched_options *opts)
{
    engsched_storage *backend = NULL;
    engsched_rc rc = strncmp(path, "postgres", 8) == 0
                         ? engsched_storage_postgres_new(path, ENGSCHED_OPEN_READONLY, &backend)
                         : engsched_storage_sqlite_new(path, ENGSCHED_OPEN_READONLY, &backend);
    assert_int_equal(rc, ENGSCHED_OK);
    real_setting_get = backend->setting_get;
    backend->setting_get = hide_key;
    engsched *db = NULL;
    assert_int_equal(engsched_open_backend(backend, opts, &db), ENGSCHED_OK);
    return db;
}

static void test_read_only_handle_without_a_key(void **state)
{
    (void)state;
    fx f;
    fx_open(&f, 1);
    if (fx_backend_is_memory()) { /* no file another handle could open */
        fx_close(&f);
        skip();
    }
    make_rows(&f);
    engsched_query *q = query_on(f.db, ENGSCHED_SORT_START, 0);
    char *writer_token = token_on(f.db, f.admin, q, NULL);

    /* A read-only handle of a store with a key uses the store's key. */
    engsched_options opts;
    assert_int_equal(engsched_options_init(&opts, ENGSCHED_OPTIONS_VERSION), ENGSCHED_OK);
    opts.flags = ENGSCHED_OPEN_READONLY;
    engsched *ro = NULL;
    assert_int_equal(engsched_open(f.path, &opts, &ro), ENGSCHED_OK);
    engsched_query *rq = query_on(ro, ENGSCHED_SORT_START, 0);
    free(token_on(ro, f.admin, rq, writer_token));
    engsched_query_free(rq);
    engsched_close(ro);

    /* Without one, a key of the handle's own. */
    ro = open_hiding_key(f.path, &opts);
    rq = query_on(ro, ENGSCHED_SORT_START, 0);
    char *own = token_on(ro, f.admin, rq, NULL);
    free(token_on(ro, f.admin, rq, own)); /* resumes on the same handle */
    refused_on(ro, f.admin, rq, writer_token);
    refused_on(f.db, f.admin, q, own);
    engsched_query_free(rq);
    engsched_close(ro);
    /* Another such handle has another key. */
    ro = open_hiding_key(f.path, &opts);
    rq = query_on(ro, ENGSCHED_SORT_START, 0);
    refused_on(ro, f.admin, rq, own);
    engsched_query_free(rq);
    engsched_close(ro);
    free(own);
    free(writer_token);
    engsched_query_free(q);
    fx_close(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_token_hides_the_name),
        cmocka_unit_test(test_tokens_page_every_row_once),
        cmocka_unit_test(test_altered_truncated_and_old_tokens_refused),
        cmocka_unit_test(test_tokens_of_other_queries_users_stores_refused),
        cmocka_unit_test(test_key_is_write_never_and_read_never),
        cmocka_unit_test(test_restored_store_keeps_tokens_only_with_secrets),
        cmocka_unit_test(test_read_only_handle_without_a_key),
    };
    return cmocka_run_group_tests_name("page_tokens", tests, NULL, NULL);
}
