/* Layout and model versions of the SQL backends' migration lists (see
 * migrations.h). */
#include "storage/migrations.h"

int es_migration_layout_for(const es_migration *list, int count, int model)
{
    int layout = 0;
    while (layout < count && list[layout].model <= model)
        layout++;
    return layout;
}

int es_migration_model_of(const es_migration *list, int count, int layout)
{
    if (layout <= 0 || count <= 0)
        return 0;
    return list[(layout < count ? layout : count) - 1].model;
}
