// A UDP socket for Node that moves datagrams in batches: recvmmsg(2) fills up to BATCH slots, JS handles them all
// in one call, and the replies JS wrote go out in one sendmmsg(2). Node's dgram costs a JS callback, a nextTick and
// a syscall per datagram each way; at tens of thousands of DHCP requests a second that overhead was the limit.

#define NAPI_VERSION 8
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <node_api.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#define BATCH 64
#define SLOT 2048
#define META 4 /* per slot: length, IPv4 address (host order), port, flags */
#define FLAG_TRUNCATED 1
#define MAX_ROUNDS 8 /* batches per wake-up, so timers and other sockets still get their turn under a flood */

typedef struct {
  napi_env env;
  napi_ref self;
  napi_ref callback;
  napi_ref buffers[4];
  napi_async_context async;
  uv_poll_t poll;
  int fd;
  int closed;
  uint8_t *rx, *tx;
  uint32_t *rx_meta, *tx_meta;
  double received, sent, send_errors, truncated;
} Sock;

#define CHECK(call)                                                    \
  do {                                                                 \
    if ((call) != napi_ok) {                                           \
      napi_throw_error(env, NULL, "udp-batch: N-API call failed: " #call); \
      return NULL;                                                     \
    }                                                                  \
  } while (0)

static void send_slots(Sock *s, uint32_t count) {
  struct mmsghdr msgs[BATCH];
  struct iovec iov[BATCH];
  struct sockaddr_in to[BATCH];
  if (count > BATCH) count = BATCH;
  memset(msgs, 0, sizeof(struct mmsghdr) * count);
  for (uint32_t i = 0; i < count; i++) {
    uint32_t *m = s->tx_meta + i * META;
    iov[i].iov_base = s->tx + (size_t)i * SLOT;
    iov[i].iov_len = m[0] > SLOT ? SLOT : m[0];
    memset(&to[i], 0, sizeof to[i]);
    to[i].sin_family = AF_INET;
    to[i].sin_addr.s_addr = htonl(m[1]);
    to[i].sin_port = htons((uint16_t)m[2]);
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
    msgs[i].msg_hdr.msg_name = &to[i];
    msgs[i].msg_hdr.msg_namelen = sizeof to[i];
  }
  uint32_t done = 0;
  while (done < count) {
    int n = sendmmsg(s->fd, msgs + done, count - done, MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR) continue;
      // A full send buffer or an unreachable peer: this datagram is lost (the client retries); go on with the rest.
      s->send_errors++;
      done++;
      continue;
    }
    s->sent += n;
    done += (uint32_t)n;
  }
}

static uint32_t call_js(Sock *s, int count) {
  napi_env env = s->env;
  napi_handle_scope scope;
  uint32_t replies = 0;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return 0;
  napi_value cb, recv, arg, result;
  if (napi_get_reference_value(env, s->callback, &cb) == napi_ok && napi_get_reference_value(env, s->self, &recv) == napi_ok &&
      napi_create_uint32(env, (uint32_t)count, &arg) == napi_ok) {
    // make_callback, not call_function: it runs the nextTick queue and microtasks afterwards, as Node's own I/O does.
    napi_status status = napi_make_callback(env, s->async, recv, cb, 1, &arg, &result);
    if (status == napi_ok) {
      napi_get_value_uint32(env, result, &replies);
    } else if (status == napi_pending_exception) {
      napi_value error;
      napi_get_and_clear_last_exception(env, &error);
      napi_fatal_exception(env, error);
    }
  }
  napi_close_handle_scope(env, scope);
  return replies;
}

