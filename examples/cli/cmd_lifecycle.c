/* Lifecycle commands: request, create, approve, edit, cancel, assign,
 * unassign, unavailability, report-status, tick. */
#include "cli.h"

#include <string.h>

#include "excommon.h"

/* "USER" or "USER:ROLE", USER a key or an id. A key may itself hold
 * colons (and "key:" forces one): the whole text is tried first. */
static int operator_arg(cli *c, const char *text, engsched_id *user, engsched_operator_role *role)
{
    char key[512];
    const char *colon = strrchr(text, ':');
    *role = ENGSCHED_OPROLE_NONE;
    if (colon == NULL || cli_user_lookup(c, text, user) == ENGSCHED_OK)
        return cli_user(c, text, user);
    int code = cli_operator_role(colon + 1, role);
    if (code != 0)
        return code;
    snprintf(key, sizeof key, "%.*s", (int)(colon - text), text);
    return cli_user(c, key, user);
}

int cli_apply_details(cli *c, const cmd_spec *cmd, const parsed *p, engsched_input *in,
                      cli_blob *blobs)
{
    static const struct {
        const char *opt;
        engsched_rc (*set)(engsched_input *, const char *);
    } text_fields[] = {
        {"name", engsched_input_set_name},
        {"description", engsched_input_set_description},
        {"type", engsched_input_set_type},
        {"location", engsched_input_set_location},
        {"contacts", engsched_input_set_contacts},
        {"custom", engsched_input_set_custom_fields},
        {"report-title", engsched_input_set_report_title},
    };
    engsched_rc rc;
    int code;
    for (size_t i = 0; i < sizeof text_fields / sizeof text_fields[0]; i++) {
        const char *v = arg_get(cmd, p, text_fields[i].opt);
        if (v != NULL && (rc = text_fields[i].set(in, v)) != ENGSCHED_OK)
            return cli_fail(c, rc);
    }
    const char *start = arg_get(cmd, p, "start"), *end = arg_get(cmd, p, "end");
    if ((start == NULL) != (end == NULL))
        return cli_error(EXIT_INVALID, "dates: --start and --end go together");
    if (start != NULL && (rc = engsched_input_set_dates(in, start, end)) != ENGSCHED_OK)
        return cli_fail(c, rc);
    const char *client = arg_get(cmd, p, "client");
    if (client != NULL) {
        engsched_id id = 0;
        if ((code = cli_client(c, client, &id)) != 0)
            return code;
        if ((rc = engsched_input_set_client(in, id)) != ENGSCHED_OK)
            return cli_fail(c, rc);
    }
    const char *const *values;
    int n = arg_all(cmd, p, "operator", &values);
    for (int i = 0; i < n; i++) {
        engsched_id user = 0;
        engsched_operator_role role;
        if ((code = operator_arg(c, values[i], &user, &role)) != 0)
            return code;
        if ((rc = engsched_input_add_operator(in, user, role)) != ENGSCHED_OK)
            return cli_fail(c, rc);
    }
    n = arg_all(cmd, p, "file", &values);
    for (int i = 0; i < n; i++) {
        if ((code = cli_blob_map(values[i], &blobs[i])) != 0)
            return code;
        const char *name = cli_basename(values[i]);
        rc = engsched_input_add_file(in, name, cli_guess_media_type(name), blobs[i].data,
                                     blobs[i].size);
        if (rc != ENGSCHED_OK)
            return cli_fail(c, rc);
    }
    return 0;
}

/* Print the engagement's status after a change. Read as the actor; if the
 * actor may not read it, only the id is printed. */
static int print_work(cli *c, const engsched_work_list *work, const char *heading, json_t *arr,
                      int show_user);

/* The engagement after a change; @p overlaps (or NULL) are the overlaps
 * an edit's new dates gave its operators, printed as warnings. */
