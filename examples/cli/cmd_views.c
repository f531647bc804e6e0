/* View commands: show, list, calendar, availability, capacity, events. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

#include "excommon.h"

/* --- show ------------------------------------------------------------------ */

static int client_name(cli *c, engsched_id client, char **out)
{
    engsched_rc rc = engsched_client_name(c->db, client, out);
    return rc == ENGSCHED_OK ? 0 : cli_fail(c, rc);
}


/* The engagement's JSON names people by their host keys, which the
 * snapshot (ids only) cannot: use it for the text view when it is there. */
static json_t *people_of(cli *c, engsched_id id)
{
    char *text = NULL;
    if (engsched_engagement_json(c->db, c->actor, id, &text) != ENGSCHED_OK)
        return NULL;
    json_error_t err;
    json_t *doc = json_loads(text, 0, &err);
    engsched_free(text);
    return doc;
}

static void field(const char *label, const char *value)
{
    if (value != NULL && value[0] != '\0')
        printf("  %-13s %s\n", label, value);
}

/* ", FROM .. TO, N %, tentative" of an operator whose allocation is not
 * the default (all the dates, the whole day, firm); "" otherwise. */
static void operator_allocation_text(const engsched_engagement *e, size_t i, char *out,
                                     size_t size)
{
    const char *from = NULL, *to = NULL;
    int percent = 100, tentative = 0;
    out[0] = '\0';
    if (engsched_engagement_operator_allocation(e, i, &from, &to, &percent, &tentative) !=
        ENGSCHED_OK)
        return;
    size_t n = 0;
    if (strcmp(from, engsched_engagement_start(e)) != 0 ||
        strcmp(to, engsched_engagement_end(e)) != 0)
        n += (size_t)snprintf(out + n, size - n, ", %s .. %s", from, to);
    if (percent != 100 && n < size)
        n += (size_t)snprintf(out + n, size - n, ", %d %%", percent);
    if (tentative && n < size)
        snprintf(out + n, size - n, ", tentative");
}

static int show_text(cli *c, const engsched_engagement *e)
{
    engsched_id id = engsched_engagement_id(e);
    char *client = NULL, buf[512], created[21], updated[21];
    int code = client_name(c, engsched_engagement_client(e), &client);
    if (code != 0)
        return code;
    engsched_status st = engsched_engagement_status(e);
    printf("Engagement %lld: %s\n", (long long)id, engsched_engagement_name(e));
    field("client", client);
    engsched_free(client);
    printf("  %-13s ", "status");
    if (out_colour())
        ex_colour_on(stdout, engsched_status_colour(st));
    fputs(engsched_status_label(st), stdout);
    if (out_colour())
        ex_colour_off(stdout);
    printf("\n");
    snprintf(buf, sizeof buf, "%s .. %s", engsched_engagement_start(e), engsched_engagement_end(e));
    field("dates", buf);
    field("type", engsched_engagement_type(e));
    field("location", engsched_engagement_location(e));
    field("contacts", engsched_engagement_contacts(e));
    field("description", engsched_engagement_description(e));
    if (strcmp(engsched_engagement_custom_fields(e), "{}") != 0)
        field("custom", engsched_engagement_custom_fields(e));
    if (st == ENGSCHED_STATUS_CANCELED)
        field("cancel reason", engsched_engagement_cancel_reason(e));
    if (engsched_engagement_report(e) != 0) {
        snprintf(buf, sizeof buf, "#%lld \"%s\" (%s)", (long long)engsched_engagement_report(e),
                 engsched_engagement_report_title(e),
                 engsched_report_status_label(engsched_engagement_report_status(e)));
        field("report", buf);
    }
    json_t *people = people_of(c, id);
    const char *by = json_string_value(json_object_get(people, "requested_by"));
    json_t *ops = json_object_get(people, "operators");
    snprintf(buf, sizeof buf, "user %lld", (long long)engsched_engagement_requested_by(e));
    field("requested by", by ? by : buf);
    ex_instant_format(engsched_engagement_created_at(e), created);
    ex_instant_format(engsched_engagement_updated_at(e), updated);
    snprintf(buf, sizeof buf, "%lld (created %s, changed %s)",
             (long long)engsched_engagement_version(e), created, updated);
    field("version", buf);
    size_t nops = engsched_engagement_operator_count(e);
    for (size_t i = 0; i < nops; i++) {
        engsched_id user = 0;
        engsched_operator_role role;
        engsched_rc rc = engsched_engagement_operator(e, i, &user, &role, NULL, NULL);
        if (rc != ENGSCHED_OK) {
            json_decref(people);
            return cli_fail(c, rc);
        }
        const char *key = json_string_value(json_object_get(json_array_get(ops, i), "user"));
        char alloc[64] = "";
        operator_allocation_text(e, i, alloc, sizeof alloc);
        if (key != NULL)
            snprintf(buf, sizeof buf, "%s (%s%s)", key, cli_operator_role_name(role), alloc);
        else
            snprintf(buf, sizeof buf, "user %lld (%s%s)", (long long)user,
                     cli_operator_role_name(role), alloc);
        printf("  %-13s %s\n", i == 0 ? "operators" : "", buf);
    }
    json_decref(people);
    /* Files: only when the actor may see them. */
    engsched_file_list *files = NULL;
    if (engsched_file_list_get(c->db, c->actor, id, &files) == ENGSCHED_OK) {
        for (size_t i = 0; i < engsched_file_list_count(files); i++) {
            engsched_id fid;
            const char *name, *type;
            int64_t size;
            if (engsched_file_list_item(files, i, &fid, &name, &type, &size, NULL, NULL) !=
                ENGSCHED_OK)
                continue;
            snprintf(buf, sizeof buf, "%s (file %lld, %s, %lld bytes)", name, (long long)fid,
                     type, (long long)size);
            printf("  %-13s %s\n", i == 0 ? "files" : "", buf);
        }
        engsched_file_list_free(files);
    }
    unsigned int actions = 0;
    if (engsched_capabilities(c->db, c->actor, id, &actions) == ENGSCHED_OK) {
        out_action_names(actions, buf, sizeof buf);
        field("you may", actions == ENGSCHED_ACTION_VIEW ? "view only" : buf);
    }
    return 0;
}

