/*
 * A fixed-size pthread pool, created once and resized only on request.
 * Task t always runs on thread t % threads, so the split of work (and thus
 * every floating-point summation order) is fixed for a given thread count.
 * Workers spin briefly after a job (the next kernel call usually follows in
 * microseconds), then sleep on a condition variable so an idle process costs
 * no CPU. The calling (JS) thread runs thread 0's tasks itself and only spins
 * a bounded time before sleeping while it waits for the others.
 */
#define _GNU_SOURCE
#include "convkit.h"

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

#if CK_X86
#include <immintrin.h>
#define CPU_RELAX() _mm_pause()
#elif defined(__aarch64__)
#define CPU_RELAX() __asm__ __volatile__("yield")
#else
#define CPU_RELAX() ((void)0)
#endif

#define SPIN_NS 200000L /* how long an idle thread polls before sleeping */

static pthread_t workers[CK_MAX_THREADS];
static int nthreads = 1;
static int started; /* workers currently running (nthreads - 1 once started) */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static pthread_cond_t done = PTHREAD_COND_INITIALIZER;
static atomic_uint generation;
static atomic_int pending;
static atomic_int sleepers;
static atomic_int quitting;

static ck_task_fn job_fn;
static void *job_ctx;
static int job_tasks;

static long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

static void run_share(int thread) {
  for (int t = thread; t < job_tasks; t += nthreads) job_fn(job_ctx, t, thread);
}

/* The generation a new worker starts from, captured before it is created: if
   the worker read it itself, a job posted before it first ran would be missed. */
static unsigned start_generation;

static void *worker_main(void *arg) {
  int id = (int)(intptr_t)arg;
  unsigned seen = start_generation;
  for (;;) {
    long start = now_ns();
    int spins = 0;
    while (atomic_load_explicit(&generation, memory_order_acquire) == seen) {
      CPU_RELAX();
      if (++spins % 256 == 0 && now_ns() - start > SPIN_NS) break;
    }
    if (atomic_load_explicit(&generation, memory_order_acquire) == seen) {
      pthread_mutex_lock(&lock);
      atomic_fetch_add(&sleepers, 1);
      while (atomic_load(&generation) == seen && !quitting) pthread_cond_wait(&wake, &lock);
      atomic_fetch_sub(&sleepers, 1);
      pthread_mutex_unlock(&lock);
    }
    seen = atomic_load_explicit(&generation, memory_order_acquire);
    if (quitting) return NULL;
    run_share(id);
    if (atomic_fetch_sub_explicit(&pending, 1, memory_order_acq_rel) == 1) {
      pthread_mutex_lock(&lock);
      pthread_cond_signal(&done);
      pthread_mutex_unlock(&lock);
    }
  }
}

static void stop_workers(void) {
  if (!started) return;
  pthread_mutex_lock(&lock);
  quitting = 1;
  atomic_fetch_add(&generation, 1);
  pthread_cond_broadcast(&wake);
  pthread_mutex_unlock(&lock);
  for (int i = 1; i <= started; i++) pthread_join(workers[i], NULL);
  started = 0;
  quitting = 0;
}

static void start_workers(void) {
  start_generation = atomic_load(&generation);
  for (int i = 1; i < nthreads; i++) {
    if (pthread_create(&workers[i], NULL, worker_main, (void *)(intptr_t)i) != 0) {
      /* Could not get all threads: run with the ones we have. */
      nthreads = i;
      break;
    }
    started = i;
  }
}

int ck_cpu_count(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n < 1 ? 1 : (n > CK_MAX_THREADS ? CK_MAX_THREADS : (int)n);
}

int ck_pool_threads(void) { return nthreads; }

void ck_pool_set_threads(int n) {
  if (n < 1) n = 1;
  if (n > CK_MAX_THREADS) n = CK_MAX_THREADS;
  stop_workers();
  nthreads = n;
  start_workers();
}

void ck_pool_run(int ntasks, ck_task_fn fn, void *ctx) {
  if (ntasks <= 0) return;
  if (nthreads == 1 || ntasks == 1) {
    for (int t = 0; t < ntasks; t++) fn(ctx, t, t % nthreads);
    return;
  }
  job_fn = fn;
  job_ctx = ctx;
  job_tasks = ntasks;
  atomic_store(&pending, nthreads - 1);
  /* seq_cst: this store and the load of sleepers below must not be reordered. */
  atomic_fetch_add(&generation, 1);
  if (atomic_load(&sleepers) > 0) {
    pthread_mutex_lock(&lock);
    pthread_cond_broadcast(&wake);
    pthread_mutex_unlock(&lock);
  }
  run_share(0);
  long start = now_ns();
  int spins = 0;
  while (atomic_load_explicit(&pending, memory_order_acquire) != 0) {
    CPU_RELAX();
    if (++spins % 256 == 0 && now_ns() - start > SPIN_NS) {
      pthread_mutex_lock(&lock);
      while (atomic_load(&pending) != 0) pthread_cond_wait(&done, &lock);
      pthread_mutex_unlock(&lock);
      break;
    }
  }
}
