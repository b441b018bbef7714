/* The browser tests' probe program: one WASI module, a mode per argv[1]. Built by the tests. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

__attribute__((import_module("dockyard"), import_name("spawn"))) int dockyard_spawn(const char *req, unsigned len);

static char *volatile keep[100000];

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "hello";
  if (!strcmp(mode, "hello")) { printf("Hello from Dockyard!\n"); return 0; }
  if (!strcmp(mode, "args")) { for (int i = 0; i < argc; i++) printf("[%s]", argv[i]); printf(" PWD=%s HOME=%s\n", getenv("PWD"), getenv("HOME") ? getenv("HOME") : ""); return 0; }
  if (!strcmp(mode, "exit")) return atoi(argv[2]);
  if (!strcmp(mode, "trap")) __builtin_trap();
  if (!strcmp(mode, "stderr")) { fprintf(stderr, "to stderr\n"); return 0; }
  if (!strcmp(mode, "first-then-stdin")) {
    printf("first\n"); fflush(stdout);
    char buf[256]; size_t n, total = 0;
    while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) total += n;
    printf("second after %zu bytes\n", total); return 0;
  }
  if (!strcmp(mode, "cat")) { char buf[64]; size_t n; while ((n = read(0, buf, sizeof buf)) > 0) { write(1, "> ", 2); write(1, buf, n); } return 0; }
  if (!strcmp(mode, "loop")) { printf("looping\n"); fflush(stdout); volatile unsigned x = 0; for (;;) x++; }
  if (!strcmp(mode, "hog")) {
    for (int i = 0;; i++) { char *p = malloc(1 << 20); memset(p, i, 1 << 20); keep[i % 100000] = p; if (i % 4 == 0) { printf("%d MiB\n", i); fflush(stdout); } }
  }
  if (!strcmp(mode, "write")) { FILE *f = fopen(argv[2], "w"); if (!f) { perror(argv[2]); return 1; } fputs(argv[3], f); fclose(f); return 0; }
  if (!strcmp(mode, "read")) { FILE *f = fopen(argv[2], "r"); if (!f) { perror(argv[2]); return 1; } char b[512]; size_t n = fread(b, 1, sizeof b, f); fwrite(b, 1, n, stdout); fclose(f); return 0; }
  if (!strcmp(mode, "rm")) { if (unlink(argv[2])) { perror(argv[2]); return 1; } return 0; }
  if (!strcmp(mode, "sleep")) { printf("sleeping\n"); fflush(stdout); usleep(atoi(argv[2]) * 1000); printf("woke\n"); return 0; }
  if (!strcmp(mode, "spawn")) {
    /* spawn <path> <stdout-file or ""> args...: run another module through dockyard.spawn */
    char req[4096]; size_t at = 0;
    #define FIELD(s) do { size_t l = strlen(s); memcpy(req + at, s, l + 1); at += l + 1; } while (0)
    FIELD("dockyard-spawn-1"); FIELD(argv[2]); FIELD("/"); FIELD(""); FIELD(argv[3]); FIELD("");
    char num[16]; snprintf(num, sizeof num, "%d", argc - 4); FIELD(num);
    for (int i = 4; i < argc; i++) FIELD(argv[i]);
    FIELD("1"); FIELD("FROM=spawn");
    int r = dockyard_spawn(req, (unsigned)at);
    printf("spawn result kind=%d value=%d\n", (r >> 8) & 0xff, r & 0xff);
    return 0;
  }
  fprintf(stderr, "unknown mode %s\n", mode);
  return 2;
}
