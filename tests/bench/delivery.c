/* Delivery: the outbox's own cost. A handle in explicit delivery mode
 * writes a backlog through ordinary edits (each leaves its invitation
 * mails and its events pending), then one engsched_deliver() call hands
 * the whole backlog to callbacks that take everything: items per second
 * of that call is the delivery throughput. And the handle without an
 * outbox that the write measurements compare against. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <engsched/backends.h>
#include <engsched/storage.h>

#include "bench.h"

#define BACKLOG_EDITS 6000

static int64_t clock_fn(void *ctx) { return ((bench_ctx *)ctx)->fx->now; }

static int take_mail(void *ctx, engsched_id engagement, engsched_id user, const char *recipient,
                     const char *message, size_t length)
{
    (void)engagement, (void)user, (void)recipient, (void)message, (void)length;
    ((bench_ctx *)ctx)->mails++;
    return 0;
}

static int take_event(void *ctx, int64_t seq, const char *json, size_t length,
                      const char *signature)
{
    (void)seq, (void)json, (void)length, (void)signature;
    ((bench_ctx *)ctx)->events++;
    return 0;
}

static engsched_options options(bench_ctx *c, unsigned int delivery)
{
    engsched_options o;
    engsched_options_init(&o, ENGSCHED_OPTIONS_VERSION);
    o.flags = 0;
    o.clock = clock_fn;
    o.clock_ctx = c;
    o.on_mail = take_mail;
    o.mail_ctx = c;
    o.deliver_event = take_event;
    o.deliver_event_ctx = c;
    o.delivery = delivery;
    return o;
}

engsched *bench_open_without_outbox(bench_ctx *c, const char *path)
{
    engsched_storage *s = NULL;
    if (engsched_storage_sqlite_new(path, 0, &s) != ENGSCHED_OK)
        bench_die("cannot open %s: %s", path, engsched_storage_errmsg(s));
    s->outbox_put = NULL;
    s->outbox_get = NULL;
    s->outbox_update = NULL;
    s->outbox_list = NULL;
    s->outbox_count = NULL;
    s->outbox_purge = NULL;
    engsched_options o = options(c, ENGSCHED_DELIVER_ON_COMMIT);
    engsched *db = NULL;
    if (engsched_open_backend(s, &o, &db) != ENGSCHED_OK) {
        s->free(s);
        bench_die("cannot open %s without the outbox: %s", path, engsched_open_errmsg());
    }
    return db;
}

static engsched *open_with(bench_ctx *c, unsigned int delivery)
{
    engsched_options o = options(c, delivery);
    engsched *db = NULL;
    if (engsched_open(c->cfg->db_path, &o, &db) != ENGSCHED_OK)
        bench_die("cannot open %s: %s", c->cfg->db_path, engsched_open_errmsg());
    return db;
}

/* Renames of Scheduled engagements, each re-sending its invitations. */
static long write_backlog(bench_ctx *c, engsched *db)
{
    sqlite3_stmt *st = bench_raw_prepare(c->raw, "SELECT id, version FROM engagements"
                                                 " WHERE status = 2 ORDER BY id DESC LIMIT ?1");
    sqlite3_bind_int(st, 1, BACKLOG_EDITS);
    long edits = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        /* A new name re-sends every operator's invitation: mail and events. */
        char name[96];
        snprintf(name, sizeof name, "Delivery backlog %lld",
                 (long long)sqlite3_column_int64(st, 0));
        engsched_input *in = NULL;
        if (engsched_input_new(db, &in) != ENGSCHED_OK ||
            engsched_input_set_name(in, name) != ENGSCHED_OK ||
            engsched_edit(db, BENCH_MANAGER_FIRST, sqlite3_column_int64(st, 0),
                          sqlite3_column_int64(st, 1), in) != ENGSCHED_OK)
            bench_die("edit for the backlog: %s", engsched_errmsg(db));
        engsched_input_free(in);
        edits++;
    }
    sqlite3_finalize(st);
    return edits;
}

void bench_measure_delivery(bench_ctx *c)
{
    bench_log(c->cfg, "measuring delivery");
    bench_result *res = bench_result_add(c->report, "delivery", "Delivery of the outbox backlog");
    res->target = TARGET_RATE;
    res->target_rate = 20000;
    res->target_text = "≥ 20,000 items/s";
    res->unit = "item/s";
    engsched *writer = open_with(c, ENGSCHED_DELIVER_EXPLICIT);
    long edits = write_backlog(c, writer);
    engsched_close(writer);
    engsched *db = open_with(c, ENGSCHED_DELIVER_EXPLICIT);
    uint64_t pending = 0;
    if (engsched_outbox_count(db, ENGSCHED_SYSTEM, ENGSCHED_OUTBOX_PENDING, &pending) !=
        ENGSCHED_OK)
        bench_die("engsched_outbox_count: %s", engsched_errmsg(db));
    engsched_delivery_result r = {ENGSCHED_DELIVERY_RESULT_VERSION, 0, 0, 0};
    double t0 = bench_now_s();
    if (engsched_deliver(db, 0, &r) != ENGSCHED_OK)
        bench_die("engsched_deliver: %s", engsched_errmsg(db));
    double t1 = bench_now_s();
    engsched_close(db);
    /* The generator's own settings events carry the real clock, later
     * than the data set's "now": not due yet, so not all pending items. */
    if (r.delivered == 0 || (uint64_t)r.delivered > pending)
        bench_die("delivered %u of %llu pending items", r.delivered, (unsigned long long)pending);
    res->lib.ms = malloc(sizeof(double));
    if (res->lib.ms == NULL)
        bench_die("out of memory");
    res->lib.ms[0] = (t1 - t0) * 1e3;
    res->lib.n = res->lib.cap = 1;
    res->lib.wall_s = t1 - t0;
    res->lib.items = r.delivered;
    res->lib.valid = 1;
    res->rows = r.delivered;
    static char note[160];
    snprintf(note, sizeof note,
             "one engsched_deliver() call over the backlog of %ld renames (mails and events), "
             "callbacks that take everything",
             edits);
    res->note = note;
}
