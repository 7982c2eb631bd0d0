/*
 * pingpong: the floor under the RPC benchmark. A plain Unix stream socket,
 * no RPC layer: an echo server (a thread per connection) and clients in one
 * process, exchanging fixed-size length-prefixed messages (a 4-byte
 * big-endian payload length, then the payload), as large as one RPC call's
 * request frames.
 *
 *   pingpong seq  [--size BYTES] [--seconds S] [--warmup S] [--connect PATH]
 *       one connection, one message in flight: round-trip mean, p50, p99 (µs)
 *   pingpong tput [--size BYTES] [--connections K] [--window W] [--seconds S] [--warmup S] [--connect PATH]
 *       K connections, each keeping W messages in flight: messages/s
 *
 * --connect PATH: no server thread; the clients talk to an echo server
 * already listening on the Unix socket PATH (bizing-nio-echo, say). It must
 * send back every byte it gets, in order; how it splits them does not matter.
 *
 * The server reads what is there, echoes every complete message in one
 * write, and keeps the partial tail (as an event-loop server does), so
 * pipelined messages batch. Prints one JSON object on stdout.
 *
 * Build: cc -O2 -pthread -o pingpong pingpong.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define BUFFER_SIZE (256 * 1024)

static void die(const char *what) {
    fprintf(stderr, "pingpong: %s: %s\n", what, strerror(errno));
    exit(1);
}

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Writes all of buf, across partial writes. */
static void write_all(int fd, const unsigned char *buf, size_t len) {
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("write");
        }
        buf += n;
        len -= (size_t)n;
    }
}

/* Reads exactly len bytes; returns 0 at end of stream before any byte. */
static int read_exact(int fd, unsigned char *buf, size_t len) {
    size_t got = 0;
    while (got < len) {
        ssize_t n = read(fd, buf + got, len - got);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("read");
        }
        if (n == 0) {
            if (got == 0) return 0;
            fprintf(stderr, "pingpong: connection closed mid-message\n");
            exit(1);
        }
        got += (size_t)n;
    }
    return 1;
}

static uint32_t get_u32(const unsigned char *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* ---- server ---- */

static void *echo_connection(void *arg) {
    int fd = (int)(intptr_t)arg;
    unsigned char *buf = malloc(BUFFER_SIZE);
    if (!buf) die("malloc");
    size_t have = 0;
    for (;;) {
        ssize_t n = read(fd, buf + have, BUFFER_SIZE - have);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == ECONNRESET) break;
            die("server read");
        }
        if (n == 0) break;
        have += (size_t)n;
        /* Echo every complete message at once; keep the partial tail. */
        size_t done = 0;
        while (have - done >= 4) {
            size_t total = 4 + (size_t)get_u32(buf + done);
            if (total > BUFFER_SIZE) {
                fprintf(stderr, "pingpong: message of %zu bytes is larger than the buffer\n", total);
                exit(1);
            }
            if (have - done < total) break;
            done += total;
        }
        if (done > 0) {
            write_all(fd, buf, done);
            memmove(buf, buf + done, have - done);
            have -= done;
        }
    }
    close(fd);
    free(buf);
    return NULL;
}

static void *accept_loop(void *arg) {
    int listener = (int)(intptr_t)arg;
    for (;;) {
        int fd = accept(listener, NULL, NULL);
        if (fd < 0) {
            if (errno == EINTR) continue;
            return NULL; /* the listener was closed */
        }
        pthread_t thread;
        if (pthread_create(&thread, NULL, echo_connection, (void *)(intptr_t)fd) != 0) die("pthread_create");
        pthread_detach(thread);
    }
}

static struct sockaddr_un address;

static int connect_client(void) {
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0) die("socket");
    if (connect(fd, (struct sockaddr *)&address, sizeof address) != 0) die("connect");
    return fd;
}

/* ---- clients ---- */

/* 0 warming up, 1 measuring, 2 stopping: set by the main thread. */
static atomic_int phase;
static size_t message_size = 68;
static int window = 16;

