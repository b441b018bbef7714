/* ip: a read-only `ip addr` - the container's interfaces as busybox's ip shows them: lo, then an
 * eth per network (in the order of the container's networks), with the address and prefix the
 * engine gave it (port_addr_list, engine/wasi/socket-abi.ts) and Docker's MAC for that address
 * (02:42 and the four address bytes). The network is the engine's to change, not the container's. */
#include "box.h"
#include "dy_socket.h"

#define MAX_IFS 16

static int is_show(const char *s)
{
    return !strcmp(s, "show") || !strcmp(s, "list") || !strcmp(s, "ls");
}

APPLET(ip)
{
    int i = 1;
    while (i < argc && !strcmp(argv[i], "-4")) i++; /* IPv4 is all there is */
    const char *object = i < argc ? argv[i++] : "";
    if (strcmp(object, "a") && strcmp(object, "addr") && strcmp(object, "address")) {
        if (!*object) return box_usage_error("ip");
        box_warn("only 'ip addr' is here: the container's network is the engine's");
        return 1;
    }
    if (i < argc && !is_show(argv[i])) {
        box_warn("RTNETLINK answers: Operation not permitted");
        return 2;
    }
    dy_addr_cidr addrs[MAX_IFS];
    uint32_t n = MAX_IFS;
    int r = dy_port_addr_list(addrs, &n);
    if (r && r != EOVERFLOW) {
        box_warn("can't list the interfaces: %s", r == ENOTSUP ? "this runtime does not tell them" : strerror(r));
        return 1;
    }
    if (n > MAX_IFS) n = MAX_IFS;
    for (uint32_t k = 0; k < n; k++) {
        const uint8_t *a = addrs[k].addr;
        unsigned prefix = addrs[k].prefix > 32 ? 32 : addrs[k].prefix;
        if (a[0] == 127) {
            printf("%u: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN qlen 1000\n"
                   "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n"
                   "    inet %u.%u.%u.%u/%u scope host lo\n"
                   "       valid_lft forever preferred_lft forever\n", k + 1, a[0], a[1], a[2], a[3], prefix);
            continue;
        }
        uint32_t host = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];
        uint32_t brd = host | (prefix ? (uint32_t)(((uint64_t)1 << (32 - prefix)) - 1) : 0xffffffffu);
        char name[8];
        snprintf(name, sizeof name, "eth%u", k - 1);
        printf("%u: %s: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP\n"
               "    link/ether 02:42:%02x:%02x:%02x:%02x brd ff:ff:ff:ff:ff:ff\n"
               "    inet %u.%u.%u.%u/%u brd %u.%u.%u.%u scope global %s\n"
               "       valid_lft forever preferred_lft forever\n",
               k + 1, name, a[0], a[1], a[2], a[3], a[0], a[1], a[2], a[3], prefix,
               brd >> 24, brd >> 16 & 255, brd >> 8 & 255, brd & 255, name);
    }
    return 0;
}