int cmd_show(cli *c, const cmd_spec *cmd, const parsed *p)
{
    (void)cmd;
    engsched_id id = 0;
    int code;
    if ((code = cli_engagement_id(p->pos[0], "ID", &id)) != 0 || (code = cli_open(c)) != 0)
        return code;
    engsched_engagement *e = NULL;
    engsched_rc rc = engsched_engagement_get(c->db, c->actor, id, &e);
    if (rc != ENGSCHED_OK)
        return cli_fail(c, rc);
    if (c->json) {
        char *json = NULL;
        rc = engsched_engagement_json(c->db, c->actor, id, &json);
        if (rc != ENGSCHED_OK)
            code = cli_fail(c, rc);
        else
            code = out_json_text(json);
        engsched_free(json);
    } else {
        code = show_text(c, e);
    }
    engsched_engagement_free(e);
    return code;
}

/* --- list ------------------------------------------------------------------ */

/* Client names, looked up once each. */
typedef struct name_cache {
    engsched_id ids[64];
    char *names[64];
    size_t count;
} name_cache;

static const char *cached_client(cli *c, name_cache *nc, engsched_id id)
{
    for (size_t i = 0; i < nc->count; i++) {
        if (nc->ids[i] == id)
            return nc->names[i];
    }
    char *name = NULL;
    if (engsched_client_name(c->db, id, &name) != ENGSCHED_OK)
        return "?";
    if (nc->count == 64) {
        engsched_free(nc->names[0]);
        memmove(nc->ids, nc->ids + 1, 63 * sizeof nc->ids[0]);
        memmove(nc->names, nc->names + 1, 63 * sizeof nc->names[0]);
        nc->count--;
    }
    nc->ids[nc->count] = id;
    nc->names[nc->count++] = name;
    return name;
}

static void name_cache_free(name_cache *nc)
{
    for (size_t i = 0; i < nc->count; i++)
        engsched_free(nc->names[i]);
}

/* --tab TEXT as the tab (@p out_tab) and its statuses (@p out_mask);
 * either may be NULL. */