static void fill_message(unsigned char *m) {
    uint32_t payload = (uint32_t)(message_size - 4);
    m[0] = payload >> 24; m[1] = payload >> 16; m[2] = payload >> 8; m[3] = payload;
    for (size_t i = 4; i < message_size; i++) m[i] = 'a' + (unsigned char)(i % 26);
}

struct seq_result {
    uint64_t *samples; /* round trips in ns, measured phase only */
    size_t count, capacity;
};

static void *sequential_client(void *arg) {
    struct seq_result *result = arg;
    int fd = connect_client();
    unsigned char *out = malloc(message_size), *in = malloc(message_size);
    if (!out || !in) die("malloc");
    fill_message(out);
    int current;
    while ((current = atomic_load_explicit(&phase, memory_order_relaxed)) < 2) {
        uint64_t start = now_ns();
        write_all(fd, out, message_size);
        if (!read_exact(fd, in, message_size)) { fprintf(stderr, "pingpong: server closed\n"); exit(1); }
        uint64_t elapsed = now_ns() - start;
        if (memcmp(in, out, message_size) != 0) { fprintf(stderr, "pingpong: echo differs\n"); exit(1); }
        if (current == 1) {
            if (result->count == result->capacity) {
                result->capacity = result->capacity ? result->capacity * 2 : 1 << 16;
                result->samples = realloc(result->samples, result->capacity * sizeof *result->samples);
                if (!result->samples) die("realloc");
            }
            result->samples[result->count++] = elapsed;
        }
    }
    close(fd);
    free(out);
    free(in);
    return NULL;
}

struct tput_result {
    uint64_t measured; /* replies received while measuring */
};

static void *pipelined_client(void *arg) {
    struct tput_result *result = arg;
    int fd = connect_client();
    size_t batch = (size_t)window * message_size;
    unsigned char *out = malloc(batch), *in = malloc(BUFFER_SIZE);
    if (!out || !in) die("malloc");
    for (int i = 0; i < window; i++) fill_message(out + (size_t)i * message_size);
    write_all(fd, out, batch);
    long outstanding = window;
    size_t partial = 0; /* bytes of a reply not yet complete */
    for (;;) {
        ssize_t n = read(fd, in, BUFFER_SIZE);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("client read");
        }
        if (n == 0) { fprintf(stderr, "pingpong: server closed\n"); exit(1); }
        partial += (size_t)n;
        size_t replies = partial / message_size;
        partial %= message_size;
        outstanding -= (long)replies;
        int current = atomic_load_explicit(&phase, memory_order_relaxed);
        if (current == 1) result->measured += replies;
        if (current == 2) {
            if (outstanding == 0) break; /* drained */
            continue;
        }
        /* One new message for each reply, in one write. */
        if (replies > 0) {
            write_all(fd, out, replies * message_size);
            outstanding += (long)replies;
        }
    }
    close(fd);
    free(out);
    free(in);
    return NULL;
}

static int compare_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static void sleep_seconds(double seconds) {
    struct timespec ts = { (time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9) };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}

static void usage(void) {
    fprintf(stderr,
            "usage: pingpong seq  [--size BYTES] [--seconds S] [--warmup S] [--connect PATH]\n"
            "       pingpong tput [--size BYTES] [--connections K] [--window W] [--seconds S] [--warmup S] [--connect PATH]\n");
    exit(2);
}

