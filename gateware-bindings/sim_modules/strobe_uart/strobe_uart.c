/* Strobe's UART bridge for the LiteX Verilator simulation: the SoC's `serial` stream <-> one TCP client.
 *
 * Unlike LiteX's serial2tcp it survives hosts that go away (closing cleanly or resetting): a new client
 * replaces the old one and starts with an empty receive buffer, output is dropped while nobody is
 * connected, and received bytes wait in a 64 KiB buffer (back-pressure beyond that) instead of
 * overwriting each other.
 *
 * It also drives the `wall_clock` pad: the host's clock in coarse cycles since the simulation
 * started, which the RTIO counter catches up with while the device waits for its host (a real
 * device's counter keeps running while its host works between kernels). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/util.h>
#include <json-c/json.h>
#include "error.h"
#include "modules.h"

#define RX_CAPACITY 65536
/* The wall_clock pad is brought up to date every this many cycles. */
#define WALL_CLOCK_EVERY 1024
/* Nanoseconds per coarse cycle of the RTIO clock (125 MHz). */
#define NS_PER_CYCLE 8

/* Sent bytes are gathered and written when the device pauses (or this many have gathered): one
   system call per burst rather than per byte. */
#define TX_CAPACITY 4096

struct uart_bridge {
  char *tx, *tx_valid, *tx_ready;
  char *rx, *rx_valid, *rx_ready;
  char *sys_clk;
  uint64_t *wall_cycles;
  struct event *ev;
  int fd;
  unsigned char buf[RX_CAPACITY];
  size_t head, len;
  unsigned char out[TX_CAPACITY];
  size_t out_len;
};

static struct event_base *base;
/* The process that started the simulator: when it is gone, so is the simulator (nobody can reach
   it any more, and an idle simulation would otherwise spin for ever). */
static pid_t parent;
/* When the simulation started, on the host's monotonic clock. */
static struct timespec started;

static uint64_t wall_clock_cycles(void)
{
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  int64_t ns = (int64_t)(now.tv_sec - started.tv_sec) * 1000000000 + (now.tv_nsec - started.tv_nsec);
  return ns > 0 ? (uint64_t)ns / NS_PER_CYCLE : 0;
}

static void drop_client(struct uart_bridge *s)
{
  if (s->ev) {
    event_del(s->ev);
    event_free(s->ev);
    s->ev = NULL;
  }
  if (s->fd >= 0) {
    close(s->fd);
    s->fd = -1;
  }
}

static void flush_output(struct uart_bridge *s)
{
  size_t done = 0;
  while (done < s->out_len && s->fd >= 0) {
    ssize_t n = send(s->fd, s->out + done, s->out_len - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && errno == EAGAIN) {
      /* The host reads slower than the device sends: the simulation waits for it (as long as the
         process that started it lives). */
      fd_set writable;
      struct timeval second = {1, 0};
      FD_ZERO(&writable);
      FD_SET(s->fd, &writable);
      if (select(s->fd + 1, NULL, &writable, NULL, &second) == 0 && getppid() != parent)
        exit(0);
      continue;
    }
    if (n <= 0) {
      drop_client(s);
      break;
    }
    done += n;
  }
  s->out_len = 0;
}

static void on_readable(evutil_socket_t fd, short what, void *arg)
{
  struct uart_bridge *s = arg;
  unsigned char tmp[1024];
  size_t room = RX_CAPACITY - s->len;
  ssize_t n, i;
  (void)what;
  if (room == 0)
    return; /* leave the rest in the socket until the SoC catches up */
  n = read(fd, tmp, room < sizeof tmp ? room : sizeof tmp);
  if (n < 0 && (errno == EAGAIN || errno == EINTR))
    return;
  if (n <= 0) {
    drop_client(s);
    return;
  }
  for (i = 0; i < n; i++)
    s->buf[(s->head + s->len + i) % RX_CAPACITY] = tmp[i];
  s->len += n;
}

static void on_accept(struct evconnlistener *listener, evutil_socket_t fd, struct sockaddr *addr, int len, void *arg)
{
  struct uart_bridge *s = arg;
  (void)listener; (void)addr; (void)len;
  drop_client(s);
  s->head = s->len = s->out_len = 0;
  s->fd = fd;
  evutil_make_socket_nonblocking(fd);
  /* The device writes a byte per cycle: without this, Nagle's algorithm holds each reply back until
     the host acknowledges the first byte (tens of milliseconds with delayed ACKs). */
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &(int){1}, sizeof(int));
  s->ev = event_new(base, fd, EV_READ | EV_PERSIST, on_readable, s);
  event_add(s->ev, NULL);
}