static int parse_tab(const char *text, engsched_tab *out_tab, unsigned int *out_mask)
{
    static const char *const tabs[] = {"all",       "pending",  "scheduled", "in_progress",
                                       "in_review", "complete", "canceled"};
    for (int i = 0; i < 7; i++) {
        if (strcmp(text, tabs[i]) == 0) {
            if (out_tab != NULL)
                *out_tab = (engsched_tab)i;
            if (out_mask != NULL)
                *out_mask = engsched_tab_statuses((engsched_tab)i);
            return 0;
        }
    }
    return cli_error(EXIT_INVALID, "--tab: '%s' is not one of all, pending, scheduled, "
                                   "in_progress, in_review, complete, canceled",
                     text);
}

static int parse_statuses(const char *text, unsigned int *out)
{
    unsigned int mask = 0;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", text);
    for (char *s = buf, *next; s != NULL; s = next) {
        next = strchr(s, ',');
        if (next != NULL)
            *next++ = '\0';
        engsched_status st;
        if (engsched_status_parse(s, &st) != ENGSCHED_OK)
            return cli_error(EXIT_INVALID, "--status: '%s' is not a status (pending, scheduled, "
                                           "in_progress, in_review, complete, canceled)",
                             s);
        mask |= ENGSCHED_STATUS_BIT(st);
    }
    *out = mask;
    return 0;
}

static int parse_sort(const char *text, engsched_sort *out)
{
    static const char *const keys[] = {"start", "end", "name", "status", "updated"};
    for (int i = 0; i < 5; i++) {
        if (strcmp(text, keys[i]) == 0) {
            *out = (engsched_sort)i;
            return 0;
        }
    }
    return cli_error(EXIT_INVALID, "--sort: '%s' is not one of start, end, name, status, updated",
                     text);
}

/* Build the List query from the options. 0 or a reported exit code. */
static int list_query(cli *c, const cmd_spec *cmd, const parsed *p, engsched_query *q)
{
    const char *tab = arg_get(cmd, p, "tab"), *status = arg_get(cmd, p, "status");
    const char *client = arg_get(cmd, p, "client"), *op = arg_get(cmd, p, "operator");
    const char *from = arg_get(cmd, p, "from"), *to = arg_get(cmd, p, "to");
    const char *text = arg_get(cmd, p, "text"), *sort = arg_get(cmd, p, "sort");
    const char *limit = arg_get(cmd, p, "limit");
    unsigned int mask = 0;
    engsched_sort key = ENGSCHED_SORT_START;
    engsched_id id = 0;
    engsched_rc rc = ENGSCHED_OK;
    int code = 0;
    if (tab != NULL && status != NULL)
        return cli_usage(cmd, "give --tab or --status, not both");
    if ((from == NULL) != (to == NULL))
        return cli_error(EXIT_INVALID, "dates: --from and --to go together");
    if ((tab && (code = parse_tab(tab, NULL, &mask)) != 0) ||
        (status && (code = parse_statuses(status, &mask)) != 0) ||
        (sort && (code = parse_sort(sort, &key)) != 0))
        return code;
    if (mask != 0 && (rc = engsched_query_set_statuses(q, mask)) != ENGSCHED_OK)
        return cli_fail(c, rc);
    if (client != NULL) {
        if ((code = cli_client(c, client, &id)) != 0)
            return code;
        if ((rc = engsched_query_set_client(q, id)) != ENGSCHED_OK)
            return cli_fail(c, rc);
    }
    if (op != NULL) {
        if ((code = cli_user(c, op, &id)) != 0)
            return code;
        if ((rc = engsched_query_set_operator(q, id)) != ENGSCHED_OK)
            return cli_fail(c, rc);
    }
    if ((from != NULL && (rc = engsched_query_set_range(q, from, to)) != ENGSCHED_OK) ||
        (text != NULL && (rc = engsched_query_set_text(q, text)) != ENGSCHED_OK) ||
        (rc = engsched_query_set_sort(q, key, arg_flag(cmd, p, "desc"))) != ENGSCHED_OK)
        return cli_fail(c, rc);
    if (limit != NULL) {
        char *end;
        unsigned long n = strtoul(limit, &end, 10);
        if (*end != '\0' || limit[0] < '0' || limit[0] > '9' || n == 0 || n > ENGSCHED_PAGE_MAX)
            return cli_error(EXIT_INVALID, "--limit: '%s' is not a page size from 1 to %d", limit,
                             ENGSCHED_PAGE_MAX);
        if ((rc = engsched_query_set_limit(q, (unsigned int)n)) != ENGSCHED_OK)
            return cli_fail(c, rc);
    }
    return 0;
}