static void on_readable(uv_poll_t *handle, int status, int events) {
  (void)events;
  Sock *s = handle->data;
  if (status < 0 || s->closed) return;
  for (int round = 0; round < MAX_ROUNDS && !s->closed; round++) {
    struct mmsghdr msgs[BATCH];
    struct iovec iov[BATCH];
    struct sockaddr_in from[BATCH];
    memset(msgs, 0, sizeof msgs);
    for (int i = 0; i < BATCH; i++) {
      iov[i].iov_base = s->rx + (size_t)i * SLOT;
      iov[i].iov_len = SLOT;
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
      msgs[i].msg_hdr.msg_name = &from[i];
      msgs[i].msg_hdr.msg_namelen = sizeof from[i];
    }
    int n = recvmmsg(s->fd, msgs, BATCH, MSG_DONTWAIT, NULL);
    if (n <= 0) return;
    for (int i = 0; i < n; i++) {
      uint32_t *m = s->rx_meta + i * META;
      int truncated = (msgs[i].msg_hdr.msg_flags & MSG_TRUNC) != 0;
      m[0] = msgs[i].msg_len > SLOT ? SLOT : msgs[i].msg_len;
      m[1] = ntohl(from[i].sin_addr.s_addr);
      m[2] = ntohs(from[i].sin_port);
      m[3] = truncated ? FLAG_TRUNCATED : 0;
      if (truncated) s->truncated++;
    }
    s->received += n;
    uint32_t replies = call_js(s, n);
    if (replies > 0 && !s->closed) send_slots(s, replies);
    if (n < BATCH) return;
  }
}

static void on_closed(uv_handle_t *handle) {
  Sock *s = handle->data;
  napi_env env = s->env;
  close(s->fd);
  napi_delete_reference(env, s->callback);
  for (int i = 0; i < 4; i++) napi_delete_reference(env, s->buffers[i]);
  napi_async_destroy(env, s->async);
  napi_delete_reference(env, s->self);
}

static void finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  free(data);
}

/** The Sock wrapped in the call's first argument (NULL when it is not one); `second` gets the next argument. */
static Sock *self_arg(napi_env env, napi_callback_info info, napi_value *second) {
  size_t argc = 2;
  napi_value argv[2] = {NULL, NULL};
  Sock *s = NULL;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1) return NULL;
  if (second != NULL) *second = argv[1];
  if (napi_unwrap(env, argv[0], (void **)&s) != napi_ok) return NULL;
  return s;
}

static napi_value buffer(napi_env env, Sock *s, int index, size_t bytes, void **data) {
  napi_value ab;
  if (napi_create_arraybuffer(env, bytes, data, &ab) != napi_ok) return NULL;
  if (napi_create_reference(env, ab, 1, &s->buffers[index]) != napi_ok) return NULL;
  return ab;
}

static napi_value throw_errno(napi_env env, const char *what, int code) {
  char message[160];
  snprintf(message, sizeof message, "%s: %s", what, strerror(code));
  const char *name = code == EADDRINUSE ? "EADDRINUSE" : code == EADDRNOTAVAIL ? "EADDRNOTAVAIL" : code == EACCES ? "EACCES" : "EUDPBATCH";
  napi_throw_error(env, name, message);
  return NULL;
}

static int bind_socket(const char *address, uint32_t port, int32_t rcvbuf, int *error) {
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_port = htons((uint16_t)port);
  if (inet_pton(AF_INET, address, &addr.sin_addr) != 1) {
    *error = EINVAL;
    return -1;
  }
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    *error = errno;
    return -1;
  }
  if (rcvbuf > 0) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf); /* capped by rmem_max: fine */
  if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
    *error = errno;
    close(fd);
    return -1;
  }
  return fd;
}

