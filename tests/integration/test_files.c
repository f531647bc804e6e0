/* Support files, black-box: attach with a request and later, list them
 * (order, names, media types, sizes, uploader, time), read them back in
 * chunks of any size and at any offset, a 3 MiB file in 64 KiB pieces,
 * delete them, the statuses that refuse changes, the download and upload
 * permissions, and the audit trail of every attach and delete. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

static const char scope[] = "Scope: *.acme.example\nOut of scope: production DB\n";
static const char letter[] = "%PDF-1.7\n% authorisation letter, signed\n%%EOF\n";

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    if (f == NULL)
        return -1;
    fx_open(f, 1);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    fx_close(f);
    free(f);
    return 0;
}

/* A request by the client user with the two files above. */
static engsched_id request_with_files(fx *f)
{
    engsched_input *in = NULL;
    engsched_id id = 0;
    fx_ok(f, engsched_input_new(f->db, &in));
    fx_ok(f, engsched_input_set_name(in, "Web test"));
    fx_ok(f, engsched_input_set_client(in, f->client[0]));
    fx_ok(f, engsched_input_set_dates(in, "2026-03-10", "2026-03-20"));
    fx_ok(f, engsched_input_add_file(in, "scope.txt", "text/plain", scope, strlen(scope)));
    fx_ok(f, engsched_input_add_file(in, "authorisation.pdf", "application/pdf", letter,
                                     strlen(letter)));
    fx_ok(f, engsched_request(f->db, f->client_user, in, &id));
    engsched_input_free(in);
    return id;
}

typedef struct file_row {
    engsched_id id;
    char name[300];
    char media_type[160];
    int64_t size;
    engsched_id uploaded_by;
    int64_t uploaded_at;
} file_row;

/* Copy the list (as the actor sees it) into rows; returns the count. */
static size_t list_files(fx *f, engsched_id actor, engsched_id engagement, file_row *rows,
                         size_t max)
{
    engsched_file_list *list = NULL;
    fx_ok(f, engsched_file_list_get(f->db, actor, engagement, &list));
    size_t n = engsched_file_list_count(list);
    assert_true(n <= max);
    for (size_t i = 0; i < n; i++) {
        const char *name = NULL, *type = NULL;
        fx_ok(f, engsched_file_list_item(list, i, &rows[i].id, &name, &type, &rows[i].size,
                                         &rows[i].uploaded_by, &rows[i].uploaded_at));
        snprintf(rows[i].name, sizeof rows[i].name, "%s", name);
        snprintf(rows[i].media_type, sizeof rows[i].media_type, "%s", type);
    }
    assert_int_equal(engsched_file_list_item(list, n, NULL, NULL, NULL, NULL, NULL, NULL),
                     ENGSCHED_EINVAL);
    engsched_file_list_free(list);
    return n;
}

/* Read the whole file in chunks of the given size; checks every count. */
static void read_back_in_chunks(fx *f, engsched_id actor, engsched_id file, const char *want,
                                size_t len, size_t chunk)
{
    char *got = malloc(len + chunk + 1);
    assert_non_null(got);
    size_t total = 0, calls = 0;
    for (;;) {
        size_t n = 12345;
        fx_ok(f, engsched_file_read(f->db, actor, file, (int64_t)total, got + total, chunk, &n));
        calls++;
        if (n == 0)
            break;
        size_t expect = len - total < chunk ? len - total : chunk;
        assert_int_equal(n, expect);
        total += n;
        assert_true(calls <= len + 1);
    }
    assert_int_equal(total, len);
    assert_memory_equal(got, want, len);
    assert_int_equal(calls, (len + chunk - 1) / chunk + 1);
    free(got);
}