/* Read one page into the table or the JSON array; *next gets a copy of
 * the next-page token (or NULL). */
static int list_page(cli *c, const engsched_query *q, const char *token, ex_table *t,
                     json_t *arr, name_cache *nc, char **next)
{
    engsched_cursor *cur = NULL;
    engsched_rc rc = engsched_list(c->db, c->actor, q, token, &cur);
    *next = NULL;
    if (rc != ENGSCHED_OK)
        return cli_fail(c, rc);
    int has = 0, code = 0;
    while ((rc = engsched_cursor_next(cur, &has)) == ENGSCHED_OK && has) {
        engsched_status st = engsched_cursor_status(cur);
        engsched_report_status rs = engsched_cursor_report_status(cur);
        const char *client = cached_client(c, nc, engsched_cursor_client(cur));
        if (arr != NULL) {
            json_t *row = json_pack(
                "{s:I, s:s, s:I, s:s, s:s, s:s, s:s, s:o, s:I, s:I}", "id",
                (json_int_t)engsched_cursor_id(cur), "name", engsched_cursor_name(cur), "client",
                (json_int_t)engsched_cursor_client(cur), "client_name", client, "start",
                engsched_cursor_start(cur), "end", engsched_cursor_end(cur), "status",
                engsched_status_name(st), "report_status",
                rs == ENGSCHED_REPORT_NONE ? json_null()
                                           : json_string(engsched_report_status_name(rs)),
                "version", (json_int_t)engsched_cursor_version(cur), "updated_at",
                (json_int_t)engsched_cursor_updated_at(cur));
            if (row == NULL || json_array_append_new(arr, row) != 0) {
                code = cli_error(EXIT_OTHER, "out of memory");
                break;
            }
        } else {
            char id[24];
            snprintf(id, sizeof id, "%lld", (long long)engsched_cursor_id(cur));
            const char *cells[] = {id,
                                   engsched_cursor_name(cur),
                                   client,
                                   engsched_cursor_start(cur),
                                   engsched_cursor_end(cur),
                                   engsched_status_label(st),
                                   rs == ENGSCHED_REPORT_NONE ? "-"
                                                              : engsched_report_status_label(rs)};
            if (ex_table_add(t, cells, engsched_status_colour(st), 5) != 0) {
                code = cli_error(EXIT_OTHER, "out of memory");
                break;
            }
        }
    }
    if (code == 0 && rc != ENGSCHED_OK)
        code = cli_fail(c, rc);
    const char *tok = code == 0 ? engsched_cursor_next_token(cur) : NULL;
    if (tok != NULL && (*next = strdup(tok)) == NULL)
        code = cli_error(EXIT_OTHER, "out of memory");
    engsched_cursor_free(cur);
    return code;
}

int cmd_list(cli *c, const cmd_spec *cmd, const parsed *p)
{
    static const char *const headers[] = {"ID", "Name", "Client", "Start", "End", "Status",
                                          "Report"};
    int code = cli_open(c);
    if (code != 0)
        return code;
    engsched_query *q = NULL;
    engsched_rc rc = engsched_query_new(c->db, &q);
    if (rc != ENGSCHED_OK)
        return cli_fail(c, rc);
    ex_table *t = c->json ? NULL : ex_table_new(7, headers);
    json_t *arr = c->json ? json_array() : NULL;
    name_cache nc = {0};
    char *token = NULL, *next = NULL;
    const char *page = arg_get(cmd, p, "page");
    if (t == NULL && arr == NULL)
        code = cli_error(EXIT_OTHER, "out of memory");
    if (t != NULL)
        ex_table_align_right(t, 0);
    if (code == 0)
        code = list_query(c, cmd, p, q);
    if (code == 0)
        code = list_page(c, q, page, t, arr, &nc, &next);
    while (code == 0 && next != NULL && arg_flag(cmd, p, "all")) {
        free(token);
        token = next;
        code = list_page(c, q, token, t, arr, &nc, &next);
    }
    if (code == 0 && arr != NULL) {
        code = out_json(json_pack("{s:O, s:o}", "engagements", arr, "next", out_str_or_null(next)));
    } else if (code == 0) {
        ex_table_print(t, stdout, out_colour());
        if (next != NULL)
            printf("next page: %s\n", next);
    }
    json_decref(arr);
    free(token);
    free(next);
    name_cache_free(&nc);
    ex_table_free(t);
    engsched_query_free(q);
    return code;
}

