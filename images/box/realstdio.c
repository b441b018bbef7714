/* The only file that sees the process's real stdio (box.h redefines stdin/stdout/stderr). */
#include <stdio.h>

FILE *box_real_stdin(void) { return stdin; }
FILE *box_real_stdout(void) { return stdout; }
FILE *box_real_stderr(void) { return stderr; }
