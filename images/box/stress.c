/* stress: the limits lesson. --vm-bytes allocates and touches memory step by step, printing
 * progress, then holds it (for --timeout seconds, or until stopped). Under `docker run --memory`
 * both hosts kill the process at the refused memory.grow (137, OOMKilled), before stress learns of
 * it. Only where a runtime merely caps the memory and lets the allocation fail (the image tests run
 * it so) does stress see the failure: it says so on stderr and exits with 137, the status a Linux
 * container gets from the OOM killer. --cpu spins until stopped (or for --timeout seconds). */
#include "box.h"
#include <time.h>
#include <stdint.h>

/* Allocations are chained from a volatile global and touched through a volatile pointer, so the
 * compiler cannot prove them unused and drop them (it may remove a malloc nobody reads). */
static void *volatile chain;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void hold(double timeout)
{
    if (timeout < 0) {
        for (;;) sleep(3600);
    }
    struct timespec ts = { (time_t)timeout, (long)((timeout - (double)(time_t)timeout) * 1e9) };
    nanosleep(&ts, NULL);
}

APPLET(stress)
{
    long long vm = -1, step = 4 << 20;
    int cpu = 0;
    double timeout = -1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--vm-bytes") && v) { vm = box_parse_size(v); i++; if (vm < 0) { box_warn("bad size '%s'", v); return 1; } }
        else if (!strcmp(a, "--vm-step") && v) { step = box_parse_size(v); i++; if (step <= 0) { box_warn("bad size '%s'", v); return 1; } }
        else if ((!strcmp(a, "--timeout") || !strcmp(a, "-t")) && v) {
            char *end;
            timeout = strtod(v, &end);
            if (*end == 's') end++;
            if (end == v || *end || timeout < 0) { box_warn("bad timeout '%s'", v); return 1; }
            i++;
        }
        else if (!strcmp(a, "--cpu") || !strcmp(a, "-c")) { cpu = 1; if (v && v[0] != '-') i++; }
        else if (!strcmp(a, "--vm") || !strcmp(a, "-m")) { if (vm < 0) vm = 256 << 20; if (v && v[0] != '-') i++; }
        else { box_warn("unknown option '%s'", a); return box_usage_error("stress"); }
    }
    if (vm < 0 && !cpu) return box_usage_error("stress");
    if (vm >= 0) {
        printf("stress: allocating %lld MiB in steps of %lld MiB\n", vm >> 20, step >> 20);
        fflush(stdout);
        long long done = 0;
        while (done < vm) {
            long long n = vm - done < step ? vm - done : step;
            char *p = (unsigned long long)n > (unsigned long long)SIZE_MAX ? NULL : malloc((size_t)n);
            if (!p) {
                fprintf(stderr, "stress: out of memory after %lld MiB: the container's memory limit was reached\n", done >> 20);
                fflush(stdout);
                fflush(stderr);
                return 137;
            }
            volatile char *v = p;
            for (long long k = 0; k < n; k += 4096) v[k] = (char)k; /* touch every page */
            *(void **)p = chain;
            chain = p;
            done += n;
            printf("stress: %lld MiB allocated\n", done >> 20);
            fflush(stdout);
        }
        if (!cpu) {
            printf("stress: holding %lld MiB%s\n", done >> 20, timeout < 0 ? " (stop the container to end)" : "");
            fflush(stdout);
            hold(timeout);
            return 0;
        }
    }
    printf("stress: burning one CPU%s\n", timeout < 0 ? " (stop the container to end)" : "");
    fflush(stdout);
    double end = timeout < 0 ? 0 : now() + timeout;
    static volatile unsigned long x;
    for (;;) {
        for (int k = 0; k < 1000000; k++) x += (unsigned long)k;
        if (timeout >= 0 && now() >= end) break;
    }
    return (int)(x & 0);
}
