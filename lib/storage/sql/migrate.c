/* Layout and model versions of the SQL backends' migration lists, and the
 * checks prepare() makes before migrating (sql.h). */
#include "storage/sql/sql.h"

int es_migration_latest(const es_migrations *m) { return m->count; }

const char *es_migration_script(const es_migrations *m, int layout)
{
    if (layout < 1 || layout > m->count)
        return NULL;
    return m->list[layout - 1].script;
}

int es_migration_layout_for(const es_migrations *m, int model)
{
    int layout = 0;
    while (layout < m->count && m->list[layout].model <= model)
        layout++;
    return layout;
}

int es_migration_model_of(const es_migrations *m, int layout)
{
    if (layout <= 0 || m->count <= 0)
        return 0;
    return m->list[(layout < m->count ? layout : m->count) - 1].model;
}

engsched_rc es_migration_target(es_sql *b, const es_migrations *m, int supported,
                                int *out_target)
{
    int known_model = es_migration_model_of(m, es_migration_latest(m));
    if (supported > known_model) {
        es_sql_error(b, "schema version %d was asked for, but this backend only knows "
                        "versions up to %d",
                     supported, known_model);
        return ENGSCHED_EUNSUPPORTED;
    }
    /* From here on versions are layouts, what the store records. */
    *out_target = es_migration_layout_for(m, supported);
    return ENGSCHED_OK;
}

engsched_rc es_migration_refuse_newer(es_sql *b, const char *where, int stored, int supported)
{
    es_sql_error(b, "the store%s has schema version %d, newer than the supported version %d; "
                    "use a newer libengsched",
                 where, stored, supported);
    return ENGSCHED_EUNSUPPORTED;
}

engsched_rc es_migration_refuse_readonly(es_sql *b, const char *where, int stored,
                                         int target)
{
    es_sql_error(b, "the store%s is at schema version %d and needs migrating to %d; open it "
                    "once without read-only",
                 where, stored, target);
    return ENGSCHED_EUNSUPPORTED;
}