static int report_result(cli *c, engsched_id id, const char *verb,
                         const engsched_work_list *overlaps)
{
    engsched_engagement *e = NULL;
    engsched_rc rc = engsched_engagement_get(c->db, c->actor, id, &e);
    if (rc != ENGSCHED_OK) {
        if (c->json)
            return out_json(json_pack("{s:I}", "id", (json_int_t)id));
        printf("engagement %lld %s\n", (long long)id, verb);
        return 0;
    }
    engsched_status st = engsched_engagement_status(e);
    int64_t version = engsched_engagement_version(e);
    int code = 0;
    if (c->json) {
        json_t *doc = json_pack("{s:I, s:s, s:s, s:I}", "id", (json_int_t)id, "name",
                                engsched_engagement_name(e), "status",
                                engsched_status_name(st), "version", (json_int_t)version);
        json_t *arr = overlaps != NULL ? json_array() : NULL;
        if (arr != NULL && (code = print_work(c, overlaps, NULL, arr, 1)) == 0)
            json_object_set_new(doc, "conflicts", arr);
        else
            json_decref(arr);
        if (code != 0)
            json_decref(doc);
        else
            code = out_json(doc);
    } else {
        printf("engagement %lld %s: %s (version %lld)\n", (long long)id, verb,
               engsched_status_label(st), (long long)version);
        code = print_work(c, overlaps,
                          "warning: the new dates overlap the operators' existing work:", NULL, 1);
    }
    engsched_engagement_free(e);
    return code;
}

/* request, create, approve and edit: build the input, run, report. */
typedef enum { OP_REQUEST, OP_CREATE, OP_APPROVE, OP_EDIT } op_kind;

static int with_input(cli *c, const cmd_spec *cmd, const parsed *p, op_kind kind)
{
    engsched_id id = 0;
    int64_t version = 0;
    int code;
    if (kind == OP_APPROVE || kind == OP_EDIT) {
        if ((code = cli_engagement_id(p->pos[0], "ID", &id)) != 0 ||
            (code = cli_version_arg(cmd, p, &version)) != 0)
            return code;
    }
    if ((code = cli_open(c)) != 0)
        return code;
    if (kind == OP_EDIT && version == 0) {
        /* No --version: edit what is there now. */
        engsched_engagement *e = NULL;
        engsched_rc rc = engsched_engagement_get(c->db, c->actor, id, &e);
        if (rc != ENGSCHED_OK)
            return cli_fail(c, rc);
        version = engsched_engagement_version(e);
        engsched_engagement_free(e);
    }
    engsched_input *in = NULL;
    engsched_work_list *overlaps = NULL;
    cli_blob blobs[ARGS_MAX_REPEAT];
    memset(blobs, 0, sizeof blobs);
    engsched_rc rc = engsched_input_new(c->db, &in);
    if (rc != ENGSCHED_OK)
        return cli_fail(c, rc);
    code = cli_apply_details(c, cmd, p, in, blobs);
    if (code == 0) {
        switch (kind) {
        case OP_REQUEST:
            rc = engsched_request(c->db, c->actor, in, &id);
            break;
        case OP_CREATE:
            rc = engsched_create(c->db, c->actor, in, &id);
            break;
        case OP_APPROVE:
            rc = engsched_approve(c->db, c->actor, id, version, in);
            break;
        case OP_EDIT:
            rc = engsched_edit_ex(c->db, c->actor, id, version, in, &overlaps);
            break;
        }
        if (rc != ENGSCHED_OK)
            code = cli_fail(c, rc);
        else
            cli_note_write(c);
    }
    engsched_input_free(in);
    for (int i = 0; i < ARGS_MAX_REPEAT; i++)
        cli_blob_unmap(&blobs[i]);
    if (code == 0) {
        static const char *const verbs[] = {"requested", "created", "approved", "edited"};
        code = report_result(c, id, verbs[kind], overlaps);
    }
    engsched_work_list_free(overlaps);
    return code;
}