static int strobe_uart_start(void *b)
{
  base = (struct event_base *)b;
  parent = getppid();
  clock_gettime(CLOCK_MONOTONIC, &started);
  printf("[strobe_uart] loaded\n");
  return RC_OK;
}

static int port_from_args(char *args)
{
  int port = 0;
  json_object *root = json_tokener_parse(args), *value = NULL;
  if (root && json_object_object_get_ex(root, "port", &value))
    port = json_object_get_int(value);
  if (root)
    json_object_put(root);
  return port;
}

static int strobe_uart_new(void **sess, char *args)
{
  struct uart_bridge *s;
  struct sockaddr_in sin;
  struct evconnlistener *listener;
  int port = port_from_args(args);
  socklen_t sin_len = sizeof(sin);
  if (!sess || port < 0 || port > 65535) {
    fprintf(stderr, "[strobe_uart] needs a \"port\" argument (0: any free port)\n");
    return RC_INVARG;
  }
  s = calloc(1, sizeof(*s));
  if (!s)
    return RC_NOENMEM;
  s->fd = -1;
  memset(&sin, 0, sizeof(sin));
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(0x7f000001); /* loopback only */
  sin.sin_port = htons(port);
  listener = evconnlistener_new_bind(base, on_accept, s, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, -1,
                                     (struct sockaddr *)&sin, sizeof(sin));
  if (!listener) {
    fprintf(stderr, "[strobe_uart] cannot listen on port %d\n", port);
    free(s);
    return RC_ERROR;
  }
  /* With port 0 the system picks a free port: report it so the host can connect. */
  if (getsockname(evconnlistener_get_fd(listener), (struct sockaddr *)&sin, &sin_len) == 0)
    port = ntohs(sin.sin_port);
  printf("[strobe_uart] listening on port %d\n", port);
  fflush(stdout);
  *sess = s;
  return RC_OK;
}

/* The signal of pad `name` (NULL when absent). */
static void pad(struct pad_s *pads, const char *name, void **signal)
{
  int i;
  *signal = NULL;
  for (i = 0; pads[i].name; i++) {
    if (!strcmp(pads[i].name, name)) {
      *signal = pads[i].signal;
      return;
    }
  }
}

static int strobe_uart_add_pads(void *sess, struct pad_list_s *plist)
{
  struct uart_bridge *s = sess;
  struct pad_s *pads;
  if (!sess || !plist)
    return RC_INVARG;
  pads = plist->pads;
  if (!strcmp(plist->name, "serial")) {
    pad(pads, "sink_data", (void **)&s->rx);
    pad(pads, "sink_valid", (void **)&s->rx_valid);
    pad(pads, "sink_ready", (void **)&s->rx_ready);
    pad(pads, "source_data", (void **)&s->tx);
    pad(pads, "source_valid", (void **)&s->tx_valid);
    pad(pads, "source_ready", (void **)&s->tx_ready);
  }
  if (!strcmp(plist->name, "sys_clk"))
    pad(pads, "sys_clk", (void **)&s->sys_clk);
  if (!strcmp(plist->name, "wall_clock"))
    pad(pads, "cycles", (void **)&s->wall_cycles);
  return RC_OK;
}

static int strobe_uart_tick(void *sess, uint64_t time_ps)
{
  static clk_edge_state_t edge;
  static uint32_t cycles;
  struct uart_bridge *s = sess;
  (void)time_ps;
  if (!clk_pos_edge(&edge, *s->sys_clk))
    return RC_OK;
  if ((++cycles & 0xfffff) == 0 && getppid() != parent)
    exit(0);
  if ((cycles & (WALL_CLOCK_EVERY - 1)) == 0 && s->wall_cycles)
    *s->wall_cycles = wall_clock_cycles();
  *s->tx_ready = 1;
  if (*s->tx_valid) {
    if (s->fd >= 0)
      s->out[s->out_len++] = *(unsigned char *)s->tx;
    if (s->out_len == TX_CAPACITY)
      flush_output(s);
  } else if (s->out_len) {
    flush_output(s);
  }
  *s->rx_valid = 0;
  if (s->len) {
    *s->rx = s->buf[s->head];
    *s->rx_valid = 1;
    if (*s->rx_ready) {
      s->head = (s->head + 1) % RX_CAPACITY;
      s->len--;
    }
  }
  return RC_OK;
}

static struct ext_module_s ext_mod = {
  "strobe_uart",
  strobe_uart_start,
  strobe_uart_new,
  strobe_uart_add_pads,
  NULL,
  strobe_uart_tick
};

int litex_sim_ext_module_init(int (*register_module)(struct ext_module_s *))
{
  return register_module(&ext_mod);
}
