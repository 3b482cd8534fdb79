// LD_PRELOAD for perfdhcp alone. perfdhcp never sets SO_RCVBUF, so its socket gets net.core.rmem_default (208 KB)
// and overflowed at 10,000-12,000 exchanges/s here while the server had answered every request (UdpRcvbufErrors
// in the client namespace, none in the server's). rmem_default is not per-namespace on this kernel, and raising it
// for the machine would also change Kea's buffer; this gives the client alone a bigger one.

#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <sys/socket.h>

int socket(int domain, int type, int protocol) {
  static int (*real_socket)(int, int, int);
  if (real_socket == NULL) real_socket = (int (*)(int, int, int))dlsym(RTLD_NEXT, "socket");
  int fd = real_socket(domain, type, protocol);
  if (fd >= 0 && (type & 0xf) == SOCK_DGRAM) {
    const char *wanted = getenv("BENCH_CLIENT_RCVBUF");
    int bytes = wanted != NULL ? atoi(wanted) : 4 << 20;
    // FORCE: past net.core.rmem_max too; the bench runs as root.
    if (bytes > 0) setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof bytes);
  }
  return fd;
}