int cmd_request(cli *c, const cmd_spec *cmd, const parsed *p)
{
    return with_input(c, cmd, p, OP_REQUEST);
}

int cmd_create(cli *c, const cmd_spec *cmd, const parsed *p)
{
    return with_input(c, cmd, p, OP_CREATE);
}

int cmd_approve(cli *c, const cmd_spec *cmd, const parsed *p)
{
    return with_input(c, cmd, p, OP_APPROVE);
}

int cmd_edit(cli *c, const cmd_spec *cmd, const parsed *p)
{
    return with_input(c, cmd, p, OP_EDIT);
}

int cmd_cancel(cli *c, const cmd_spec *cmd, const parsed *p)
{
    engsched_id id = 0;
    int64_t version = 0;
    int code;
    if ((code = cli_engagement_id(p->pos[0], "ID", &id)) != 0 ||
        (code = cli_version_arg(cmd, p, &version)) != 0 || (code = cli_open(c)) != 0)
        return code;
    engsched_rc rc = engsched_cancel(c->db, c->actor, id, version, arg_get(cmd, p, "reason"));
    if (rc != ENGSCHED_OK)
        return cli_fail(c, rc);
    cli_note_write(c);
    return report_result(c, id, "canceled", NULL);
}

int cmd_report_status(cli *c, const cmd_spec *cmd, const parsed *p)
{
    engsched_id id = 0;
    int64_t version = 0;
    engsched_report_status target;
    int code;
    if ((code = cli_engagement_id(p->pos[0], "ID", &id)) != 0 ||
        (code = cli_version_arg(cmd, p, &version)) != 0)
        return code;
    if (engsched_report_status_parse(p->pos[1], &target) != ENGSCHED_OK)
        return cli_error(EXIT_INVALID,
                         "STATUS: '%s' is not a report status (draft, ready_for_review, "
                         "in_review, approved, published)",
                         p->pos[1]);
    if ((code = cli_open(c)) != 0)
        return code;
    engsched_rc rc = engsched_report_set_status(c->db, c->actor, id, version, target);
    if (rc != ENGSCHED_OK)
        return cli_fail(c, rc);
    cli_note_write(c);
    char verb[64];
    snprintf(verb, sizeof verb, "report %s", engsched_report_status_name(target));
    return report_result(c, id, verb, NULL);
}

static int print_work(cli *c, const engsched_work_list *work, const char *heading, json_t *arr,
                      int show_user)
{
    size_t n = engsched_work_list_count(work);
    if (arr == NULL && n > 0 && heading != NULL)
        printf("%s\n", heading);
    for (size_t i = 0; i < n; i++) {
        engsched_work_kind kind;
        engsched_id id;
        const char *label, *start, *end;
        engsched_status status;
        engsched_rc rc = engsched_work_list_item(work, i, &kind, &id, &label, &start, &end, &status);
        if (rc != ENGSCHED_OK)
            return cli_fail(c, rc);
        int unavailable = kind == ENGSCHED_WORK_UNAVAILABLE;
        if (arr != NULL) {
            json_t *item = json_pack("{s:s, s:o, s:s, s:s, s:s, s:o}", "kind",
                                     unavailable ? "unavailable" : "engagement", "id",
                                     id ? json_integer(id) : json_null(), "label", label, "start",
                                     start, "end", end, "status",
                                     unavailable ? json_null()
                                                 : json_string(engsched_status_name(status)));
            engsched_id who = engsched_work_list_item_user(work, i);
            if (item != NULL && show_user) {
                json_object_set_new(item, "user", json_integer(who));
                json_object_set_new(item, "user_key", out_user_key(c, who));
            }
            if (item == NULL || json_array_append_new(arr, item) != 0)
                return cli_error(EXIT_OTHER, "out of memory");
            continue;
        }
        if (show_user)
            printf("  user %lld:", (long long)engsched_work_list_item_user(work, i));
        if (unavailable) {
            printf("  %s .. %s  unavailable  %s (id %lld)\n", start, end, label, (long long)id);
        } else if (id != 0) {
            printf("  %s .. %s  %-11s  #%lld %s\n", start, end, engsched_status_label(status),
                   (long long)id, label);
        } else {
            printf("  %s .. %s  %-11s  %s\n", start, end, engsched_status_label(status), label);
        }
    }
    return 0;
}

