/* The applet table: one place that names every applet, its usage line and its help. */
#include "box.h"

#define A(n) int applet_##n(int, char **);
A(basename) A(cat) A(clear) A(cp) A(date) A(dirname) A(echo) A(env) A(false) A(head)
A(hostname) A(id) A(ln) A(mkdir) A(mv) A(printenv) A(printf) A(pwd) A(readlink) A(rm) A(rmdir)
A(seq) A(sleep) A(tail) A(tee) A(timeout) A(touch) A(true) A(uname) A(wc) A(whoami) A(yes)
A(ls) A(test) A(bracket) A(grep) A(sort) A(uniq) A(cut) A(tr) A(sed) A(find) A(du) A(stat) A(which) A(stress)
A(nc) A(httpd) A(wget) A(nslookup) A(getent) A(ip)
#undef A

static int applet_sh(int argc, char **argv) { return sh_main(argc, argv); }

const struct applet box_applets[] = {
    {"[", applet_bracket, "EXPRESSION ]", "Same as test: evaluate EXPRESSION"},
    {"basename", applet_basename, "FILE [SUFFIX]", "Strip directory path and SUFFIX from FILE"},
    {"cat", applet_cat, "[-n] [FILE]...", "Print FILEs (or stdin) to stdout\n\n\t-n\tNumber output lines"},
    {"clear", applet_clear, "", "Clear the terminal screen"},
    {"cp", applet_cp, "[-rRa] SOURCE... DEST", "Copy SOURCEs to DEST\n\n\t-r,-R,-a\tRecurse into directories"},
    {"cut", applet_cut, "[-d SEP] [-f LIST | -c LIST] [-s] [FILE]...", "Print selected fields or characters from each input line\n\n\t-d SEP\tField delimiter (default tab)\n\t-f LIST\tFields, e.g. 1,3-5,7-\n\t-c LIST\tCharacters\n\t-s\tOnly lines with delimiters"},
    {"date", applet_date, "[-u] [-R] [-I] [-d DATE] [-r FILE] [+FORMAT]", "Display the time (always UTC: WASI has no time zones)\n\n\t-d DATE\tShow DATE (@SECONDS, YYYY-MM-DD [HH:MM[:SS]]) instead of now\n\t-r FILE\tShow FILE's modification time\n\t-R\tRFC 2822 format\n\t-I\tISO 8601 date"},
    {"dirname", applet_dirname, "FILENAME", "Strip non-directory suffix from FILENAME"},
    {"du", applet_du, "[-sha] [FILE]...", "Summarize disk usage in KiB (files rounded up to 1 KiB; WASI has no block counts)\n\n\t-s\tOnly a total for each argument\n\t-h\tHuman readable sizes (1.5K 2M)\n\t-a\tShow files too"},
    {"echo", applet_echo, "[-neE] [ARG]...", "Print the ARGs to stdout\n\n\t-n\tNo trailing newline\n\t-e\tInterpret backslash escapes (\\n, \\t, \\0NNN, \\c...)\n\t-E\tDon't interpret backslash escapes (default)"},
    {"env", applet_env, "[-i] [-u NAME] [NAME=VALUE]... [PROG ARGS]", "Print the environment or run PROG in a modified one\n\n\t-i\tStart with an empty environment\n\t-u NAME\tRemove NAME"},
    {"false", applet_false, "", "Return an exit code of FALSE (1)"},
    {"find", applet_find, "[PATH]... [-maxdepth N] [-mindepth N] [-name PAT] [-iname PAT] [-type f|d|l] [-path PAT] [-empty] [! EXPR] [-o EXPR]", "Search for files (in sorted order)"},
    {"getent", applet_getent, "hosts [NAME]...", "Print the address of each NAME (/etc/hosts, then the engine's resolver), or /etc/hosts; status 2 when a NAME is not found"},
    {"grep", applet_grep, "[-ivncloqFEwxrhH] [-e PATTERN]... PATTERN [FILE]...", "Search for PATTERN (a POSIX regular expression) in FILEs (or stdin)\n\n\t-i\tIgnore case\n\t-v\tSelect non-matching lines\n\t-n\tShow line numbers\n\t-c\tCount matching lines\n\t-l\tList matching file names\n\t-q\tQuiet: exit 0 on a match\n\t-E\tExtended regular expressions\n\t-F\tFixed strings\n\t-w\tWhole words\n\t-x\tWhole lines\n\t-o\tOnly the matching part\n\t-r\tRecurse into directories"},
    {"head", applet_head, "[-n N] [-c N] [FILE]...", "Print the first 10 lines of FILEs (or stdin)\n\n\t-n N\tPrint first N lines\n\t-c N\tPrint first N bytes"},
    {"hostname", applet_hostname, "[-s] [-i] [NAME]", "Show the host name (from /etc/hostname), or set it there\n\n\t-s\tShort name\n\t-i\tAddresses of the host name (from /etc/hosts)"},
    {"httpd", applet_httpd, "[-f] [-p PORT] [-h DIR] [-t SECS]", "Serve the files under DIR over HTTP (GET, HEAD): a directory by its index.html,\nthe content type by the extension; logs each request to stdout. SIGTERM ends it.\nFiles under DIR/cgi-bin/ run as CGI (GET, HEAD, POST), and cgi-bin/index.cgi for\na directory without index.html\n\n\t-f\tForeground (it always is: WASI cannot daemonize)\n\t-p PORT\tPort to listen on (default 80)\n\t-h DIR\tDirectory to serve (default .)\n\t-t SECS\tTime limit of a CGI script (default 10): then 504"},
    {"id", applet_id, "[-ugn]", "Print user and group ids (a WASI program always runs as root)"},
    {"ip", applet_ip, "[-4] addr [show]", "Show the container's network interfaces and addresses (read-only: the engine sets them)"},
    {"ln", applet_ln, "[-sf] TARGET... LINK|DIR", "Create a link LINK or DIR/TARGET to TARGET\n\n\t-s\tMake a symbolic link\n\t-f\tRemove existing destinations"},
    {"ls", applet_ls, "[-1aAlRdhFC] [FILE]...", "List directory contents (sorted by name)\n\n\t-1\tOne column\n\t-a\tInclude names starting with .\n\t-A\tLike -a, without . and ..\n\t-l\tLong format\n\t-R\tRecurse\n\t-d\tList directory entries, not contents\n\t-h\tHuman readable sizes\n\t-F\tAppend / to directories, * to programs, @ to links"},
    {"mkdir", applet_mkdir, "[-p] DIRECTORY...", "Create DIRECTORIES\n\n\t-p\tNo error if exists; make parent directories as needed"},
    {"mv", applet_mv, "[-f] SOURCE... DEST", "Rename SOURCE to DEST, or move SOURCEs into DEST"},
    {"nc", applet_nc, "[HOST PORT | -l -p PORT]", "Connect stdin and stdout to a TCP connection: to HOST PORT, or (-l) the first\nclient that connects to PORT. The end of stdin shuts the sending half.\nOnly containers on your networks answer: the playground has no outside network\n\n\t-l\tListen for one connection\n\t-p PORT\tThe port to listen on"},
    {"nslookup", applet_nslookup, "HOST", "Query the name server (Docker's embedded DNS, answered by the engine) for the addresses of HOST"},
    {"printenv", applet_printenv, "[VARIABLE]...", "Print environment VARIABLEs, or all of them"},
    {"printf", applet_printf, "FORMAT [ARG]...", "Format and print ARG(s) according to FORMAT (%s %d %x %f %c %b ...)"},
    {"pwd", applet_pwd, "", "Print the full name of the current working directory"},
    {"readlink", applet_readlink, "[-f] FILE...", "Print the target of each symbolic link FILE (nothing, status 1, for other files)\n\n\t-f\tFollow every link and print the full path"},
    {"rm", applet_rm, "[-rf] FILE...", "Remove (unlink) FILEs\n\n\t-f\tNever prompt, ignore missing files\n\t-r,-R\tRecurse into directories"},
    {"rmdir", applet_rmdir, "[-p] DIRECTORY...", "Remove empty DIRECTORIES\n\n\t-p\tAlso remove parent directories"},
    {"sed", applet_sed, "[-nEi] [-e SCRIPT]... [-f FILE] [SCRIPT] [FILE]...", "Stream editor: s/RE/REPLACEMENT/[gpNi], d, p, q, =, a, i, c, y\nwith addresses N, $, /RE/, A,B and !\n\n\t-n\tPrint only what p asks for\n\t-e SCRIPT\tAdd SCRIPT\n\t-i\tEdit files in place\n\t-E\tExtended regular expressions"},
    {"seq", applet_seq, "[-w] [-s SEP] [FIRST [INC]] LAST", "Print numbers from FIRST to LAST, in steps of INC\n\n\t-w\tPad with leading zeros\n\t-s SEP\tSeparator (default newline)"},
    {"sh", applet_sh, "[-eix] [-c 'SCRIPT' [ARG0 ARGS] | FILE [ARGS] | -s [ARGS]]", "A POSIX-style shell. Commands run inside this module (WASI has no fork/exec);\nother WASI programs in the image run through the host's dockyard.spawn.\n\n\t-c SCRIPT\tRun SCRIPT\n\t-i\tInteractive: show a prompt\n\t-e\tExit on the first failing command\n\t-x\tPrint commands as they run"},
    {"sleep", applet_sleep, "N[smhd]...", "Pause for the total time of the arguments (fractions allowed)"},
    {"sort", applet_sort, "[-rnuf] [-k N] [-t SEP] [-o FILE] [FILE]...", "Sort lines of text\n\n\t-r\tReverse\n\t-n\tNumeric\n\t-u\tUnique lines only\n\t-f\tIgnore case\n\t-k N\tSort on field N onwards\n\t-t SEP\tField separator"},
    {"stat", applet_stat, "[-L] [-c FORMAT] FILE...", "Display file status\n\n\t-c FMT\tFormat: %n name, %s size, %F type, %a %A mode, %U %G owner, %Y %y mtime\n\t-L\tFollow links"},
    {"stress", applet_stress, "--vm-bytes SIZE [--vm-step SIZE] [--timeout SECS] | --cpu [--timeout SECS]", "Put load on the container, for the resource-limits lesson\n\n\t--vm-bytes SIZE\tAllocate and touch SIZE (e.g. 64M) step by step, then hold it\n\t--vm-step SIZE\tStep size (default 4M)\n\t--cpu\tSpin one CPU\n\t--timeout SECS\tStop after SECS (default: run until stopped)"},
    {"tail", applet_tail, "[-n N] [-c N] [FILE]...", "Print the last 10 lines of FILEs (or stdin)\n\n\t-n N\tPrint last N lines\n\t-n +N\tStart with line N\n\t-c N\tPrint last N bytes"},
    {"tee", applet_tee, "[-a] [FILE]...", "Copy stdin to each FILE, and also to stdout\n\n\t-a\tAppend to the given FILEs"},
    {"test", applet_test, "EXPRESSION", "Evaluate EXPRESSION: -e -f -d -s -L -z -n, = != < >, -eq -ne -lt -le -gt -ge, ! -a -o ( )"},
    {"timeout", applet_timeout, "[-s SIG] SECS PROG ARGS", "Run PROG; end it after SECS (fractions allowed) with status 124\n\n\t-s SIG\tAccepted for busybox command lines (the end is the same)"},
    {"touch", applet_touch, "[-c] [-d DATE] [-t DATE] [-r FILE] FILE...", "Update the last-modified date on the given FILE[s]\n\n\t-c\tDon't create files\n\t-d DT\tDate/time to use (YYYY-MM-DD [HH:MM:SS] or @SECONDS)\n\t-t DT\tDate/time as [[CC]YY]MMDDhhmm[.ss]\n\t-r FILE\tUse FILE's date/time"},
    {"tr", applet_tr, "[-cds] SET1 [SET2]", "Translate, squeeze, or delete characters from stdin\n\n\t-c\tComplement SET1\n\t-d\tDelete characters in SET1\n\t-s\tSqueeze repeated characters\n\nSets understand a-z ranges, \\n \\t escapes and [:alpha:] [:digit:] [:upper:] [:lower:] [:space:] classes"},
    {"true", applet_true, "", "Return an exit code of TRUE (0)"},
    {"uname", applet_uname, "[-asnrvmo]", "Print system information. The kernel a WASI program sees is its runtime:\n\"WASI\" (-s), release \"preview1\" (-r), machine \"wasm32\" (-m)"},
    {"uniq", applet_uniq, "[-cdui] [INPUT [OUTPUT]]", "Discard duplicate adjacent lines\n\n\t-c\tPrefix lines by the number of occurrences\n\t-d\tOnly print duplicated lines\n\t-u\tOnly print unique lines\n\t-i\tIgnore case"},
    {"wc", applet_wc, "[-lwc] [FILE]...", "Count lines, words, and bytes for FILEs (or stdin)\n\n\t-l\tCount newlines\n\t-w\tCount words\n\t-c\tCount bytes"},
    {"wget", applet_wget, "[-qS] [-O FILE] [-T SEC] [--post-data STR] URL", "Retrieve a file over HTTP (there is no TLS and no outside network here)\n\n\t-q\tQuiet\n\t-S\tShow the server's response headers\n\t-O FILE\tSave to FILE ('-' for stdout)\n\t-T SEC\tTime limit of the whole download\n\t--post-data STR\tPOST STR (application/x-www-form-urlencoded)"},
    {"which", applet_which, "[-a] COMMAND...", "Locate COMMAND files in PATH"},
    {"whoami", applet_whoami, "", "Print the user name (root)"},
    {"yes", applet_yes, "[STRING]", "Repeatedly output a line with STRING, or 'y'"},
};
const int box_applet_count = (int)(sizeof box_applets / sizeof box_applets[0]);
