/* Signals for box: the dockyard.signal host import (engine/wasi/signal-abi.ts documents it).
 *
 * WASI preview1 has no signals. The host keeps a process's pending signals and answers
 * dockyard.signal(TAKE) with one; while one is pending, a blocking read of stdin or a sleep
 * returns EINTR at once. box takes them at its own points - the shell before and after each
 * command, an applet when a blocking call says EINTR - and acts on each as its disposition says:
 *   a trap (sh's `trap CMD SIG`): the shell runs CMD at its next command, and the command running
 *     now is interrupted (an applet returns 128 + n), so `docker stop` is answered at once;
 *   ignored (`trap '' SIG`);
 *   the default: PID 1 has none for the signals a program may catch (Docker's PID 1 is in a PID
 *     namespace), an interactive shell is interrupted by SIGINT (its command stops, a new prompt)
 *     and ignores SIGTERM, and any other process ends with status 128 + n.
 * A runtime without the import (one that stubs unknown imports) answers 0: no signals. */
#include "box.h"
#include <stdint.h>
#include <time.h>

enum { SIG_OP_TAKE = 0, SIG_OP_IS_INIT = 1 };

__attribute__((import_module("dockyard"), import_name("signal")))
extern int32_t dockyard_signal(int32_t op);

int box_sigdisp[BOX_NSIG];
unsigned box_traps_pending;
int box_interactive;
int box_interrupted;
unsigned box_signals_taken;

static const char *const names[BOX_NSIG] = {
    [1] = "HUP", [2] = "INT", [3] = "QUIT", [4] = "ILL", [5] = "TRAP", [6] = "ABRT", [7] = "BUS",
    [8] = "FPE", [9] = "KILL", [10] = "USR1", [11] = "SEGV", [12] = "USR2", [13] = "PIPE",
    [14] = "ALRM", [15] = "TERM", [16] = "STKFLT", [17] = "CHLD", [18] = "CONT", [19] = "STOP",
    [20] = "TSTP", [21] = "TTIN", [22] = "TTOU", [23] = "URG", [24] = "XCPU", [25] = "XFSZ",
    [26] = "VTALRM", [27] = "PROF", [28] = "WINCH", [29] = "IO", [30] = "PWR", [31] = "SYS",
};

const char *box_signal_name(int sig)
{
    return sig > 0 && sig < BOX_NSIG ? names[sig] : NULL;
}

int box_signal_number(const char *s)
{
    if (*s >= '0' && *s <= '9') {
        char *end;
        long n = strtol(s, &end, 10);
        return *end || n < 0 || n >= BOX_NSIG ? -1 : (int)n;
    }
    if (!strncasecmp(s, "SIG", 3)) s += 3;
    for (int n = 1; n < BOX_NSIG; n++)
        if (!strcasecmp(s, names[n])) return n;
    if (!strcasecmp(s, "EXIT")) return 0;
    return -1;
}

int box_is_init(void)
{
    static int known = -1;
    if (known < 0) known = dockyard_signal(SIG_OP_IS_INIT) == 1;
    return known;
}

/* Signals that stop, continue or mean nothing to a process: never an end by default. */
static int harmless(int sig)
{
    return sig == 17 || (sig >= 18 && sig <= 23) || sig == 28;
}

long long box_deadline_ms;

long long box_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int box_wait_ms(int ms)
{
    if (!box_deadline_ms) return ms;
    long long left = box_deadline_ms - box_now_ms();
    if (left < 0) left = 0;
    return ms < 0 || left < ms ? (int)left : ms;
}

int box_signals(void)
{
    if (box_deadline_ms && box_now_ms() >= box_deadline_ms) {
        fflush(box_out);
        fflush(box_err);
        fflush(NULL);
        _Exit(BOX_TIMED_OUT);
    }
    for (;;) {
        int sig = dockyard_signal(SIG_OP_TAKE);
        if (sig <= 0) break;
        box_signals_taken++;
        if (sig >= BOX_NSIG) continue;
        if (box_sigdisp[sig] == BOX_SIG_TRAP) {
            box_traps_pending |= 1u << sig;
            box_interrupted = sig;
            continue;
        }
        if (box_sigdisp[sig] == BOX_SIG_IGNORE || harmless(sig)) continue;
        if (box_interactive && sig == 2) { box_interrupted = sig; continue; }
        if (box_interactive && sig == 15) continue;
        if (box_is_init()) continue;
        fflush(box_out);
        fflush(box_err);
        fflush(NULL);
        _Exit(128 + sig);
    }
    return box_interrupted;
}
