/*
 * A fixed-size pthread pool, created once and resized only on request.
 *
 * Tasks are claimed dynamically: every thread (the calling JS thread included)
 * takes the next unclaimed task index from one atomic counter until none are
 * left. Determinism does not depend on which thread runs a task: a kernel
 * splits its work into tasks whose boundaries depend only on the shape, and a
 * task's arithmetic never depends on the thread that runs it (the thread id
 * only picks a scratch buffer). So results are bit-identical whatever the
 * interleaving.
 *
 * Why dynamic claiming: with a fixed task-to-thread map the caller had to wait
 * for every worker to wake up, even when one was descheduled (another process
 * on the core) or still asleep; that wait (~0.5 ms under contention) cost more
 * than the whole kernel at batch 32. Now the caller simply runs the tasks no
 * worker has claimed yet, and waits only for tasks already running.
 *
 * Workers spin briefly after a job (the next kernel call usually follows in
 * microseconds), then sleep on a condition variable so an idle process costs
 * no CPU.
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
#define SLOTS 4         /* job descriptors kept alive for late-waking workers */

/*
 * A job descriptor. A worker that wakes late may read the slot of an old
 * generation; it can only run a task after a compare-and-swap on `state` that
 * still names that generation, and a slot is reused only SLOTS generations
 * later, so a successful claim always pairs with the right descriptor.
 */
typedef struct {
  _Atomic(ck_task_fn) fn;
  _Atomic(void *) ctx;
  atomic_int ntasks;
  atomic_int done;
} job_slot;

static pthread_t workers[CK_MAX_THREADS];
static int nthreads = 1;
static int started; /* workers currently running (nthreads - 1 once started) */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static pthread_cond_t finished = PTHREAD_COND_INITIALIZER;
static job_slot slots[SLOTS];
/* generation << 32 | next unclaimed task of that generation's job. */
static _Atomic uint64_t state;
static atomic_int sleepers;
static atomic_int caller_waiting;
static atomic_int quitting;

static long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

static uint32_t generation_of(uint64_t s) { return (uint32_t)(s >> 32); }

/* Claims and runs tasks of generation gen until none are left (or a newer job was posted). */
static void run_claims(uint32_t gen, int thread) {
  job_slot *slot = &slots[gen % SLOTS];
  ck_task_fn fn = atomic_load_explicit(&slot->fn, memory_order_relaxed);
  void *ctx = atomic_load_explicit(&slot->ctx, memory_order_relaxed);
  uint32_t ntasks = (uint32_t)atomic_load_explicit(&slot->ntasks, memory_order_relaxed);
  uint64_t s = atomic_load_explicit(&state, memory_order_acquire);
  for (;;) {
    if (generation_of(s) != gen || (uint32_t)s >= ntasks) return;
    if (!atomic_compare_exchange_weak_explicit(&state, &s, s + 1, memory_order_acq_rel, memory_order_acquire))
      continue;
    fn(ctx, (int)(uint32_t)s, thread);
    /* seq_cst pairs with the caller's store of caller_waiting: one of the two sees the other. */
    if (atomic_fetch_add(&slot->done, 1) + 1 == (int)ntasks &&
        atomic_load(&caller_waiting)) {
      pthread_mutex_lock(&lock);
      pthread_cond_signal(&finished);
      pthread_mutex_unlock(&lock);
    }
    s = atomic_load_explicit(&state, memory_order_acquire);
  }
}

/* The generation a new worker starts from, captured before it is created: if
   the worker read it itself, a job posted before it first ran would be missed. */
static uint32_t start_generation;

static void *worker_main(void *arg) {
  int id = (int)(intptr_t)arg;
  uint32_t seen = start_generation;
  for (;;) {
    long start = now_ns();
    int spins = 0;
    while (generation_of(atomic_load_explicit(&state, memory_order_acquire)) == seen) {
      CPU_RELAX();
      if (++spins % 256 == 0 && now_ns() - start > SPIN_NS) break;
    }
    if (generation_of(atomic_load(&state)) == seen) {
      pthread_mutex_lock(&lock);
      atomic_fetch_add(&sleepers, 1);
      while (generation_of(atomic_load(&state)) == seen && !quitting) pthread_cond_wait(&wake, &lock);
      atomic_fetch_sub(&sleepers, 1);
      pthread_mutex_unlock(&lock);
    }
    if (quitting) return NULL;
    /* Join the newest job; older ones have already been finished by the caller. */
    seen = generation_of(atomic_load_explicit(&state, memory_order_acquire));
    run_claims(seen, id);
  }
}

static void stop_workers(void) {
  if (!started) return;
  pthread_mutex_lock(&lock);
  quitting = 1;
  atomic_fetch_add(&state, (uint64_t)1 << 32);
  pthread_cond_broadcast(&wake);
  pthread_mutex_unlock(&lock);
  for (int i = 1; i <= started; i++) pthread_join(workers[i], NULL);
  started = 0;
  quitting = 0;
}

static void start_workers(void) {
  start_generation = generation_of(atomic_load(&state));
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

int ck_pool_tasks(double work, double grain) {
  if (nthreads == 1 || work < grain) return 1;
  /* A few tasks per thread so a late or descheduled thread's share is picked up. */
  double most = work / grain;
  int tasks = nthreads * CK_TASKS_PER_THREAD;
  if (tasks > CK_MAX_TASKS) tasks = CK_MAX_TASKS;
  return most < tasks ? (int)most : tasks;
}

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
    for (int t = 0; t < ntasks; t++) fn(ctx, t, 0);
    return;
  }
  uint32_t gen = generation_of(atomic_load(&state)) + 1;
  job_slot *slot = &slots[gen % SLOTS];
  atomic_store_explicit(&slot->fn, fn, memory_order_relaxed);
  atomic_store_explicit(&slot->ctx, ctx, memory_order_relaxed);
  atomic_store_explicit(&slot->ntasks, ntasks, memory_order_relaxed);
  atomic_store_explicit(&slot->done, 0, memory_order_relaxed);
  /* seq_cst: publishes the slot, and must not be reordered with the load of sleepers. */
  atomic_store(&state, (uint64_t)gen << 32);
  if (atomic_load(&sleepers) > 0) {
    pthread_mutex_lock(&lock);
    pthread_cond_broadcast(&wake);
    pthread_mutex_unlock(&lock);
  }
  run_claims(gen, 0);
  /* Every task is claimed; wait only for those still running on workers. */
  long start = now_ns();
  int spins = 0;
  while (atomic_load_explicit(&slot->done, memory_order_acquire) != ntasks) {
    CPU_RELAX();
    if (++spins % 256 == 0 && now_ns() - start > SPIN_NS) {
      pthread_mutex_lock(&lock);
      atomic_store(&caller_waiting, 1);
      while (atomic_load(&slot->done) != ntasks) pthread_cond_wait(&finished, &lock);
      atomic_store(&caller_waiting, 0);
      pthread_mutex_unlock(&lock);
      break;
    }
  }
}

/* ck_pool_for's task: its piece of the range, by ck_split. */
typedef struct {
  ck_range_fn body;
  void *ctx;
  long total, align;
  int parts;
} range_job;

static void range_task(void *ctx, int task, int thread) {
  const range_job *r = ctx;
  long lo, hi;
  ck_split(r->total, r->parts, task, r->align, &lo, &hi);
  if (lo < hi) r->body(r->ctx, lo, hi, thread);
}

void ck_pool_for(long total, int parts, long align, ck_range_fn body, void *ctx) {
  range_job r = {.body = body, .ctx = ctx, .total = total, .align = align, .parts = parts};
  ck_pool_run(parts, range_task, &r);
}