/* --from, --to, --percent and --tentative as an allocation. */
static int allocation_args(const cmd_spec *cmd, const parsed *p, engsched_assign_options *o)
{
    *o = (engsched_assign_options)ENGSCHED_ASSIGN_OPTIONS_INIT;
    o->start = arg_get(cmd, p, "from");
    o->end = arg_get(cmd, p, "to");
    o->tentative = arg_flag(cmd, p, "tentative");
    const char *percent = arg_get(cmd, p, "percent");
    int code;
    if ((o->start == NULL) != (o->end == NULL))
        return cli_error(EXIT_INVALID, "dates: --from and --to go together");
    if (o->start != NULL && ((code = cli_date_arg(o->start, "--from")) != 0 ||
                             (code = cli_date_arg(o->end, "--to")) != 0))
        return code;
    if (percent != NULL) {
        char *end = NULL;
        long v = strtol(percent, &end, 10);
        if (end == percent || *end != '\0' || v < 1 || v > 100)
            return cli_error(EXIT_INVALID, "--percent: '%s' is not a share of a day (1 to 100)",
                             percent);
        o->percent = (int)v;
    }
    return 0;
}

/* " (from .. to, N %, tentative)" of an allocation, or "" for the default. */
static void allocation_text(const engsched_assign_options *o, char *out, size_t size)
{
    char window[40] = "", share[16] = "";
    if (o->start != NULL)
        snprintf(window, sizeof window, "%s .. %s", o->start, o->end);
    if (o->percent != 0 && o->percent != 100)
        snprintf(share, sizeof share, "%d %%", o->percent);
    if (!window[0] && !share[0] && !o->tentative) {
        out[0] = '\0';
        return;
    }
    snprintf(out, size, " (%s%s%s%s%s)", window, window[0] && share[0] ? ", " : "", share,
             (window[0] || share[0]) && o->tentative ? ", " : "", o->tentative ? "tentative" : "");
}

typedef enum { ALLOC_ASSIGN, ALLOC_CHANGE, ALLOC_CONFIRM } alloc_kind;

static engsched_rc run_allocation(cli *c, alloc_kind kind, engsched_id id, int64_t version,
                                  engsched_id user, engsched_operator_role role,
                                  const engsched_assign_options *o, engsched_work_list **out)
{
    switch (kind) {
    case ALLOC_ASSIGN:
        return engsched_assign_ex(c->db, c->actor, id, version, user, role, o, out);
    case ALLOC_CHANGE:
        return engsched_assignment_update(c->db, c->actor, id, version, user, o, out);
    case ALLOC_CONFIRM:
        break;
    }
    return engsched_hold_confirm(c->db, c->actor, id, version, user, out);
}

