/* Backup commands: backup (an online copy of the --db store, ADMIN) and
 * restore (a checked backup copied to a new store at --db). */
#include "cli.h"

#include <string.h>

int cmd_backup(cli *c, const cmd_spec *cmd, const parsed *p)
{
    (void)cmd;
    const char *dest = p->pos[0];
    int code = cli_open(c);
    if (code != 0)
        return code;
    engsched_rc rc = engsched_backup(c->db, c->actor, dest, NULL);
    if (rc != ENGSCHED_OK)
        return cli_fail(c, rc);
    if (c->json)
        return out_json(json_pack("{s:s, s:s}", "store", c->db_path, "backup", dest));
    printf("backed up %s to %s\n", c->db_path, dest);
    return 0;
}

/* No handle: the target is a store that does not exist yet. */
int cmd_restore(cli *c, const cmd_spec *cmd, const parsed *p)
{
    (void)cmd;
    const char *backup = p->pos[0];
    if (c->db_path == NULL || c->db_path[0] == '\0')
        return cli_error(EXIT_USAGE, "no target: give --db PATH (a store that does not exist "
                                     "yet) or set ENGSCHED_DB");
    engsched_rc rc = engsched_restore(backup, c->db_path, NULL);
    if (rc != ENGSCHED_OK)
        return cli_fail(c, rc);
    if (c->json)
        return out_json(json_pack("{s:s, s:s}", "backup", backup, "store", c->db_path));
    printf("restored %s to %s\n", backup, c->db_path);
    return 0;
}
