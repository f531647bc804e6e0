/* files attach|list|get|delete: support files, streamed in both directions
 * (attach maps the file, get reads the store a chunk at a time). */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "excommon.h"

static int files_attach(cli *c, const cmd_spec *cmd, const parsed *p)
{
    engsched_id id = 0, file = 0;
    cli_blob blob;
    int code;
    if (p->npos != 3)
        return cli_usage(cmd, "expected 'attach ID PATH'");
    if ((code = cli_engagement_id(p->pos[1], "ID", &id)) != 0 || (code = cli_open(c)) != 0)
        return code;
    if ((code = cli_blob_map(p->pos[2], &blob)) != 0)
        return code;
    const char *name = arg_get(cmd, p, "name");
    const char *type = arg_get(cmd, p, "type");
    if (name == NULL)
        name = cli_basename(p->pos[2]);
    if (type == NULL)
        type = cli_guess_media_type(name);
    engsched_rc rc =
        engsched_file_attach(c->db, c->actor, id, name, type, blob.data, blob.size, &file);
    size_t size = blob.size;
    cli_blob_unmap(&blob);
    if (rc != ENGSCHED_OK)
        return cli_fail(c, rc);
    cli_note_write(c);
    if (c->json)
        return out_json(json_pack("{s:I, s:I, s:s, s:I}", "id", (json_int_t)file, "engagement",
                                  (json_int_t)id, "name", name, "size", (json_int_t)size));
    printf("file %lld attached to engagement %lld: %s (%zu bytes)\n", (long long)file,
           (long long)id, name, size);
    return 0;
}

static int files_list(cli *c, const cmd_spec *cmd, const parsed *p)
{
    static const char *const headers[] = {"File", "Name", "Type", "Bytes", "Uploaded by",
                                          "Uploaded at"};
    engsched_id id = 0;
    int code;
    if (p->npos != 2)
        return cli_usage(cmd, "expected 'list ID'");
    if ((code = cli_engagement_id(p->pos[1], "ID", &id)) != 0 || (code = cli_open(c)) != 0)
        return code;
    engsched_file_list *list = NULL;
    engsched_rc rc = engsched_file_list_get(c->db, c->actor, id, &list);
    if (rc != ENGSCHED_OK)
        return cli_fail(c, rc);
    json_t *arr = c->json ? json_array() : NULL;
    ex_table *t = c->json ? NULL : ex_table_new(6, headers);
    if (arr == NULL && t == NULL)
        code = cli_error(EXIT_OTHER, "out of memory");
    if (t != NULL) {
        ex_table_align_right(t, 0);
        ex_table_align_right(t, 3);
    }
    for (size_t i = 0; code == 0 && i < engsched_file_list_count(list); i++) {
        engsched_id fid, by;
        const char *name, *type;
        int64_t size, at;
        rc = engsched_file_list_item(list, i, &fid, &name, &type, &size, &by, &at);
        if (rc != ENGSCHED_OK) {
            code = cli_fail(c, rc);
            break;
        }
        char when[21];
        ex_instant_format(at, when);
        if (arr != NULL) {
            json_array_append_new(
                arr, json_pack("{s:I, s:s, s:s, s:I, s:o, s:I}", "id", (json_int_t)fid, "name",
                               name, "media_type", type, "size", (json_int_t)size, "uploaded_by",
                               by ? json_integer(by) : json_null(), "uploaded_at", (json_int_t)at));
            continue;
        }
        char fs[24], ss[24], bs[32];
        snprintf(fs, sizeof fs, "%lld", (long long)fid);
        snprintf(ss, sizeof ss, "%lld", (long long)size);
        snprintf(bs, sizeof bs, "user %lld", (long long)by);
        const char *cells[] = {fs, name, type, ss, bs, when};
        if (ex_table_add(t, cells, NULL, 0) != 0)
            code = cli_error(EXIT_OTHER, "out of memory");
    }
    engsched_file_list_free(list);
    if (code == 0 && arr != NULL)
        return out_json(arr);
    json_decref(arr);
    if (code == 0)
        ex_table_print(t, stdout, 0);
    ex_table_free(t);
    return code;
}

static int files_get(cli *c, const cmd_spec *cmd, const parsed *p)
{
    engsched_id file = 0;
    int code;
    if (p->npos != 2)
        return cli_usage(cmd, "expected 'get FILE'");
    if ((code = cli_engagement_id(p->pos[1], "FILE", &file)) != 0 || (code = cli_open(c)) != 0)
        return code;
    const char *path = arg_get(cmd, p, "output");
    int to_stdout = path == NULL || strcmp(path, "-") == 0;
    /* Check access before creating the output file. */
    char probe[1];
    size_t got = 0;
    engsched_rc rc = engsched_file_read(c->db, c->actor, file, 0, probe, sizeof probe, &got);
    if (rc != ENGSCHED_OK)
        return cli_fail(c, rc);
    FILE *out = to_stdout ? stdout : fopen(path, "wb");
    if (out == NULL)
        return cli_error(EXIT_INVALID, "%s: %s", path, strerror(errno));
    char *buf = malloc(65536);
    int64_t offset = 0;
    if (buf == NULL)
        code = cli_error(EXIT_OTHER, "out of memory");
    while (code == 0) {
        rc = engsched_file_read(c->db, c->actor, file, offset, buf, 65536, &got);
        if (rc != ENGSCHED_OK) {
            code = cli_fail(c, rc);
            break;
        }
        if (got == 0)
            break;
        if (fwrite(buf, 1, got, out) != got) {
            code = cli_error(EXIT_OTHER, "%s: write failed", to_stdout ? "standard output" : path);
            break;
        }
        offset += (int64_t)got;
    }
    free(buf);
    if (!to_stdout) {
        if (fclose(out) != 0 && code == 0)
            code = cli_error(EXIT_OTHER, "%s: write failed", path);
        if (code != 0)
            remove(path); /* no half-written file */
        else if (!c->json)
            fprintf(stderr, "engsched: %lld bytes written to %s\n", (long long)offset, path);
    } else if (fflush(stdout) != 0 && code == 0) {
        code = cli_error(EXIT_OTHER, "standard output: write failed");
    }
    return code;
}

static int files_delete(cli *c, const cmd_spec *cmd, const parsed *p)
{
    engsched_id file = 0;
    int code;
    if (p->npos != 2)
        return cli_usage(cmd, "expected 'delete FILE'");
    if ((code = cli_engagement_id(p->pos[1], "FILE", &file)) != 0 || (code = cli_open(c)) != 0)
        return code;
    engsched_rc rc = engsched_file_delete(c->db, c->actor, file);
    if (rc != ENGSCHED_OK)
        return cli_fail(c, rc);
    cli_note_write(c);
    if (c->json)
        return out_json(json_pack("{s:I}", "deleted", (json_int_t)file));
    printf("file %lld deleted\n", (long long)file);
    return 0;
}

int cmd_files(cli *c, const cmd_spec *cmd, const parsed *p)
{
    const char *action = p->pos[0];
    if (strcmp(action, "attach") == 0)
        return files_attach(c, cmd, p);
    if (strcmp(action, "list") == 0)
        return files_list(c, cmd, p);
    if (strcmp(action, "get") == 0)
        return files_get(c, cmd, p);
    if (strcmp(action, "delete") == 0)
        return files_delete(c, cmd, p);
    return cli_usage(cmd, "expected 'attach', 'list', 'get' or 'delete'");
}