/* --- calendar and availability -------------------------------------------- */

/* The month of --month, or this month in the tenant time zone. */
static int month_arg(cli *c, const char *text, int *year, int *month)
{
    if (text != NULL) {
        if (ex_month_parse(text, year, month) != 0)
            return cli_error(EXIT_INVALID, "--month: '%s' is not a month (YYYY-MM)", text);
        return 0;
    }
    char today[11];
    int code = cli_today(c, today);
    if (code != 0)
        return code;
    today[7] = '\0';
    return ex_month_parse(today, year, month) == 0 ? 0 : cli_error(EXIT_OTHER, "no date today");
}

typedef struct rows {
    ex_grid_item *items;
    size_t count, cap;
} rows;

static void rows_free(rows *r)
{
    for (size_t i = 0; i < r->count; i++) {
        free((char *)r->items[i].name);
        free((char *)r->items[i].start);
        free((char *)r->items[i].end);
    }
    free(r->items);
}

static int rows_add(rows *r, const engsched_cursor *cur)
{
    if (r->count == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 32;
        ex_grid_item *grown = realloc(r->items, cap * sizeof *grown);
        if (grown == NULL)
            return -1;
        r->items = grown;
        r->cap = cap;
    }
    ex_grid_item *it = &r->items[r->count++];
    it->id = engsched_cursor_id(cur);
    it->status = engsched_cursor_status(cur);
    it->name = strdup(engsched_cursor_name(cur));
    it->start = strdup(engsched_cursor_start(cur));
    it->end = strdup(engsched_cursor_end(cur));
    return it->name && it->start && it->end ? 0 : -1;
}

int cmd_calendar(cli *c, const cmd_spec *cmd, const parsed *p)
{
    const char *tab = arg_get(cmd, p, "tab");
    unsigned int mask = engsched_tab_statuses(ENGSCHED_TAB_ALL);
    int year = 0, month = 0, code = tab != NULL ? parse_tab(tab, NULL, &mask) : 0;
    if (code != 0 || (code = cli_open(c)) != 0 ||
        (code = month_arg(c, arg_get(cmd, p, "month"), &year, &month)) != 0)
        return code;
    char first[11], last[11];
    ex_grid_range(year, month, first, last);
    engsched_query *q = NULL;
    engsched_cursor *cur = NULL;
    rows r = {0};
    int has = 0;
    engsched_rc rc = engsched_query_new(c->db, &q);
    if (rc == ENGSCHED_OK)
        rc = engsched_query_set_range(q, first, last);
    if (rc == ENGSCHED_OK)
        rc = engsched_query_set_statuses(q, mask);
    if (rc == ENGSCHED_OK)
        rc = engsched_calendar(c->db, c->actor, q, &cur);
    while (rc == ENGSCHED_OK && (rc = engsched_cursor_next(cur, &has)) == ENGSCHED_OK && has) {
        if (rows_add(&r, cur) != 0) {
            code = cli_error(EXIT_OTHER, "out of memory");
            break;
        }
    }
    if (code == 0 && rc != ENGSCHED_OK)
        code = cli_fail(c, rc);
    if (code == 0 && c->json) {
        json_t *arr = json_array();
        for (size_t i = 0; arr != NULL && i < r.count; i++)
            json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "id",
                                                 (json_int_t)r.items[i].id, "name",
                                                 r.items[i].name, "start", r.items[i].start,
                                                 "end", r.items[i].end, "status",
                                                 engsched_status_name(r.items[i].status),
                                                 "colour",
                                                 engsched_status_colour(r.items[i].status)));
        char m[16];
        snprintf(m, sizeof m, "%04d-%02d", year % 10000, month % 100);
        code = out_json(json_pack("{s:s, s:s, s:s, s:o}", "month", m, "from", first, "to", last,
                                  "engagements", arr));
    } else if (code == 0 &&
               ex_grid_print(stdout, year, month, r.items, r.count, out_colour()) != 0) {
        code = cli_error(EXIT_OTHER, "out of memory");
    }
    rows_free(&r);
    engsched_cursor_free(cur);
    engsched_query_free(q);
    return code;
}

