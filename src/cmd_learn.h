/* cmd_learn.h: the `clean learn` subcommand (src/cmd_learn.c). */
#ifndef CLEAN_CMD_LEARN_H
#define CLEAN_CMD_LEARN_H

/* argv[0] is "learn". Returns the exit status (0, 1 or 2). */
int cmd_learn(int argc, char **argv);

#endif