/* assign, allocation and confirm: run, then the conflicts as warnings. */
static int allocate(cli *c, const cmd_spec *cmd, const parsed *p, alloc_kind kind)
{
    engsched_id id = 0, user = 0;
    int64_t version = 0;
    engsched_operator_role role = ENGSCHED_OPROLE_NONE;
    engsched_assign_options o = ENGSCHED_ASSIGN_OPTIONS_INIT;
    const char *role_text = kind == ALLOC_ASSIGN ? arg_get(cmd, p, "role") : NULL;
    int code;
    if ((code = cli_engagement_id(p->pos[0], "ID", &id)) != 0 ||
        (code = cli_version_arg(cmd, p, &version)) != 0 ||
        (role_text != NULL && (code = cli_operator_role(role_text, &role)) != 0) ||
        (kind != ALLOC_CONFIRM && (code = allocation_args(cmd, p, &o)) != 0))
        return code;
    if (arg_flag(cmd, p, "strict"))
        c->conflict_policy = ENGSCHED_CONFLICTS_STRICT;
    if ((code = cli_open(c)) != 0 || (code = cli_user(c, p->pos[1], &user)) != 0)
        return code;
    engsched_work_list *conflicts = NULL;
    engsched_rc rc = run_allocation(c, kind, id, version, user, role, &o, &conflicts);
    if (rc != ENGSCHED_OK)
        return cli_fail(c, rc);
    cli_note_write(c);
    json_t *arr = c->json ? json_array() : NULL;
    char alloc[96];
    allocation_text(&o, alloc, sizeof alloc);
    if (!c->json && kind == ALLOC_ASSIGN)
        printf("%s assigned to engagement %lld as %s%s\n", p->pos[1], (long long)id,
               cli_operator_role_name(role), alloc);
    else if (!c->json)
        printf("%s on engagement %lld: %s%s\n", p->pos[1], (long long)id,
               kind == ALLOC_CONFIRM ? "hold confirmed" : "allocation changed", alloc);
    code = print_work(c, conflicts, "warning: existing work in those dates:", arr, 0);
    engsched_work_list_free(conflicts);
    if (arr == NULL)
        return code;
    if (code != 0) {
        json_decref(arr);
        return code;
    }
    json_t *doc = json_pack("{s:I, s:I, s:o, s:o}", "id", (json_int_t)id, "user", (json_int_t)user,
                            "user_key", out_user_key(c, user), "conflicts", arr);
    if (doc != NULL && kind == ALLOC_ASSIGN)
        json_object_set_new(doc, "role", json_string(cli_operator_role_name(role)));
    if (doc != NULL && kind != ALLOC_CONFIRM) {
        json_object_set_new(doc, "from", o.start ? json_string(o.start) : json_null());
        json_object_set_new(doc, "to", o.end ? json_string(o.end) : json_null());
        json_object_set_new(doc, "percent", json_integer(o.percent ? o.percent : 100));
        json_object_set_new(doc, "tentative", json_boolean(o.tentative));
    }
    return out_json(doc);
}

int cmd_assign(cli *c, const cmd_spec *cmd, const parsed *p)
{
    return allocate(c, cmd, p, ALLOC_ASSIGN);
}

int cmd_allocation(cli *c, const cmd_spec *cmd, const parsed *p)
{
    return allocate(c, cmd, p, ALLOC_CHANGE);
}

int cmd_confirm(cli *c, const cmd_spec *cmd, const parsed *p)
{
    return allocate(c, cmd, p, ALLOC_CONFIRM);
}

int cmd_unassign(cli *c, const cmd_spec *cmd, const parsed *p)
{
    engsched_id id = 0, user = 0;
    int64_t version = 0;
    int code;
    if ((code = cli_engagement_id(p->pos[0], "ID", &id)) != 0 ||
        (code = cli_version_arg(cmd, p, &version)) != 0 || (code = cli_open(c)) != 0 ||
        (code = cli_user(c, p->pos[1], &user)) != 0)
        return code;
    engsched_rc rc = engsched_unassign(c->db, c->actor, id, version, user);
    if (rc != ENGSCHED_OK)
        return cli_fail(c, rc);
    cli_note_write(c);
    if (c->json)
        return out_json(json_pack("{s:I, s:I, s:o, s:b}", "id", (json_int_t)id, "user",
                                  (json_int_t)user, "user_key", out_user_key(c, user), "unassigned",
                                  1));
    printf("%s unassigned from engagement %lld\n", p->pos[1], (long long)id);
    return 0;
}

