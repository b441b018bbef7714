/* sqlite3: a small SQLite shell of our own around the amalgamation (SQLite's shell.c needs more
 * of POSIX than WASI has). `sqlite3 FILE "SQL"` prints rows in sqlite3's default list mode
 * (columns joined by "|", NULL as empty); without SQL it reads statements from stdin, running
 * each once it is complete, with a "sqlite> " prompt on a terminal. Dot commands: .tables,
 * .schema, .headers on|off, .quit, .exit, .help. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "sqlite3.h"

static int headers;

static int print_row(void *first, int n, char **vals, char **cols)
{
    if (headers && *(int *)first) {
        for (int i = 0; i < n; i++) printf("%s%s", i ? "|" : "", cols[i]);
        putchar('\n');
    }
    *(int *)first = 0;
    for (int i = 0; i < n; i++) printf("%s%s", i ? "|" : "", vals[i] ? vals[i] : "");
    putchar('\n');
    return 0;
}

static int run_sql(sqlite3 *db, const char *sql)
{
    char *err = NULL;
    int first = 1;
    if (sqlite3_exec(db, sql, print_row, &first, &err) != SQLITE_OK) {
        fflush(stdout);
        fprintf(stderr, "Error: %s\n", err ? err : sqlite3_errmsg(db));
        sqlite3_free(err);
        return 1;
    }
    return 0;
}

static int dot_command(sqlite3 *db, char *line, int *quit)
{
    line[strcspn(line, "\r\n")] = 0;
    char *arg = strchr(line, ' ');
    if (arg) { *arg++ = 0; while (*arg == ' ') arg++; }
    if (!strcmp(line, ".quit") || !strcmp(line, ".exit")) { *quit = 1; return 0; }
    if (!strcmp(line, ".tables")) return run_sql(db, "SELECT name FROM sqlite_master WHERE type IN ('table','view') AND name NOT LIKE 'sqlite_%' ORDER BY name");
    if (!strcmp(line, ".schema")) return run_sql(db, "SELECT sql || ';' FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid");
    if (!strcmp(line, ".headers")) { headers = arg && !strcmp(arg, "on"); return 0; }
    if (!strcmp(line, ".help")) {
        puts(".headers on|off  Show column names\n.quit            Exit\n.schema          Show CREATE statements\n.tables          List tables");
        return 0;
    }
    fprintf(stderr, "Error: unknown command or invalid arguments:  \"%s\". Enter \".help\" for help\n", line + 1);
    return 1;
}

static int interactive(void)
{
    const char *term = getenv("TERM");
    return term && *term && strcmp(term, "dumb") && isatty(0);
}

int main(int argc, char **argv)
{
    const char *pwd = getenv("PWD");
    if (pwd && pwd[0] == '/' && chdir(pwd) != 0) { /* stay at / */ }
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "-header")) headers = 1;
        else if (!strcmp(argv[i], "-version")) { printf("%s\n", sqlite3_libversion()); return 0; }
        else if (!strcmp(argv[i], "-help") || !strcmp(argv[i], "--help")) {
            printf("Usage: sqlite3 [-header] [FILE] [SQL]\nRuns SQL against the database FILE (default: in memory); reads SQL from stdin without SQL.\n");
            return 0;
        } else { fprintf(stderr, "sqlite3: Error: unknown option: %s\n", argv[i]); return 1; }
    }
    const char *file = i < argc ? argv[i++] : ":memory:";
    sqlite3 *db;
    if (sqlite3_open(file, &db) != SQLITE_OK) {
        fprintf(stderr, "Error: unable to open database \"%s\": %s\n", file, sqlite3_errmsg(db));
        return 1;
    }
    int st = 0;
    if (i < argc) {
        for (; i < argc; i++) {
            if (argv[i][0] == '.') { int q = 0; st |= dot_command(db, argv[i], &q); }
            else st |= run_sql(db, argv[i]);
        }
        sqlite3_close(db);
        return st;
    }
    int tty = interactive();
    if (tty) printf("SQLite version %s (Dockyard shell)\nEnter \".help\" for usage hints.\n", sqlite3_libversion());
    char *line = NULL, *buf = NULL;
    size_t cap = 0, len = 0;
    for (;;) {
        if (tty) { fputs(len ? "   ...> " : "sqlite> ", stdout); fflush(stdout); }
        ssize_t n = getline(&line, &cap, stdin);
        if (n < 0) break;
        if (!len && line[0] == '.') {
            int quit = 0;
            st |= dot_command(db, line, &quit);
            if (quit) break;
            continue;
        }
        buf = realloc(buf, len + (size_t)n + 1);
        memcpy(buf + len, line, (size_t)n + 1);
        len += (size_t)n;
        if (sqlite3_complete(buf)) {
            st |= run_sql(db, buf);
            fflush(stdout);
            len = 0;
        }
    }
    if (len && strspn(buf, " \t\r\n") != len) st |= run_sql(db, buf);
    if (tty) putchar('\n');
    free(line);
    free(buf);
    sqlite3_close(db);
    return st;
}