/* The range of availability and capacity: --from/--to, or the days of
 * --month (default: this month in the tenant time zone), which go to
 * @p first and @p last. Opens the store. 0 or a reported exit code. */
static int range_args(cli *c, const cmd_spec *cmd, const parsed *p, char first[11],
                      char last[11], const char **out_from, const char **out_to)
{
    const char *from = arg_get(cmd, p, "from"), *to = arg_get(cmd, p, "to");
    const char *month_text = arg_get(cmd, p, "month");
    int code;
    if ((from == NULL) != (to == NULL))
        return cli_error(EXIT_INVALID, "dates: --from and --to go together");
    if (from != NULL && month_text != NULL)
        return cli_usage(cmd, "give --month or --from/--to, not both");
    if ((code = cli_open(c)) != 0)
        return code;
    if (from == NULL) {
        int year, month;
        if ((code = month_arg(c, month_text, &year, &month)) != 0)
            return code;
        ex_date_format(ex_days_from_civil(year, month, 1), first);
        ex_date_format(ex_days_from_civil(year, month, ex_month_days(year, month)), last);
        from = first;
        to = last;
    }
    *out_from = from;
    *out_to = to;
    return 0;
}

int cmd_availability(cli *c, const cmd_spec *cmd, const parsed *p)
{
    const char *from = NULL, *to = NULL, *tab = arg_get(cmd, p, "tab");
    engsched_availability_options opts = ENGSCHED_AVAILABILITY_OPTIONS_INIT;
    char first[11], last[11];
    int code;
    if (tab != NULL && (code = parse_tab(tab, &opts.tab, NULL)) != 0)
        return code;
    if ((code = range_args(c, cmd, p, first, last, &from, &to)) != 0)
        return code;
    engsched_availability *av = NULL;
    engsched_rc rc = engsched_availability_open_ex(c->db, c->actor, from, to, &opts, &av);
    if (rc != ENGSCHED_OK)
        return cli_fail(c, rc);
    json_t *arr = c->json ? json_array() : NULL;
    int has = 0, colour = out_colour();
    if (!c->json)
        printf("Availability %s .. %s\n", from, to);
    while (code == 0 && (rc = engsched_availability_next(av, &has)) == ENGSCHED_OK && has) {
        const engsched_work_list *work = engsched_availability_work(av);
        size_t n = engsched_work_list_count(work);
        double util = 0, held = 0;
        engsched_availability_load(av, &util, &held);
        json_t *blocks = arr != NULL ? json_array() : NULL;
        char holds[40] = "";
        if (held > util)
            snprintf(holds, sizeof holds, " (%.0f%% with holds)", held * 100.0);
        if (arr == NULL)
            printf("%-20s utilisation %3.0f%%%s  %zu block%s\n", engsched_availability_name(av),
                   util * 100.0, holds, n, n == 1 ? "" : "s");
        for (size_t i = 0; i < n; i++) {
            engsched_work_kind kind;
            engsched_id id;
            const char *label, *s, *e;
            engsched_status st;
            if ((rc = engsched_work_list_item(work, i, &kind, &id, &label, &s, &e, &st)) !=
                ENGSCHED_OK)
                break;
            int unavailable = kind == ENGSCHED_WORK_UNAVAILABLE;
            int percent = 0, tentative = 0;
            engsched_work_list_item_allocation(work, i, &percent, &tentative);
            if (blocks != NULL) {
                json_array_append_new(
                    blocks, json_pack("{s:s, s:o, s:s, s:s, s:s, s:o, s:i, s:b}", "kind",
                                      unavailable ? "unavailable" : "engagement", "id",
                                      id && !unavailable ? json_integer(id) : json_null(),
                                      "label", label, "start", s, "end", e, "status",
                                      unavailable ? json_null()
                                                  : json_string(engsched_status_name(st)),
                                      "percent", percent, "tentative", tentative));
                continue;
            }
            printf("    %s .. %s  ", s, e);
            if (colour && !unavailable)
                ex_colour_on(stdout, engsched_status_colour(st));
            ex_print_cell(stdout, unavailable ? "Unavailable" : engsched_status_label(st), 12);
            if (colour && !unavailable)
                ex_colour_off(stdout);
            char share[32] = "";
            if (percent != 0 && (percent != 100 || tentative))
                snprintf(share, sizeof share, " (%d %%%s)", percent, tentative ? ", tentative" : "");
            if (id != 0 && !unavailable)
                printf(" #%lld %s%s\n", (long long)id, label, share);
            else
                printf(" %s\n", label);
        }
        if (arr != NULL)
            json_array_append_new(
                arr, json_pack("{s:I, s:o, s:s, s:f, s:f, s:o}", "user",
                               (json_int_t)engsched_availability_user(av), "user_key",
                               out_user_key(c, engsched_availability_user(av)), "name",
                               engsched_availability_name(av), "utilisation", util,
                               "load_with_holds", held, "blocks", blocks ? blocks : json_array()));
        if (rc != ENGSCHED_OK)
            break;
    }
    if (rc != ENGSCHED_OK)
        code = cli_fail(c, rc);
    engsched_availability_free(av);
    if (arr != NULL) {
        if (code != 0) {
            json_decref(arr);
            return code;
        }
        return out_json(json_pack("{s:s, s:s, s:o}", "from", from, "to", to, "operators", arr));
    }
    return code;
}

