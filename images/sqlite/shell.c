/*
 * sqlite3: a small SQLite shell for the sqlite image.
 *
 *   sqlite3 [FILE] [SQL]     run SQL against FILE (":memory:" when none) and print the rows
 *   sqlite3 [FILE]           read statements from stdin, one complete statement at a time
 *
 * Output is SQLite's default "list" mode: columns joined by '|', NULL as an empty string.
 * A few dot-commands a learner reaches for: .tables, .schema, .headers on|off, .quit, .help.
 * Errors go to stderr as "Error: ..."; with SQL on the command line the status is then 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "sqlite3.h"

static int show_headers = 0;

static int print_row(void *first_row, int n, char **values, char **names) {
    int *first = first_row;
    if (show_headers && *first) {
        for (int i = 0; i < n; i++) printf("%s%s", i ? "|" : "", names[i]);
        putchar('\n');
    }
    *first = 0;
    for (int i = 0; i < n; i++) printf("%s%s", i ? "|" : "", values[i] ? values[i] : "");
    putchar('\n');
    return 0;
}

/* Runs every statement in sql; returns 0, or 1 after printing the first error. */
static int run_sql(sqlite3 *db, const char *sql) {
    const char *rest = sql;
    while (*rest) {
        sqlite3_stmt *stmt = NULL;
        const char *tail = NULL;
        if (sqlite3_prepare_v2(db, rest, -1, &stmt, &tail) != SQLITE_OK) {
            fprintf(stderr, "Error: %s\n", sqlite3_errmsg(db));
            return 1;
        }
        rest = tail;
        if (!stmt) continue; /* whitespace or a comment */
        int cols = sqlite3_column_count(stmt), first = 1, rc;
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
            char *values[cols > 0 ? cols : 1], *names[cols > 0 ? cols : 1];
            for (int i = 0; i < cols; i++) {
                values[i] = (char *)sqlite3_column_text(stmt, i);
                names[i] = (char *)sqlite3_column_name(stmt, i);
            }
            print_row(&first, cols, values, names);
        }
        if (rc != SQLITE_DONE) {
            fprintf(stderr, "Error: %s\n", sqlite3_errmsg(db));
            sqlite3_finalize(stmt);
            return 1;
        }
        sqlite3_finalize(stmt);
    }
    fflush(stdout);
    return 0;
}

static int dot_command(sqlite3 *db, char *line) {
    char *cmd = strtok(line, " \t\r\n"), *arg = strtok(NULL, " \t\r\n");
    if (!strcmp(cmd, ".quit") || !strcmp(cmd, ".exit")) exit(0);
    if (!strcmp(cmd, ".tables"))
        return run_sql(db, "SELECT name FROM sqlite_schema WHERE type IN ('table','view') AND name NOT LIKE 'sqlite_%' ORDER BY 1;");
    if (!strcmp(cmd, ".schema"))
        return run_sql(db, "SELECT sql || ';' FROM sqlite_schema WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY tbl_name, type DESC, name;");
    if (!strcmp(cmd, ".headers")) {
        show_headers = arg && (!strcmp(arg, "on") || !strcmp(arg, "1"));
        return 0;
    }
    if (!strcmp(cmd, ".help")) {
        puts(".headers on|off   show column names\n.quit             leave\n.schema           the CREATE statements\n.tables           list tables");
        return 0;
    }
    fprintf(stderr, "Error: unknown command or invalid arguments: \"%s\". Enter \".help\" for help\n", cmd + 1);
    return 1;
}

/* Reads stdin, running each statement once sqlite3_complete says it is whole. */
static int run_stdin(sqlite3 *db) {
    int interactive = isatty(0), status = 0;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap), line[4096];
    buf[0] = 0;
    if (interactive) printf("SQLite version %s (Dockyard's sqlite image)\nEnter \".help\" for usage hints.\n", sqlite3_libversion());
    for (;;) {
        if (interactive) {
            fputs(len ? "   ...> " : "sqlite> ", stdout);
            fflush(stdout);
        }
        if (!fgets(line, sizeof line, stdin)) break;
        if (len == 0 && line[0] == '.') {
            status |= dot_command(db, line);
            continue;
        }
        size_t n = strlen(line);
        if (len + n + 1 > cap) buf = realloc(buf, cap = (len + n + 1) * 2);
        memcpy(buf + len, line, n + 1);
        len += n;
        if (sqlite3_complete(buf)) {
            status |= run_sql(db, buf);
            len = 0;
            buf[0] = 0;
        }
    }
    if (len && strspn(buf, " \t\r\n") != len) status |= run_sql(db, buf);
    free(buf);
    return status;
}

int main(int argc, char **argv) {
    const char *file = ":memory:";
    int i = 1;
    if (i < argc && (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-help"))) {
        puts("Usage: sqlite3 [FILE] [SQL]\nWith SQL, run it and exit; without, read SQL statements from stdin.");
        return 0;
    }
    if (i < argc) file = argv[i++];
    sqlite3 *db;
    if (sqlite3_open(file, &db) != SQLITE_OK) {
        fprintf(stderr, "Error: unable to open database \"%s\": %s\n", file, sqlite3_errmsg(db));
        return 1;
    }
    int status = 0;
    if (i < argc) {
        for (; i < argc && !status; i++) status = argv[i][0] == '.' ? dot_command(db, argv[i]) : run_sql(db, argv[i]);
    } else {
        status = run_stdin(db);
    }
    sqlite3_close(db);
    return status;
}
