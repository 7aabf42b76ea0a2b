#include <libsocketcan.h>
#include <linux/can.h>
#include <linux/can/raw.h>
#include <linux/can/error.h>
#include <linux/can/netlink.h>

// ---------------------------------------------------------------------------------------
// Small helpers for FlightHAL's SocketCAN backend: the parts of the socket API that Swift's
// Glibc module cannot express (struct sockaddr_can, struct ifreq ioctls, recvmsg control
// messages, rtnetlink). Each returns -1 with errno set on failure, like the calls they wrap;
// FlightHAL calls them only through Sources/FlightHAL/SocketCAN/SocketCANSocket+Syscalls.swift,
// which retries EINTR.
// ---------------------------------------------------------------------------------------
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/if_link.h>

/// The interface's hardware type (ARPHRD_CAN = 280 for CAN), from SIOCGIFHWADDR.
static inline int regolith_if_hwtype(int fd, const char *name) {
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    if (strlen(name) >= IFNAMSIZ) { errno = ENAMETOOLONG; return -1; }
    strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
    if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) return -1;
    return ifr.ifr_hwaddr.sa_family;
}

/// The interface's MTU (CAN_MTU 16 classic, CANFD_MTU 72 FD), from SIOCGIFMTU.
static inline int regolith_if_mtu(int fd, const char *name) {
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    if (strlen(name) >= IFNAMSIZ) { errno = ENAMETOOLONG; return -1; }
    strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
    if (ioctl(fd, SIOCGIFMTU, &ifr) < 0) return -1;
    return ifr.ifr_mtu;
}

/// The interface's flags (IFF_UP, IFF_RUNNING...), from SIOCGIFFLAGS.
static inline int regolith_if_flags(int fd, const char *name) {
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    if (strlen(name) >= IFNAMSIZ) { errno = ENAMETOOLONG; return -1; }
    strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
    if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) return -1;
    return ifr.ifr_flags & 0xffff;
}

/// Binds a CAN_RAW socket to an interface index (0: every CAN interface).
static inline int regolith_can_bind(int fd, int ifindex) {
    struct sockaddr_can addr;
    memset(&addr, 0, sizeof addr);
    addr.can_family = AF_CAN;
    addr.can_ifindex = ifindex;
    return bind(fd, (struct sockaddr *)&addr, sizeof addr);
}

/// Receives one frame (16 or 72 bytes) with its SO_TIMESTAMPNS kernel timestamp in
/// nanoseconds (0 when the kernel attached none). Returns the byte count or -1.
static inline ssize_t regolith_can_recv(int fd, void *buf, size_t len, uint64_t *timestamp_ns) {
    struct iovec iov = { .iov_base = buf, .iov_len = len };
    union { char buf[CMSG_SPACE(sizeof(struct timespec)) * 2]; struct cmsghdr align; } control;
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.buf;
    msg.msg_controllen = sizeof control.buf;
    ssize_t n = recvmsg(fd, &msg, MSG_DONTWAIT);
    if (n < 0) return n;
    *timestamp_ns = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
            struct timespec ts;
            memcpy(&ts, CMSG_DATA(c), sizeof ts);
            *timestamp_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
        }
    }
    return n;
}

/// Sends one frame without blocking. Returns the byte count or -1 (EAGAIN/ENOBUFS when the
/// interface's queue is full).
static inline ssize_t regolith_can_send(int fd, const void *buf, size_t len) {
    return send(fd, buf, len, MSG_DONTWAIT);
}

/// The rtnetlink link kind of an interface (IFLA_INFO_KIND: "can" for a CAN controller
/// driven by the kernel's CAN device layer, "vcan", "vxcan", ...) copied into `kind`.
/// Returns 0, or -1 with errno (ENODEV: no such interface; ENOENT: no kind reported).
static inline int regolith_if_link_kind(int ifindex, char *kind, size_t kind_len) {
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0) return -1;
    struct { struct nlmsghdr n; struct ifinfomsg i; } req;
    memset(&req, 0, sizeof req);
    req.n.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
    req.n.nlmsg_type = RTM_GETLINK;
    req.n.nlmsg_flags = NLM_F_REQUEST;
    req.n.nlmsg_seq = 1;
    req.i.ifi_family = AF_UNSPEC;
    req.i.ifi_index = ifindex;
    if (send(fd, &req, req.n.nlmsg_len, 0) < 0) { int e = errno; close(fd); errno = e; return -1; }
    char buf[16384];
    ssize_t n;
    do { n = recv(fd, buf, sizeof buf, 0); } while (n < 0 && errno == EINTR);
    int e = errno;
    close(fd);
    if (n < 0) { errno = e; return -1; }
    for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (unsigned)n); h = NLMSG_NEXT(h, n)) {
        if (h->nlmsg_type == NLMSG_ERROR) {
            struct nlmsgerr *err = (struct nlmsgerr *)NLMSG_DATA(h);
            errno = err->error ? -err->error : ENOENT;
            return -1;
        }
        if (h->nlmsg_type != RTM_NEWLINK) continue;
        struct ifinfomsg *ifi = (struct ifinfomsg *)NLMSG_DATA(h);
        int len = h->nlmsg_len - NLMSG_LENGTH(sizeof *ifi);
        for (struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
            if (a->rta_type != IFLA_LINKINFO) continue;
            int ilen = RTA_PAYLOAD(a);
            for (struct rtattr *b = (struct rtattr *)RTA_DATA(a); RTA_OK(b, ilen); b = RTA_NEXT(b, ilen)) {
                if (b->rta_type != IFLA_INFO_KIND) continue;
                size_t kl = RTA_PAYLOAD(b);
                if (kl >= kind_len) kl = kind_len - 1;
                memcpy(kind, RTA_DATA(b), kl);
                kind[kl] = 0;
                return 0;
            }
        }
        errno = ENOENT;
        return -1;
    }
    errno = ENOENT;
    return -1;
}
