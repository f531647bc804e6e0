/* Clone: a new engagement from an existing one's details, through the
 * path request and create take (ops/engagement_new.c). */
#include <string.h>

#include "core/engagement_store.h"
#include "delivery/delivery.h"
#include "ops/ops.h"

#define CLONE_FLAGS (ENGSCHED_CLONE_DATES | ENGSCHED_CLONE_OPERATORS | ENGSCHED_CLONE_RECURRENCE)

#define CLONE_REQUEST_FIELDS                                                                  \
    (ES_F_NAME | ES_F_CLIENT | ES_F_DESCRIPTION | ES_F_TYPE | ES_F_LOCATION | ES_F_CONTACTS | \
     ES_F_DATES | ES_F_CUSTOM)
#define CLONE_CREATE_FIELDS (CLONE_REQUEST_FIELDS | ES_F_OPERATORS)

engsched_rc engsched_clone_options_init(engsched_clone_options *opts, unsigned int version)
{
    if (opts == NULL || version != ENGSCHED_CLONE_OPTIONS_VERSION)
        return ENGSCHED_EMISUSE;
    *opts = (engsched_clone_options)ENGSCHED_CLONE_OPTIONS_INIT;
    return ENGSCHED_OK;
}

static engsched_rc check_options(engsched *db, const engsched_clone_options *o)
{
    if (o != NULL && o->version != ENGSCHED_CLONE_OPTIONS_VERSION)
        return es_fail(db, ENGSCHED_EMISUSE, "opts: version %u is not %d", o->version,
                       ENGSCHED_CLONE_OPTIONS_VERSION);
    if (o != NULL && (o->flags & ~CLONE_FLAGS) != 0)
        return es_fail(db, ENGSCHED_EINVAL, "flags: unknown bits 0x%x", o->flags & ~CLONE_FLAGS);
    int dates = o != NULL && o->start != NULL && o->end != NULL;
    int copied = o != NULL && (o->flags & ENGSCHED_CLONE_DATES);
    if (!dates && !copied)
        return es_fail(db, ENGSCHED_EINVAL,
                       "dates: a clone needs dates (start/end) or ENGSCHED_CLONE_DATES");
    if (dates && copied)
        return es_fail(db, ENGSCHED_EINVAL,
                       "dates: give start/end or ENGSCHED_CLONE_DATES, not both");
    return ENGSCHED_OK;
}

/* Text setters refuse "": the builder leaves a field unset instead. */
static engsched_rc set_if(engsched_input *in, engsched_rc (*set)(engsched_input *, const char *),
                          const char *value)
{
    return value != NULL && value[0] != '\0' ? set(in, value) : ENGSCHED_OK;
}

static engsched_rc copy_operators(engsched_input *in, const engsched_engagement *src)
{
    engsched_rc rc = ENGSCHED_OK;
    size_t n = engsched_engagement_operator_count(src);
    for (size_t i = 0; rc == ENGSCHED_OK && i < n; i++) {
        engsched_id user = 0;
        engsched_operator_role role = ENGSCHED_OPROLE_LEAD;
        rc = engsched_engagement_operator(src, i, &user, &role, NULL, NULL);
        if (rc == ENGSCHED_OK)
            rc = engsched_input_add_operator(in, user, role);
    }
    return rc;
}

/* The builder of the clone: the source's details, dates and what the
 * flags ask for. */
static engsched_rc fill_input(engsched *db, engsched_input *in, const engsched_engagement *src,
                              const engsched_clone_options *o)
{
    int copy_dates = (o->flags & ENGSCHED_CLONE_DATES) != 0;
    engsched_rc rc = engsched_input_set_name(in, engsched_engagement_name(src));
    if (rc == ENGSCHED_OK)
        rc = engsched_input_set_client(in, engsched_engagement_client(src));
    if (rc == ENGSCHED_OK)
        rc = set_if(in, engsched_input_set_description, engsched_engagement_description(src));
    if (rc == ENGSCHED_OK)
        rc = set_if(in, engsched_input_set_type, engsched_engagement_type(src));
    if (rc == ENGSCHED_OK)
        rc = set_if(in, engsched_input_set_location, engsched_engagement_location(src));
    if (rc == ENGSCHED_OK)
        rc = set_if(in, engsched_input_set_contacts, engsched_engagement_contacts(src));
    if (rc == ENGSCHED_OK)
        rc = engsched_input_set_custom_fields(in, engsched_engagement_custom_fields(src));
    if (rc == ENGSCHED_OK)
        rc = engsched_input_set_dates(in, copy_dates ? engsched_engagement_start(src) : o->start,
                                      copy_dates ? engsched_engagement_end(src) : o->end);
    if (rc == ENGSCHED_OK && (o->flags & ENGSCHED_CLONE_OPERATORS))
        rc = copy_operators(in, src);
    const char *rule = engsched_engagement_recurrence(src);
    if (rc == ENGSCHED_OK && (o->flags & ENGSCHED_CLONE_RECURRENCE) && rule[0] != '\0' &&
        (in->recurrence = es_strdup(rule)) == NULL)
        rc = es_fail(db, ENGSCHED_ENOMEM, "out of memory cloning an engagement");
    in->cloned_from = engsched_engagement_id(src);
    return rc;
}

/* Create where the actor may create, request otherwise, as a host
 * choosing between the two would. */
static engsched_rc pick_op(engsched *db, engsched_id actor, es_op *out)
{
    es_actor who;
    engsched_rc rc = es_begin(db, 0);
    if (rc != ENGSCHED_OK)
        return rc;
    rc = es_actor_load(db, actor, &who);
    if (rc == ENGSCHED_OK)
        *out = es_authorize(who.is_system, who.permissions, 1, ES_OP_CREATE,
                            ENGSCHED_REPORT_NONE) == ENGSCHED_OK
                   ? ES_OP_CREATE
                   : ES_OP_REQUEST;
    return es_finish_and_deliver(db, rc);
}

engsched_rc engsched_clone(engsched *db, engsched_id actor, engsched_id engagement,
                           const engsched_clone_options *opts, engsched_id *out_id)
{
    ES_CHECK_DB(db);
    engsched_rc rc = check_options(db, opts);
    if (rc != ENGSCHED_OK)
        return rc;
    engsched_engagement *src = NULL;
    engsched_input *in = NULL;
    es_op op = ES_OP_REQUEST;
    if ((rc = engsched_engagement_get(db, actor, engagement, &src)) != ENGSCHED_OK)
        goto out;
    if ((opts->flags & ENGSCHED_CLONE_RECURRENCE) &&
        engsched_engagement_recurrence(src)[0] != '\0' && !db->recurrence) {
        rc = es_fail(db, ENGSCHED_EUNSUPPORTED, "recurrence: the storage backend has none");
        goto out;
    }
    if ((rc = engsched_input_new(db, &in)) != ENGSCHED_OK ||
        (rc = fill_input(db, in, src, opts)) != ENGSCHED_OK ||
        (rc = pick_op(db, actor, &op)) != ENGSCHED_OK)
        goto out;
    rc = es_engagement_new(db, actor, in, op,
                           op == ES_OP_CREATE ? CLONE_CREATE_FIELDS : CLONE_REQUEST_FIELDS, out_id);
out:
    engsched_input_free(in);
    engsched_engagement_free(src);
    return rc;
}
