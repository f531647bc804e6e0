/* Output helpers: JSON on stdout (--json), files, colour, mask names. */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "excommon.h"

int out_json(json_t *value)
{
    if (value == NULL)
        return cli_error(EXIT_OTHER, "out of memory building the JSON output");
    char *text = json_dumps(value, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(value);
    if (text == NULL)
        return cli_error(EXIT_OTHER, "out of memory building the JSON output");
    puts(text);
    free(text);
    return 0;
}

int out_json_text(const char *text)
{
    /* Re-read so the library's compact documents come out like ours; the
     * library writes keys in byte order, which PRESERVE_ORDER keeps. */
    json_error_t err;
    json_t *doc = json_loads(text, JSON_DECODE_ANY, &err);
    if (doc == NULL)
        return cli_error(EXIT_OTHER, "the library's JSON does not parse: %s", err.text);
    return out_json(doc);
}

json_t *out_user_key(cli *c, engsched_id user)
{
    char *key = NULL;
    if (user == ENGSCHED_SYSTEM)
        return json_string("system");
    if (engsched_user_info(c->db, user, &key, NULL, NULL, NULL, NULL) != ENGSCHED_OK)
        return json_null();
    json_t *v = json_string(key);
    engsched_free(key);
    return v;
}

json_t *out_permission_list(unsigned int mask)
{
    json_t *list = json_array();
    for (unsigned int b = 1; list != NULL && b != 0 && b <= ENGSCHED_PERM_ALL; b <<= 1) {
        const char *name = (mask & b) ? engsched_permission_name(b) : NULL;
        if (name != NULL && json_array_append_new(list, json_string(name)) != 0) {
            json_decref(list);
            return NULL;
        }
    }
    return list;
}

json_t *out_str_or_null(const char *s)
{
    return s != NULL ? json_string(s) : json_null();
}

int out_write_file(const char *path, const char *text, size_t length)
{
    if (path == NULL || strcmp(path, "-") == 0) {
        if (fwrite(text, 1, length, stdout) != length)
            return cli_error(EXIT_OTHER, "cannot write to standard output");
        return 0;
    }
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return cli_error(EXIT_INVALID, "%s: %s", path, strerror(errno));
    int bad = fwrite(text, 1, length, f) != length;
    if (fclose(f) != 0 || bad) {
        remove(path);
        return cli_error(EXIT_OTHER, "%s: write failed", path);
    }
    return 0;
}

int out_colour(void)
{
    return ex_colour_wanted(stdout);
}

void out_permission_names(unsigned int mask, char *buf, size_t size)
{
    size_t n = 0;
    buf[0] = '\0';
    for (unsigned int b = 1; b != 0 && b <= ENGSCHED_PERM_ALL; b <<= 1) {
        const char *name = (mask & b) ? engsched_permission_name(b) : NULL;
        if (name == NULL)
            continue;
        int w = snprintf(buf + n, size - n, "%s%s", n ? "," : "", name);
        if (w < 0 || (size_t)w >= size - n)
            break;
        n += (size_t)w;
    }
}

void out_action_names(unsigned int mask, char *buf, size_t size)
{
    static const char *const names[] = {"view",           "approve",        "edit",
                                        "cancel",         "assign",         "files_upload",
                                        "files_download", "files_delete",   "report_view",
                                        "report_edit",    "report_review",  "report_publish"};
    size_t n = 0;
    buf[0] = '\0';
    for (unsigned int i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (!(mask & (1u << i)))
            continue;
        int w = snprintf(buf + n, size - n, "%s%s", n ? ", " : "", names[i]);
        if (w < 0 || (size_t)w >= size - n)
            break;
        n += (size_t)w;
    }
}
