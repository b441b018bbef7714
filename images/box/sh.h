/* Shell internals shared by sh_*.c. */
#ifndef SH_H
#define SH_H
#include "box.h"

enum node_type {
    N_SIMPLE, N_SEQ, N_AND, N_OR, N_NOT, N_PIPE, N_IF, N_WHILE, N_UNTIL, N_FOR, N_CASE,
    N_GROUP, N_SUBSHELL, N_FUNC
};

enum redir_op { R_IN, R_OUT, R_APPEND, R_DUPOUT, R_DUPIN, R_HEREDOC, R_RDWR };

struct redir {
    int fd;
    enum redir_op op;
    char *word;      /* target word (raw) or heredoc body */
    int quoted;      /* heredoc delimiter was quoted: body is not expanded */
    char *delim;     /* heredoc delimiter while the body is pending */
    int strip_tabs;
    struct redir *next;
};

struct case_item {
    char **pats;
    int npats;
    struct node *body;
    struct case_item *next;
};

struct node {
    enum node_type type;
    struct node *a, *b, *c;
    char **words;    /* N_SIMPLE arguments, N_FOR list */
    int nwords;
    char **assigns;  /* N_SIMPLE prefix assignments */
    int nassigns;
    char *name;      /* N_FOR variable, N_FUNC name, N_CASE word */
    int has_in;      /* N_FOR: an explicit "in" list */
    struct case_item *cases;
    struct redir *redirs;
};

/* ---- parser ---- */
enum { PARSE_OK = 0, PARSE_EOF = 1, PARSE_ERROR = 2, PARSE_INCOMPLETE = 3 };
struct parser;
struct parser *parser_new(const char *src);
void parser_free(struct parser *p);
/* Parses the next complete command (up to a newline). Returns PARSE_OK with *out set, PARSE_EOF
 * at the end of input, PARSE_INCOMPLETE if the input ends inside a construct, or PARSE_ERROR
 * with the message already printed. */
int parser_next(struct parser *p, struct node **out);
/* Offset of the first unparsed byte. */
size_t parser_offset(struct parser *p);

/* ---- variables ---- */
const char *var_get(const char *name);
void var_set(const char *name, const char *val, int export_flag); /* export_flag: 1, 0 keep */
void var_unset(const char *name);
void var_export(const char *name);
int var_valid_name(const char *s, size_t n);
void vars_init(void);
void vars_print_exports(void);
void vars_print_all(void);
/* Snapshot/restore of shell state, for subshells and nested sh (WASI has no fork). */
struct sh_state;
struct sh_state *sh_state_save(void);
void sh_state_restore(struct sh_state *s);
void vars_only_exported(void);

/* ---- functions ---- */
struct node *func_get(const char *name);
void func_set(const char *name, struct node *body);

/* ---- expansion ---- */
char **expand_words(char **words, int n, int *outn); /* field split + glob */
char *expand_string(const char *raw);                /* no split, no glob (assignments, targets) */
char *expand_heredoc(const char *body);
int expand_pattern_match(const char *raw_pattern, const char *subject);
void free_argv(char **v, int n);
long long arith_eval(const char *expr, int *err);

/* ---- execution ---- */
/* CTL_INTR: a signal interrupted an interactive shell's command line - everything unwinds to its
 * prompt, through nested shells, subshells and substitutions (which clear the others). */
enum { CTL_NONE, CTL_BREAK, CTL_CONTINUE, CTL_RETURN, CTL_EXIT, CTL_INTR };
extern int sh_ctl, sh_ctl_count;
extern int sh_status;      /* $? */
extern int sh_subst_ran;   /* a command substitution ran since the flag was cleared */
extern char *sh_arg0;      /* $0 */
extern char **sh_params;   /* $1.. */
extern int sh_nparams;
extern int sh_loop_depth, sh_func_depth, sh_errexit, sh_xtrace, sh_depth;
int sh_exec(struct node *n);
int sh_run_string(const char *src, const char *name);   /* parse+exec all; used by -c, eval, . */
char *sh_command_subst(const char *src);
int sh_run_script_file(const char *path, int argc, char **argv); /* in a subshell */
int sh_find_in_path(const char *name, char *out, size_t outsz);
int sh_run_builtin(int argc, char **argv, int *handled);
int sh_is_builtin(const char *name);
int sh_spawn(const char *path, int argc, char **argv);
/* Ends a nested construct's control flow, except an interrupt, which goes on to the prompt. */
void sh_ctl_clear(void);
/* Signals (signals.c): takes pending ones, runs their traps, sets CTL_INTR for an interrupt. */
void sh_poll_signals(void);
extern char *sh_traps[BOX_NSIG]; /* trap commands; [0] is EXIT's */
void sh_run_exit_trap(void);

#endif