int cmd_unavailability(cli *c, const cmd_spec *cmd, const parsed *p)
{
    const char *action = p->pos[0];
    const char *start = arg_get(cmd, p, "start"), *end = arg_get(cmd, p, "end");
    int code;
    engsched_rc rc;
    engsched_id id = 0, user = 0;
    if (strcmp(action, "remove") == 0) {
        if ((code = cli_engagement_id(p->pos[1], "ID", &id)) != 0 || (code = cli_open(c)) != 0)
            return code;
        if ((rc = engsched_unavailability_remove(c->db, c->actor, id)) != ENGSCHED_OK)
            return cli_fail(c, rc);
        cli_note_write(c);
        if (c->json)
            return out_json(json_pack("{s:I}", "removed", (json_int_t)id));
        printf("unavailability %lld removed\n", (long long)id);
        return 0;
    }
    if (strcmp(action, "add") == 0) {
        const char *reason = arg_get(cmd, p, "reason");
        if (start == NULL || end == NULL || reason == NULL)
            return cli_usage(cmd, "'add' needs --start, --end and --reason");
        if ((code = cli_open(c)) != 0 || (code = cli_user(c, p->pos[1], &user)) != 0)
            return code;
        rc = engsched_unavailability_add(c->db, c->actor, user, start, end, reason, &id);
        if (rc != ENGSCHED_OK)
            return cli_fail(c, rc);
        cli_note_write(c);
        if (c->json)
            return out_json(json_pack("{s:I, s:I, s:o, s:s, s:s, s:s}", "id", (json_int_t)id,
                                      "user", (json_int_t)user, "user_key", out_user_key(c, user),
                                      "start", start, "end", end, "reason", reason));
        printf("unavailability %lld: %s %s .. %s (%s)\n", (long long)id, p->pos[1], start, end,
               reason);
        return 0;
    }
    if (strcmp(action, "list") != 0)
        return cli_usage(cmd, "expected 'add USER', 'list USER' or 'remove ID'");
    if ((start == NULL) != (end == NULL))
        return cli_error(EXIT_INVALID, "dates: --start and --end go together");
    if ((code = cli_open(c)) != 0 || (code = cli_user(c, p->pos[1], &user)) != 0)
        return code;
    char from[11], to[11];
    if (start == NULL) {
        /* Default: a year from today. */
        long day;
        if ((code = cli_today(c, from)) != 0)
            return code;
        ex_date_parse(from, &day);
        ex_date_format(day + 365, to);
        start = from;
        end = to;
    }
    engsched_work_list *list = NULL;
    rc = engsched_unavailability_list(c->db, c->actor, user, start, end, &list);
    if (rc != ENGSCHED_OK)
        return cli_fail(c, rc);
    json_t *arr = c->json ? json_array() : NULL;
    if (!c->json)
        printf("%s is unavailable (%s .. %s):%s\n", p->pos[1], start, end,
               engsched_work_list_count(list) ? "" : " never");
    code = print_work(c, list, NULL, arr, 0);
    engsched_work_list_free(list);
    if (arr != NULL)
        return code == 0 ? out_json(arr) : (json_decref(arr), code);
    return code;
}

int cmd_tick(cli *c, const cmd_spec *cmd, const parsed *p)
{
    (void)cmd;
    (void)p;
    int code = cli_open(c);
    if (code != 0)
        return code;
    engsched_tick_report report = ENGSCHED_TICK_REPORT_INIT;
    engsched_rc rc = engsched_tick_ex(c->db, cli_now(c), &report);
    if (rc != ENGSCHED_OK)
        return cli_fail(c, rc);
    cli_note_write(c);
    unsigned int moved = report.moved, made = report.occurrences_created;
    char when[21];
    ex_instant_format(cli_now(c), when);
    if (c->json)
        return out_json(json_pack("{s:I, s:i, s:i}", "now", (json_int_t)cli_now(c), "moved",
                                  (int)moved, "occurrences_created", (int)made));
    printf("tick at %s: %u engagement%s moved to In Progress\n", when, moved,
           moved == 1 ? "" : "s");
    if (made > 0)
        printf("%u occurrence%s of recurring engagements created\n", made, made == 1 ? "" : "s");
    return 0;
}