/* --- capacity ---------------------------------------------------------------- */

/* The figures of a capacity row, in the order of engsched_capacity_measure:
 * their JSON names, and the text labels of those the text output prints
 * (NULL: JSON only; the last three on total rows only). */
static const struct {
    const char *json;
    const char *text;
} capacity_figures[] = {
    {"working", "working"},
    {"absent", "absent"},
    {"available", NULL},
    {"firm", "firm"},
    {"tentative", "tentative"},
    {"free", "free"},
    {"overbooked", "overbooked"},
    {"demand", "demand"},
    {"unstaffed", "unstaffed"},
    {"unstaffed_with_holds", "unstaffed with holds"},
};

#define CAPACITY_FIGURES (sizeof capacity_figures / sizeof capacity_figures[0])

static json_t *capacity_json(cli *c, const engsched_capacity *cap)
{
    engsched_id user = engsched_capacity_user(cap);
    json_t *row = json_pack(
        "{s:s, s:s, s:o, s:o, s:o, s:b}", "start", engsched_capacity_bucket_start(cap), "end",
        engsched_capacity_bucket_end(cap), "user", user != 0 ? json_integer(user) : json_null(),
        "user_key", user != 0 ? out_user_key(c, user) : json_null(), "name",
        out_str_or_null(engsched_capacity_name(cap)), "total", user == 0);
    for (size_t m = 0; row != NULL && m < CAPACITY_FIGURES; m++)
        json_object_set_new(row, capacity_figures[m].json,
                            json_integer(engsched_capacity_value(
                                cap, (engsched_capacity_measure)m)));
    return row;
}

/* One row as text: the bucket, who, and the figures in days (two decimals,
 * exact: the library counts hundredths of a day). */
static void capacity_print(const engsched_capacity *cap)
{
    const char *name = engsched_capacity_name(cap);
    int total = engsched_capacity_user(cap) == 0;
    printf("%s .. %s  %-20s", engsched_capacity_bucket_start(cap),
           engsched_capacity_bucket_end(cap), total || name == NULL ? "Total" : name);
    for (size_t m = 0; m < CAPACITY_FIGURES; m++) {
        if (capacity_figures[m].text == NULL ||
            (!total && m >= (size_t)ENGSCHED_CAPACITY_DEMAND))
            continue;
        long long v = (long long)engsched_capacity_value(cap, (engsched_capacity_measure)m);
        printf("  %s %lld.%02lld", capacity_figures[m].text, v / ENGSCHED_CAPACITY_UNIT,
               v % ENGSCHED_CAPACITY_UNIT);
    }
    printf("\n");
}