/** open(self, address, port, receiveBufferBytes, onBatch): binds, sets self.rx/rxMeta/tx/txMeta, starts polling. */
static napi_value open_socket(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 5) {
    napi_throw_type_error(env, NULL, "open(self, address, port, receiveBufferBytes, onBatch)");
    return NULL;
  }
  char address[64];
  size_t length;
  uint32_t port;
  int32_t rcvbuf;
  CHECK(napi_get_value_string_utf8(env, argv[1], address, sizeof address, &length));
  CHECK(napi_get_value_uint32(env, argv[2], &port));
  CHECK(napi_get_value_int32(env, argv[3], &rcvbuf));
  int error = 0;
  int fd = bind_socket(address, port, rcvbuf, &error);
  if (fd < 0) return throw_errno(env, "bind", error);

  Sock *s = calloc(1, sizeof(Sock));
  s->env = env;
  s->fd = fd;
  void *data;
  napi_value rx = buffer(env, s, 0, (size_t)BATCH * SLOT, &data);
  s->rx = data;
  napi_value rx_meta = buffer(env, s, 1, sizeof(uint32_t) * BATCH * META, &data);
  s->rx_meta = data;
  napi_value tx = buffer(env, s, 2, (size_t)BATCH * SLOT, &data);
  s->tx = data;
  napi_value tx_meta = buffer(env, s, 3, sizeof(uint32_t) * BATCH * META, &data);
  s->tx_meta = data;
  napi_value name;
  CHECK(napi_create_string_utf8(env, "rackd:udp-batch", NAPI_AUTO_LENGTH, &name));
  CHECK(napi_async_init(env, argv[0], name, &s->async));
  CHECK(napi_set_named_property(env, argv[0], "rx", rx));
  CHECK(napi_set_named_property(env, argv[0], "rxMeta", rx_meta));
  CHECK(napi_set_named_property(env, argv[0], "tx", tx));
  CHECK(napi_set_named_property(env, argv[0], "txMeta", tx_meta));
  CHECK(napi_create_reference(env, argv[4], 1, &s->callback));
  CHECK(napi_wrap(env, argv[0], s, finalize, NULL, NULL));
  // Strong until close(): a socket being polled must not be collected with its callback.
  CHECK(napi_create_reference(env, argv[0], 1, &s->self));

  uv_loop_t *loop;
  CHECK(napi_get_uv_event_loop(env, &loop));
  uv_poll_init(loop, &s->poll, fd);
  s->poll.data = s;
  uv_poll_start(&s->poll, UV_READABLE, on_readable);
  return NULL;
}

/** send(self, count): sends tx slots 0..count-1 now (replies written outside a batch callback). */
static napi_value send_now(napi_env env, napi_callback_info info) {
  napi_value count_arg;
  Sock *s = self_arg(env, info, &count_arg);
  uint32_t count;
  CHECK(napi_get_value_uint32(env, count_arg, &count));
  if (s != NULL && !s->closed) send_slots(s, count);
  return NULL;
}

static napi_value close_socket(napi_env env, napi_callback_info info) {
  Sock *s = self_arg(env, info, NULL);
  if (s == NULL || s->closed) return NULL;
  s->closed = 1;
  uv_poll_stop(&s->poll);
  uv_close((uv_handle_t *)&s->poll, on_closed);
  return NULL;
}

static napi_value set_number(napi_env env, napi_value object, const char *name, double value) {
  napi_value v;
  if (napi_create_double(env, value, &v) != napi_ok || napi_set_named_property(env, object, name, v) != napi_ok) return NULL;
  return object;
}

static napi_value stats(napi_env env, napi_callback_info info) {
  napi_value out;
  Sock *s = self_arg(env, info, NULL);
  CHECK(napi_create_object(env, &out));
  if (s == NULL) return out;
  set_number(env, out, "received", s->received);
  set_number(env, out, "sent", s->sent);
  set_number(env, out, "sendErrors", s->send_errors);
  set_number(env, out, "truncated", s->truncated);
  return out;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"open", NULL, open_socket, NULL, NULL, NULL, napi_default, NULL},
      {"send", NULL, send_now, NULL, NULL, NULL, napi_default, NULL},
      {"close", NULL, close_socket, NULL, NULL, NULL, napi_default, NULL},
      {"stats", NULL, stats, NULL, NULL, NULL, napi_default, NULL},
  };
  CHECK(napi_define_properties(env, exports, sizeof props / sizeof props[0], props));
  napi_value batch, slot, meta;
  CHECK(napi_create_uint32(env, BATCH, &batch));
  CHECK(napi_create_uint32(env, SLOT, &slot));
  CHECK(napi_create_uint32(env, META, &meta));
  CHECK(napi_set_named_property(env, exports, "BATCH", batch));
  CHECK(napi_set_named_property(env, exports, "SLOT", slot));
  CHECK(napi_set_named_property(env, exports, "META", meta));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
