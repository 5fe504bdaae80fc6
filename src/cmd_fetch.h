/* cmd_fetch.h: the `clean fetch` subcommand (src/cmd_fetch.c). */
#ifndef CLEAN_CMD_FETCH_H
#define CLEAN_CMD_FETCH_H

/* argv[0] is "fetch". Returns the exit status (0, 1 or 2). */
int cmd_fetch(int argc, char **argv);

#endif
