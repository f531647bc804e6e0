/* Forward-only migration lists of the SQL backends, and the two version
 * numbers a store carries.
 *
 * A backend's migrations each move its store one step (the layout
 * version, what the store records); each also names the version of the
 * core's data model the store has once it has run (the schema version of
 * engsched_schema_version(), what prepare() is asked for). Most
 * migrations change the model. Some change only the layout (an index, a
 * copy of a column kept for speed): the core and custom backends never
 * see them, so a library that adds one still asks for the model version
 * every other backend knows, and a host's own backend keeps working. */
#ifndef ENGSCHED_MIGRATIONS_H
#define ENGSCHED_MIGRATIONS_H

typedef struct es_migration {
    const char *script; /* the SQL that makes layout i + 1 from layout i */
    int model;          /* the data model version of layout i + 1 */
} es_migration;

/* The newest layout of @p list whose model is at most @p model: where
 * prepare() asked for @p model migrates to. 0 when none is. */
int es_migration_layout_for(const es_migration *list, int count, int model);

/* The model version of a store at @p layout (0 for an empty one); a
 * layout beyond the list counts as the newest model it knows. */
int es_migration_model_of(const es_migration *list, int count, int layout);

#endif
