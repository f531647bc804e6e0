/* Result-code names and the per-handle message that explains a failure. */
#include <stdio.h>
#include <string.h>

#include "core/internal.h"

static const struct {
    const char *name;
    const char *description;
} codes[] = {
    [ENGSCHED_OK] = {"ENGSCHED_OK", "not an error"},
    [ENGSCHED_EINVAL] = {"ENGSCHED_EINVAL", "invalid argument"},
    [ENGSCHED_ENOMEM] = {"ENGSCHED_ENOMEM", "out of memory"},
    [ENGSCHED_ENOTFOUND] = {"ENGSCHED_ENOTFOUND", "not found"},
    [ENGSCHED_EDENIED] = {"ENGSCHED_EDENIED", "permission denied"},
    [ENGSCHED_ESTATE] = {"ENGSCHED_ESTATE", "not allowed in the current status"},
    [ENGSCHED_ECONFLICT] = {"ENGSCHED_ECONFLICT", "conflict"},
    [ENGSCHED_EEXISTS] = {"ENGSCHED_EEXISTS", "already exists"},
    [ENGSCHED_ETOOBIG] = {"ENGSCHED_ETOOBIG", "limit exceeded"},
    [ENGSCHED_EBUSY] = {"ENGSCHED_EBUSY", "store is busy"},
    [ENGSCHED_ESTORAGE] = {"ENGSCHED_ESTORAGE", "storage failure"},
    [ENGSCHED_ECORRUPT] = {"ENGSCHED_ECORRUPT", "store is corrupt or not a libengsched store"},
    [ENGSCHED_EUNSUPPORTED] = {"ENGSCHED_EUNSUPPORTED", "not supported"},
    [ENGSCHED_EMISUSE] = {"ENGSCHED_EMISUSE", "library misuse"},
};

static int rc_known(engsched_rc rc)
{
    return (int)rc >= ENGSCHED_OK && (int)rc <= ENGSCHED_EMISUSE;
}

const char *engsched_rc_name(engsched_rc rc)
{
    return rc_known(rc) ? codes[rc].name : "ENGSCHED_UNKNOWN";
}

const char *engsched_rc_describe(engsched_rc rc)
{
    return rc_known(rc) ? codes[rc].description : "unknown result code";
}

engsched_rc es_fail(engsched *db, engsched_rc rc, const char *fmt, ...)
{
    /* A call a callback made on its handle: the outer call's result stays. */
    if (db == NULL || db->in_callback)
        return rc;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(db->errmsg, sizeof db->errmsg, fmt, ap);
    va_end(ap);
    db->errcode = rc;
    if (rc != ENGSCHED_OK)
        es_log(db, ENGSCHED_LOG_DEBUG, "%s: %s", engsched_rc_name(rc), db->errmsg);
    return rc;
}

engsched_rc es_ok(engsched *db)
{
    if (db != NULL && !db->in_callback) {
        db->errcode = ENGSCHED_OK;
        db->errmsg[0] = '\0';
    }
    return ENGSCHED_OK;
}

engsched_rc es_storage_fail(engsched *db, engsched_rc rc, const char *what)
{
    const char *detail = es_storage_message();
    if (rc == ENGSCHED_OK)
        rc = ENGSCHED_ESTORAGE;
    if (rc == ENGSCHED_ENOMEM)
        return es_fail(db, rc, "out of memory while %s", what);
    return es_fail(db, rc, "%s: %s", what, detail[0] ? detail : engsched_rc_describe(rc));
}

const char *engsched_errmsg(const engsched *db)
{
    if (db == NULL)
        return "NULL scheduler handle";
    if (db->errcode == ENGSCHED_OK)
        return "not an error";
    return db->errmsg;
}

engsched_rc engsched_errcode(const engsched *db)
{
    return db == NULL ? ENGSCHED_EMISUSE : db->errcode;
}

static _Thread_local char open_message[ES_ERRMSG_MAX];

void es_open_fail_message(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(open_message, sizeof open_message, fmt, ap);
    va_end(ap);
}

const char *engsched_open_errmsg(void)
{
    return open_message[0] ? open_message : "not an error";
}

void es_log(engsched *db, engsched_log_level level, const char *fmt, ...)
{
    if (db == NULL || db->opts.log == NULL || level < db->opts.log_level || db->in_callback)
        return;
    char line[ES_ERRMSG_MAX + 64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    es_callback_enter(db);
    db->opts.log(db->opts.log_ctx, level, line);
    es_callback_leave(db);
}