int main(int argc, char **argv) {
    if (argc < 2) usage();
    int sequential = strcmp(argv[1], "seq") == 0;
    if (!sequential && strcmp(argv[1], "tput") != 0) usage();
    int connections = sequential ? 1 : 4;
    double seconds = 5, warmup = 1;
    const char *connect_path = NULL; /* an external echo server, instead of ours */
    for (int i = 2; i < argc; i++) {
        if (i + 1 >= argc) usage();
        const char *name = argv[i], *value = argv[++i];
        if (strcmp(name, "--size") == 0) message_size = (size_t)atol(value);
        else if (strcmp(name, "--connections") == 0 && !sequential) connections = atoi(value);
        else if (strcmp(name, "--window") == 0 && !sequential) window = atoi(value);
        else if (strcmp(name, "--seconds") == 0) seconds = atof(value);
        else if (strcmp(name, "--warmup") == 0) warmup = atof(value);
        else if (strcmp(name, "--connect") == 0) connect_path = value;
        else usage();
    }
    if (message_size < 4 || message_size > 64 * 1024 || connections < 1 || window < 1 || seconds <= 0 || warmup < 0) usage();

    char folder[] = "/tmp/pingpong-XXXXXX";
    address.sun_family = AF_UNIX;
    if (connect_path) {
        if (strlen(connect_path) >= sizeof address.sun_path) {
            fprintf(stderr, "pingpong: socket path too long: %s\n", connect_path);
            return 2;
        }
        strcpy(address.sun_path, connect_path);
    } else {
        if (!mkdtemp(folder)) die("mkdtemp");
        snprintf(address.sun_path, sizeof address.sun_path, "%s/s.sock", folder);
        int listener = socket(AF_UNIX, SOCK_STREAM, 0);
        if (listener < 0) die("socket");
        if (bind(listener, (struct sockaddr *)&address, sizeof address) != 0) die("bind");
        if (listen(listener, 128) != 0) die("listen");
        pthread_t acceptor;
        if (pthread_create(&acceptor, NULL, accept_loop, (void *)(intptr_t)listener) != 0) die("pthread_create");
    }

    pthread_t *threads = calloc((size_t)connections, sizeof *threads);
    struct seq_result seq = {0};
    struct tput_result *tput = calloc((size_t)connections, sizeof *tput);
    if (!threads || !tput) die("calloc");
    atomic_store(&phase, 0);
    for (int i = 0; i < connections; i++) {
        void *arg = sequential ? (void *)&seq : (void *)&tput[i];
        if (pthread_create(&threads[i], NULL, sequential ? sequential_client : pipelined_client, arg) != 0) die("pthread_create");
    }
    sleep_seconds(warmup);
    uint64_t start = now_ns();
    atomic_store(&phase, 1);
    sleep_seconds(seconds);
    atomic_store(&phase, 2);
    double measured = (double)(now_ns() - start) / 1e9;
    for (int i = 0; i < connections; i++) pthread_join(threads[i], NULL);
    if (!connect_path) {
        unlink(address.sun_path);
        rmdir(folder);
    }

    if (sequential) {
        if (seq.count == 0) { fprintf(stderr, "pingpong: no round trips measured\n"); return 1; }
        qsort(seq.samples, seq.count, sizeof *seq.samples, compare_u64);
        double sum = 0;
        for (size_t i = 0; i < seq.count; i++) sum += (double)seq.samples[i];
        printf("{\"mode\":\"seq\",\"size\":%zu,\"connections\":1,\"inFlight\":1,\"messages\":%zu,"
               "\"durationSeconds\":%.3f,\"messagesPerSecond\":%.1f,\"meanMicros\":%.2f,"
               "\"p50Micros\":%.2f,\"p99Micros\":%.2f,\"maxMicros\":%.2f}\n",
               message_size, seq.count, measured, (double)seq.count / measured, sum / (double)seq.count / 1e3,
               (double)seq.samples[seq.count / 2] / 1e3, (double)seq.samples[(size_t)((double)seq.count * 0.99)] / 1e3,
               (double)seq.samples[seq.count - 1] / 1e3);
    } else {
        uint64_t total = 0;
        for (int i = 0; i < connections; i++) total += tput[i].measured;
        printf("{\"mode\":\"tput\",\"size\":%zu,\"connections\":%d,\"inFlight\":%d,\"messages\":%llu,"
               "\"durationSeconds\":%.3f,\"messagesPerSecond\":%.1f}\n",
               message_size, connections, window, (unsigned long long)total, measured, (double)total / measured);
    }
    return 0;
}