int cmd_capacity(cli *c, const cmd_spec *cmd, const parsed *p)
{
    const char *from = NULL, *to = NULL, *by = arg_get(cmd, p, "by");
    engsched_capacity_options opts = ENGSCHED_CAPACITY_OPTIONS_INIT;
    char first[11], last[11];
    int code;
    if (by == NULL || strcmp(by, "week") == 0)
        opts.bucket = ENGSCHED_BUCKET_WEEK;
    else if (strcmp(by, "month") == 0)
        opts.bucket = ENGSCHED_BUCKET_MONTH;
    else
        return cli_error(EXIT_INVALID, "--by: '%s' is not week or month", by);
    opts.per_operator = !arg_flag(cmd, p, "totals");
    if ((code = range_args(c, cmd, p, first, last, &from, &to)) != 0)
        return code;
    engsched_capacity *cap = NULL;
    engsched_rc rc = engsched_capacity_open(c->db, c->actor, from, to, &opts, &cap);
    if (rc != ENGSCHED_OK)
        return cli_fail(c, rc);
    json_t *arr = c->json ? json_array() : NULL;
    int has = 0;
    if (arr == NULL)
        printf("Capacity %s .. %s by %s, in days\n", from, to,
               opts.bucket == ENGSCHED_BUCKET_MONTH ? "month" : "week");
    while ((rc = engsched_capacity_next(cap, &has)) == ENGSCHED_OK && has) {
        if (arr != NULL)
            json_array_append_new(arr, capacity_json(c, cap));
        else
            capacity_print(cap);
    }
    engsched_capacity_free(cap);
    if (rc != ENGSCHED_OK) {
        json_decref(arr);
        return cli_fail(c, rc);
    }
    return arr != NULL ? out_json(arr) : 0;
}

/* --- events ------------------------------------------------------------------ */

int cmd_events(cli *c, const cmd_spec *cmd, const parsed *p)
{
    static const char *const headers[] = {"Seq", "Time", "Actor", "Action", "Status"};
    (void)cmd;
    engsched_id id = 0;
    int code;
    if ((code = cli_engagement_id(p->pos[0], "ID", &id)) != 0 || (code = cli_open(c)) != 0)
        return code;
    char *text = NULL;
    engsched_rc rc = engsched_events_json(c->db, c->actor, id, &text);
    if (rc != ENGSCHED_OK)
        return cli_fail(c, rc);
    if (c->json) {
        code = out_json_text(text);
        engsched_free(text);
        return code;
    }
    json_error_t err;
    json_t *events = json_loads(text, 0, &err);
    engsched_free(text);
    if (!json_is_array(events)) {
        json_decref(events);
        return cli_error(EXIT_OTHER, "the audit trail is not a JSON array");
    }
    ex_table *t = ex_table_new(5, headers);
    if (t == NULL) {
        json_decref(events);
        return cli_error(EXIT_OTHER, "out of memory");
    }
    ex_table_align_right(t, 0);
    size_t i;
    json_t *ev;
    json_array_foreach(events, i, ev)
    {
        char seq[24], actor[32], status[64];
        json_t *a = json_object_get(ev, "actor");
        const char *before = json_string_value(json_object_get(ev, "status_before"));
        const char *after = json_string_value(json_object_get(ev, "status_after"));
        const char *when = json_string_value(json_object_get(ev, "time_iso"));
        const char *action = json_string_value(json_object_get(ev, "action"));
        snprintf(seq, sizeof seq, "%lld", (long long)json_integer_value(json_object_get(ev, "seq")));
        if (json_is_integer(a))
            snprintf(actor, sizeof actor, "user %lld", (long long)json_integer_value(a));
        else
            snprintf(actor, sizeof actor, "system");
        if (before != NULL && after != NULL && strcmp(before, after) != 0)
            snprintf(status, sizeof status, "%s -> %s", before, after);
        else
            snprintf(status, sizeof status, "%s", after ? after : "");
        const char *cells[] = {seq, when ? when : "", actor, action ? action : "", status};
        if (ex_table_add(t, cells, NULL, 0) != 0) {
            code = cli_error(EXIT_OTHER, "out of memory");
            break;
        }
    }
    if (code == 0)
        ex_table_print(t, stdout, 0);
    ex_table_free(t);
    json_decref(events);
    return code;
}
