/* Names to addresses: /etc/hosts first (the engine writes the container's own names there, as
 * Docker does), then the engine's resolver through the socket ABI (resolve in
 * engine/wasi/socket-abi.ts: container names and aliases on the container's networks, Docker's
 * embedded DNS server). Applets: nslookup and getent hosts; hostname -i, nc and wget use it too. */
#include "box.h"
#include "dy_socket.h"
#include <arpa/inet.h>
#include <ctype.h>

static int parse_ipv4(const char *s, struct in_addr *out)
{
    unsigned b[4];
    char end;
    if (sscanf(s, "%3u.%3u.%3u.%3u%c", &b[0], &b[1], &b[2], &b[3], &end) != 4) return -1;
    for (int i = 0; i < 4; i++)
        if (b[i] > 255) return -1;
    unsigned char *p = (unsigned char *)out;
    for (int i = 0; i < 4; i++) p[i] = (unsigned char)b[i];
    return 0;
}

int box_hosts_lookup(const char *name, struct in_addr *out, int max)
{
    FILE *f = fopen("/etc/hosts", "r");
    if (!f) return 0;
    int n = 0;
    char *line = NULL;
    size_t cap = 0;
    while (n < max && box_getline(&line, &cap, f) >= 0) {
        line[strcspn(line, "#")] = 0;
        char *save = NULL, *addr = strtok_r(line, " \t", &save);
        struct in_addr a;
        if (!addr || parse_ipv4(addr, &a)) continue; /* IPv6 lines: this network is IPv4 only */
        for (char *w; (w = strtok_r(NULL, " \t", &save)); )
            if (!strcasecmp(w, name)) { out[n++] = a; break; }
    }
    free(line);
    fclose(f);
    return n;
}

int box_lookup(const char *name, struct in_addr *out, int max)
{
    if (max < 1 || !*name) return 0;
    if (!parse_ipv4(name, out)) return 1;
    int n = box_hosts_lookup(name, out, max);
    if (n) return n;
    dy_addr_ip addrs[8];
    uint32_t got = 0;
    if (dy_resolve_raw(name, strlen(name), 0, addrs, 8, &got)) return 0;
    for (uint32_t i = 0; i < got && n < max; i++) memcpy(&out[n++], addrs[i].addr, 4);
    return n;
}

/* nslookup NAME: answered as busybox's is when the server is Docker's embedded DNS (127.0.0.11,
 * on user-defined networks); here the engine answers for it, through the socket ABI. */
APPLET(nslookup)
{
    if (argc != 2 || argv[1][0] == '-') return box_usage_error("nslookup");
    struct in_addr a[8];
    char ip[16];
    printf("Server:\t\t127.0.0.11\nAddress:\t127.0.0.11:53\n\n");
    int n = box_lookup(argv[1], a, 8);
    if (!n) {
        printf("** server can't find %s: NXDOMAIN\n\n", argv[1]);
        return 1;
    }
    printf("Non-authoritative answer:\n");
    for (int i = 0; i < n; i++) printf("Name:\t%s\nAddress: %s\n", argv[1], dy_ntoa(a[i], ip));
    printf("\n");
    return 0;
}

/* getent hosts NAME...: one line per name found (its first address), status 2 when one is not,
 * as glibc's getent. */
APPLET(getent)
{
    if (argc < 2) return box_usage_error("getent");
    if (strcmp(argv[1], "hosts")) { box_warn("Unknown database: %s", argv[1]); return 1; }
    if (argc == 2) {
        FILE *f = fopen("/etc/hosts", "r");
        if (!f) return 0;
        box_copy(f, box_out);
        fclose(f);
        return 0;
    }
    int st = 0;
    for (int i = 2; i < argc; i++) {
        struct in_addr a;
        char ip[16];
        if (box_lookup(argv[i], &a, 1)) printf("%-15s %s\n", dy_ntoa(a, ip), argv[i]);
        else st = 2;
    }
    return st;
}
