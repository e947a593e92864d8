/*
 * The floor for bulk WireGuard key pairs: a bare C loop over the same libsodium call WgAdmin
 * makes, in the same library file the module ships (loaded with dlopen, so no headers and no
 * link-time dependency are needed). Per chunk of keys: random bytes in one block (getrandom),
 * each 32-byte scalar clamped as `wg genkey` clamps it, its public key from
 * crypto_scalarmult_curve25519_base, the block wiped. THREADS threads split each batch.
 *
 * Built and run by tests/Bench.ps1:
 *   cc -O2 -o keys-floor keys-floor.c -ldl -lpthread
 *   keys-floor LIBSODIUM COUNT THREADS REPEAT
 * One untimed batch first, then REPEAT timed batches of COUNT keys; prints median_ms=VALUE on
 * standard output (the same line the benchmark dll prints) and the spread on standard error.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#define KEY 32
#define CHUNK 256 /* keys per random block, as WgAdmin's bulk generator */

static int (*scalarmult_base)(unsigned char *q, const unsigned char *n);

struct work {
    long count;
    unsigned sink;
    int failed;
};

static int fill_random(unsigned char *buffer, size_t length)
{
    size_t done = 0;
    while (done < length) {
        ssize_t got = getrandom(buffer + done, length - done, 0);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        done += (size_t)got;
    }
    return 0;
}

static void *generate(void *argument)
{
    struct work *work = argument;
    static __thread unsigned char secret[CHUNK * KEY];
    unsigned char public_key[KEY];
    for (long first = 0; first < work->count; first += CHUNK) {
        long n = work->count - first < CHUNK ? work->count - first : CHUNK;
        if (fill_random(secret, (size_t)n * KEY) != 0) {
            work->failed = 1;
            return NULL;
        }
        for (long i = 0; i < n; i++) {
            unsigned char *scalar = secret + i * KEY;
            scalar[0] &= 248;
            scalar[31] = (unsigned char)((scalar[31] & 127) | 64);
            if (scalarmult_base(public_key, scalar) != 0) {
                work->failed = 1;
                return NULL;
            }
            work->sink += public_key[0];
        }
        explicit_bzero(secret, sizeof secret);
    }
    return NULL;
}

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* One batch of COUNT keys split over THREADS threads; returns its wall time in ms, or -1. */
static double batch(long count, int threads, unsigned *sink)
{
    pthread_t ids[256];
    struct work works[256];
    double start = now_ms();
    for (int t = 0; t < threads; t++) {
        works[t].count = count / threads + (t < count % threads ? 1 : 0);
        works[t].sink = 0;
        works[t].failed = 0;
        if (t > 0 && pthread_create(&ids[t], NULL, generate, &works[t]) != 0)
            return -1;
    }
    generate(&works[0]);
    for (int t = 1; t < threads; t++)
        pthread_join(ids[t], NULL);
    double elapsed = now_ms() - start;
    for (int t = 0; t < threads; t++) {
        if (works[t].failed)
            return -1;
        *sink += works[t].sink;
    }
    return elapsed;
}

static int compare(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: %s LIBSODIUM COUNT THREADS REPEAT\n", argv[0]);
        return 2;
    }
    long count = atol(argv[2]);
    int threads = atoi(argv[3]);
    int repeat = atoi(argv[4]);
    if (count < 1 || threads < 1 || threads > 256 || repeat < 1 || repeat > 10000) {
        fprintf(stderr, "COUNT >= 1, THREADS 1 to 256, REPEAT 1 to 10000\n");
        return 2;
    }
    void *library = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        fprintf(stderr, "dlopen %s: %s\n", argv[1], dlerror());
        return 1;
    }
    int (*init)(void) = (int (*)(void))dlsym(library, "sodium_init");
    scalarmult_base = (int (*)(unsigned char *, const unsigned char *))dlsym(library, "crypto_scalarmult_curve25519_base");
    if (init == NULL || scalarmult_base == NULL || init() < 0) {
        fprintf(stderr, "%s: no sodium_init or crypto_scalarmult_curve25519_base, or sodium_init failed\n", argv[1]);
        return 1;
    }

    unsigned sink = 0;
    double *times = calloc((size_t)repeat, sizeof *times);
    if (times == NULL || batch(count, threads, &sink) < 0)
        return 1;
    for (int r = 0; r < repeat; r++) {
        times[r] = batch(count, threads, &sink);
        if (times[r] < 0) {
            fprintf(stderr, "a batch failed (getrandom, pthread_create or libsodium)\n");
            return 1;
        }
    }
    qsort(times, (size_t)repeat, sizeof *times, compare);
    double median = repeat % 2 ? times[repeat / 2] : (times[repeat / 2 - 1] + times[repeat / 2]) / 2;
    fprintf(stderr, "keys=%ld threads=%d runs=%d min_ms=%.3f max_ms=%.3f median_us_per_key=%.3f sink=%u\n",
            count, threads, repeat, times[0], times[repeat - 1], median * 1000 / (double)count, sink);
    printf("median_ms=%.3f\n", median);
    return 0;
}