static int count_of(const char *haystack, const char *needle)
{
    int n = 0;
    for (const char *p = haystack; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

static void test_attach_during_request_lists_in_order(void **state)
{
    fx *f = *state;
    int64_t seq0 = 0;
    fx_ok(f, engsched_events_last_seq(f->db, &seq0));
    engsched_id id = request_with_files(f);
    file_row rows[4];
    /* Every user who may view the engagement sees the same list. */
    engsched_id viewers[] = {f->client_user, f->viewer, f->manager, f->operator1};
    for (size_t v = 0; v < sizeof viewers / sizeof viewers[0]; v++) {
        assert_int_equal(list_files(f, viewers[v], id, rows, 4), 2);
        assert_string_equal(rows[0].name, "scope.txt");
        assert_string_equal(rows[0].media_type, "text/plain");
        assert_int_equal(rows[0].size, (int64_t)strlen(scope));
        assert_string_equal(rows[1].name, "authorisation.pdf");
        assert_string_equal(rows[1].media_type, "application/pdf");
        assert_int_equal(rows[1].size, (int64_t)strlen(letter));
        for (int i = 0; i < 2; i++) {
            assert_int_equal(rows[i].uploaded_by, f->client_user);
            assert_int_equal(rows[i].uploaded_at, FX_T0);
        }
        assert_true(rows[0].id > 0 && rows[1].id > rows[0].id);
    }
    read_back_in_chunks(f, f->client_user, rows[0].id, scope, strlen(scope), 4096);
    read_back_in_chunks(f, f->client_user, rows[1].id, letter, strlen(letter), 4096);
    /* One event for the request and one per file. */
    int64_t seq1 = 0;
    fx_ok(f, engsched_events_last_seq(f->db, &seq1));
    assert_int_equal(seq1 - seq0, 3);
}

static void test_attach_later_appends_with_uploader_and_time(void **state)
{
    fx *f = *state;
    engsched_id id = request_with_files(f);
    f->now = FX_T0 + 3600;
    engsched_id later = 0, empty = 0, untyped = 0;
    fx_ok(f, engsched_file_attach(f->db, f->operator1, id, "notes \xe2\x80\x93 day 1.md",
                                  "text/markdown", "# Notes\n", 8, &later));
    f->now = FX_T0 + 7200;
    fx_ok(f, engsched_file_attach(f->db, f->manager, id, "empty.bin", NULL, NULL, 0, &empty));
    fx_ok(f, engsched_file_attach(f->db, f->manager, id, "blob", NULL, "\0\1\2", 3, &untyped));
    file_row rows[8];
    assert_int_equal(list_files(f, f->viewer, id, rows, 8), 5);
    assert_int_equal(rows[2].id, later);
    assert_string_equal(rows[2].name, "notes \xe2\x80\x93 day 1.md");
    assert_string_equal(rows[2].media_type, "text/markdown");
    assert_int_equal(rows[2].size, 8);
    assert_int_equal(rows[2].uploaded_by, f->operator1);
    assert_int_equal(rows[2].uploaded_at, FX_T0 + 3600);
    assert_int_equal(rows[3].id, empty);
    assert_string_equal(rows[3].media_type, "application/octet-stream");
    assert_int_equal(rows[3].size, 0);
    assert_int_equal(rows[3].uploaded_by, f->manager);
    assert_int_equal(rows[3].uploaded_at, FX_T0 + 7200);
    assert_int_equal(rows[4].id, untyped);
    assert_true(later > rows[1].id && empty > later && untyped > empty);

    size_t n = 99;
    char buf[16];
    fx_ok(f, engsched_file_read(f->db, f->client_user, empty, 0, buf,
                                sizeof buf, &n));
    assert_int_equal(n, 0);
    read_back_in_chunks(f, f->client_user, untyped, "\0\1\2", 3, 2);
    read_back_in_chunks(f, f->client_user, later, "# Notes\n", 8, 3);
}

static void test_read_chunks_and_offsets(void **state)
{
    fx *f = *state;
    engsched_id id = request_with_files(f);
    /* A file longer than one 4096-byte chunk, with every byte value. */
    size_t len = 10000;
    char *data = malloc(len);
    assert_non_null(data);
    for (size_t i = 0; i < len; i++)
        data[i] = (char)(unsigned char)((i * 7 + i / 256) & 0xff);
    engsched_id file = 0;
    fx_ok(f, engsched_file_attach(f->db, f->manager, id, "pattern.bin", NULL, data, len, &file));
    static const size_t chunks[] = {1, 7, 4096};
    for (size_t c = 0; c < 3; c++)
        read_back_in_chunks(f, f->client_user, file, data, len, chunks[c]);

    /* Reads from the middle, and at or past the end. */
    char buf[64];
    size_t n = 0;
    fx_ok(f, engsched_file_read(f->db, f->client_user, file, 4095, buf, 10, &n));
    assert_int_equal(n, 10);
    assert_memory_equal(buf, data + 4095, 10);
    fx_ok(f, engsched_file_read(f->db, f->client_user, file, (int64_t)len - 3, buf, sizeof buf,
                                &n));
    assert_int_equal(n, 3);
    assert_memory_equal(buf, data + len - 3, 3);
    const int64_t past[] = {(int64_t)len, (int64_t)len + 1, (int64_t)len + 100000,
                            INT64_C(1) << 40, INT64_MAX};
    for (size_t i = 0; i < sizeof past / sizeof past[0]; i++) {
        n = 77;
        memset(buf, 'Z', sizeof buf);
        fx_ok(f, engsched_file_read(f->db, f->client_user, file, past[i], buf, sizeof buf, &n));
        assert_int_equal(n, 0);
        assert_int_equal(buf[0], 'Z');
    }
    /* A zero-byte read at a valid offset reads nothing. */
    n = 77;
    fx_ok(f, engsched_file_read(f->db, f->client_user, file, 5, buf, 0, &n));
    assert_int_equal(n, 0);
    free(data);
}

static unsigned char pattern_byte(size_t i)
{
    uint32_t x = (uint32_t)i * 2654435761u;
    return (unsigned char)((x >> 13) ^ (uint32_t)(i >> 16));
}

static void test_three_mebibytes_in_64k_chunks(void **state)
{
    fx *f = *state;
    engsched_id id = request_with_files(f);
    const size_t len = (size_t)3 * 1024 * 1024;
    unsigned char *data = malloc(len);
    assert_non_null(data);
    for (size_t i = 0; i < len; i++)
        data[i] = pattern_byte(i);
    engsched_id file = 0;
    fx_ok(f, engsched_file_attach(f->db, f->client_user, id, "capture.pcap",
                                  "application/vnd.tcpdump.pcap", data, len, &file));
    /* The library must not keep the caller's buffer: change it. */
    memset(data, 0, len);
    free(data);

    file_row rows[4];
    assert_int_equal(list_files(f, f->manager, id, rows, 4), 3);
    assert_int_equal(rows[2].id, file);
    assert_int_equal(rows[2].size, (int64_t)len);

    const size_t chunk = 64 * 1024;
    unsigned char *buf = malloc(chunk);
    assert_non_null(buf);
    size_t total = 0, calls = 0;
    for (;;) {
        size_t n = 0;
        fx_ok(f, engsched_file_read(f->db, f->operator1, file, (int64_t)total, buf, chunk, &n));
        calls++;
        if (n == 0)
            break;
        assert_int_equal(n, chunk); /* 3 MiB is a whole number of chunks */
        for (size_t i = 0; i < n; i++) {
            if (buf[i] != pattern_byte(total + i))
                fail_msg("byte %zu is 0x%02x, expected 0x%02x", total + i, buf[i],
                         pattern_byte(total + i));
        }
        total += n;
    }
    assert_int_equal(total, len);
    assert_int_equal(calls, len / chunk + 1);
    free(buf);
}

static void test_delete_then_read_is_not_found(void **state)
{
    fx *f = *state;
    engsched_id id = request_with_files(f);
    file_row rows[4];
    assert_int_equal(list_files(f, f->manager, id, rows, 4), 2);
    engsched_id gone = rows[0].id, kept = rows[1].id;

    /* Deleting needs EDIT: the client user and operator may not. */
    fx_rc(f, ENGSCHED_EDENIED, engsched_file_delete(f->db, f->client_user, gone));
    fx_rc(f, ENGSCHED_EDENIED, engsched_file_delete(f->db, f->operator1, gone));
    assert_non_null(strstr(engsched_errmsg(f->db), "edit"));

    fx_ok(f, engsched_file_delete(f->db, f->manager, gone));
    char buf[8];
    size_t n = 55;
    fx_rc(f, ENGSCHED_ENOTFOUND, engsched_file_read(f->db, f->manager, gone, 0, buf, 8, &n));
    char want[40];
    snprintf(want, sizeof want, "file %lld", (long long)gone);
    assert_non_null(strstr(engsched_errmsg(f->db), want));
    assert_int_equal(n, 55);
    fx_rc(f, ENGSCHED_ENOTFOUND, engsched_file_delete(f->db, f->manager, gone));
    assert_int_equal(list_files(f, f->manager, id, rows, 4), 1);
    assert_int_equal(rows[0].id, kept);
    read_back_in_chunks(f, f->manager, kept, letter, strlen(letter), 7);

    /* A new file never gets the deleted file's id. */
    engsched_id fresh = 0;
    fx_ok(f, engsched_file_attach(f->db, f->manager, id, "scope.txt", "text/plain", "v2", 2,
                                  &fresh));
    assert_true(fresh > kept && fresh != gone);
    fx_rc(f, ENGSCHED_ENOTFOUND, engsched_file_read(f->db, f->manager, gone, 0, buf, 8, &n));
}

static void publish(fx *f, engsched_id id)
{
    static const engsched_report_status path[] = {
        ENGSCHED_REPORT_READY_FOR_REVIEW, ENGSCHED_REPORT_IN_REVIEW, ENGSCHED_REPORT_APPROVED,
        ENGSCHED_REPORT_PUBLISHED};
    for (size_t i = 0; i < 4; i++)
        fx_ok(f, engsched_report_set_status(f->db, f->manager, id, 0, path[i]));
}

static void test_complete_and_canceled_refuse_attach_and_delete(void **state)
{
    fx *f = *state;
    engsched_id done = request_with_files(f);
    engsched_id dropped = request_with_files(f);
    fx_approve(f, done);
    publish(f, done);
    assert_int_equal(fx_status(f, done), ENGSCHED_STATUS_COMPLETE);
    fx_ok(f, engsched_cancel(f->db, f->manager, dropped, 0, "withdrawn"));
    assert_int_equal(fx_status(f, dropped), ENGSCHED_STATUS_CANCELED);

    struct {
        engsched_id id;
        const char *label;
    } cases[] = {{done, "Complete"}, {dropped, "Canceled"}};
    for (size_t c = 0; c < 2; c++) {
        file_row rows[4];
        assert_int_equal(list_files(f, f->manager, cases[c].id, rows, 4), 2);
        char *before = fx_digest(f);
        int64_t seq0 = 0, seq1 = 0;
        fx_ok(f, engsched_events_last_seq(f->db, &seq0));
        engsched_id out = 0;
        fx_rc(f, ENGSCHED_ESTATE,
              engsched_file_attach(f->db, f->manager, cases[c].id, "late.txt", NULL, "x", 1, &out));
        assert_non_null(strstr(engsched_errmsg(f->db), cases[c].label));
        fx_rc(f, ENGSCHED_ESTATE, engsched_file_attach(f->db, ENGSCHED_SYSTEM, cases[c].id,
                                                       "late.txt", NULL, "x", 1, &out));
        fx_rc(f, ENGSCHED_ESTATE, engsched_file_delete(f->db, f->manager, rows[0].id));
        assert_non_null(strstr(engsched_errmsg(f->db), cases[c].label));
        fx_rc(f, ENGSCHED_ESTATE, engsched_file_delete(f->db, ENGSCHED_SYSTEM, rows[1].id));
        assert_int_equal(out, 0);
        char *after = fx_digest(f);
        assert_string_equal(before, after);
        fx_ok(f, engsched_events_last_seq(f->db, &seq1));
        assert_int_equal(seq0, seq1);
        free(before);
        free(after);
        /* Reading stays allowed: the files are the record of the work. */
        read_back_in_chunks(f, f->client_user, rows[0].id, scope, strlen(scope), 4096);
        unsigned int actions = 0;
        fx_ok(f, engsched_capabilities(f->db, f->manager, cases[c].id, &actions));
        assert_false(actions & ENGSCHED_ACTION_FILES_UPLOAD);
        assert_false(actions & ENGSCHED_ACTION_FILES_DELETE);
        assert_true(actions & ENGSCHED_ACTION_FILES_DOWNLOAD);
    }
}

static void test_download_and_upload_need_their_permissions(void **state)
{
    fx *f = *state;
    engsched_id id = request_with_files(f);
    file_row rows[4];
    assert_int_equal(list_files(f, f->manager, id, rows, 4), 2);

    engsched_id role = 0;
    fx_ok(f, engsched_role_create(f->db, f->admin, "Uploader",
                                  ENGSCHED_PERM_VIEW | ENGSCHED_PERM_REQUEST |
                                      ENGSCHED_PERM_FILES_UPLOAD,
                                  &role));
    engsched_id up = fx_user(f, "uploader", role, 0);
    fx_ok(f, engsched_access_grant(f->db, f->admin, up, f->client[0]));

    /* It sees the list but may not download. */
    assert_int_equal(list_files(f, up, id, rows, 4), 2);
    char buf[16] = "untouched";
    size_t n = 31;
    fx_rc(f, ENGSCHED_EDENIED, engsched_file_read(f->db, up, rows[0].id, 0, buf, 8, &n));
    assert_non_null(strstr(engsched_errmsg(f->db), "files_download"));
    assert_int_equal(n, 31);
    assert_string_equal(buf, "untouched");
    unsigned int actions = 0;
    fx_ok(f, engsched_capabilities(f->db, up, id, &actions));
    assert_false(actions & ENGSCHED_ACTION_FILES_DOWNLOAD);
    assert_true(actions & ENGSCHED_ACTION_FILES_UPLOAD);
    /* It may upload. */
    engsched_id mine = 0;
    fx_ok(f, engsched_file_attach(f->db, up, id, "mine.txt", "text/plain", "hi", 2, &mine));

    /* Granting the permission to the role takes effect at once. */
    fx_ok(f, engsched_role_set_permissions(f->db, f->admin, role,
                                           ENGSCHED_PERM_VIEW | ENGSCHED_PERM_FILES_UPLOAD |
                                               ENGSCHED_PERM_FILES_DOWNLOAD));
    read_back_in_chunks(f, up, mine, "hi", 2, 1);

    /* The viewer has neither: no upload, no download, no delete. */
    fx_rc(f, ENGSCHED_EDENIED,
          engsched_file_attach(f->db, f->viewer, id, "v.txt", NULL, "v", 1, NULL));
    assert_non_null(strstr(engsched_errmsg(f->db), "files_upload"));
    fx_rc(f, ENGSCHED_EDENIED, engsched_file_read(f->db, f->viewer, mine, 0, buf, 8, &n));

    /* A request with files by someone who may request but not upload is
     * refused as a whole: no engagement without its files. */
    engsched_id asker_role = 0;
    fx_ok(f, engsched_role_create(f->db, f->admin, "Asker",
                                  ENGSCHED_PERM_VIEW | ENGSCHED_PERM_REQUEST, &asker_role));
    engsched_id asker = fx_user(f, "asker", asker_role, ENGSCHED_USER_ALL_CLIENTS);
    char *before = fx_digest(f);
    engsched_input *in = NULL;
    fx_ok(f, engsched_input_new(f->db, &in));
    fx_ok(f, engsched_input_set_name(in, "With a file"));
    fx_ok(f, engsched_input_set_client(in, f->client[0]));
    fx_ok(f, engsched_input_set_dates(in, "2026-03-10", "2026-03-20"));
    fx_ok(f, engsched_input_add_file(in, "a.txt", NULL, "a", 1));
    engsched_id out = 0;
    fx_rc(f, ENGSCHED_EDENIED, engsched_request(f->db, asker, in, &out));
    assert_non_null(strstr(engsched_errmsg(f->db), "files_upload"));
    engsched_input_free(in);
    char *after = fx_digest(f);
    assert_string_equal(before, after);
    assert_int_equal(out, 0);
    free(before);
    free(after);
}

static void test_audit_trail_records_attach_and_delete(void **state)
{
    fx *f = *state;
    engsched_id id = request_with_files(f);
    engsched_id extra = 0;
    fx_ok(f, engsched_file_attach(f->db, f->operator1, id, "extra.log", "text/plain", "log", 3,
                                  &extra));
    int64_t seq0 = 0, seq1 = 0;
    fx_ok(f, engsched_events_last_seq(f->db, &seq0));
    size_t seen = f->events_seen;
    fx_ok(f, engsched_file_delete(f->db, f->manager, extra));
    fx_ok(f, engsched_events_last_seq(f->db, &seq1));
    assert_int_equal(seq1, seq0 + 1);
    assert_int_equal(f->events_seen, seen + 1);
    assert_non_null(strstr(f->last_event, "\"action\":\"file.deleted\""));
    assert_non_null(strstr(f->last_event, "\"name\":\"extra.log\""));

    char *json = NULL;
    fx_ok(f, engsched_events_json(f->db, f->viewer, id, &json));
    assert_int_equal(count_of(json, "\"action\":\"engagement.requested\""), 1);
    assert_int_equal(count_of(json, "\"action\":\"file.attached\""), 3);
    assert_int_equal(count_of(json, "\"action\":\"file.deleted\""), 1);
    assert_int_equal(count_of(json, "\"name\":\"scope.txt\""), 1);
    assert_int_equal(count_of(json, "\"name\":\"authorisation.pdf\""), 1);
    assert_int_equal(count_of(json, "\"name\":\"extra.log\""), 2);
    assert_int_equal(count_of(json, "\"media_type\":\"application/pdf\""), 1);
    /* Oldest first: the request, its files, the later file, the delete. */
    const char *req = strstr(json, "engagement.requested");
    const char *att = strstr(json, "file.attached");
    const char *del = strstr(json, "file.deleted");
    assert_true(req != NULL && att != NULL && del != NULL);
    assert_true(req < att && att < del);
    engsched_free(json);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_attach_during_request_lists_in_order),
        T(test_attach_later_appends_with_uploader_and_time),
        T(test_read_chunks_and_offsets),
        T(test_three_mebibytes_in_64k_chunks),
        T(test_delete_then_read_is_not_found),
        T(test_complete_and_canceled_refuse_attach_and_delete),
        T(test_download_and_upload_need_their_permissions),
        T(test_audit_trail_records_attach_and_delete),
    };
    return cmocka_run_group_tests_name("files", tests, NULL, NULL);
}
