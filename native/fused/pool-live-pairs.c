/*
 * Listing the live (window, channel) pairs of a pooled gradient (pool-live-pairs.h):
 * a scalar path, and an AVX2 one that takes 8 channels at a time.
 */
#include "fused/pool-live-pairs.h"
#include "runtime/isa-target.h"

#include <pthread.h>
#include <string.h>

/* The scalar path (and the channel tail of the AVX2 one): one (window, oc) pair at a time. Returns 1 if the argmax is outside the window. */
static inline int list_pair(const ck_live_pairs *l, long win, long windows, long oc, long row_len, float s, long d, long OC, long OW,
                            uint64_t *counts) {
  const int q = d == 0 ? 0 : d == OC ? 1 : d == OW * OC ? 2 : d == (OW + 1) * OC ? 3 : -1;
  if (q < 0) return 1;
  if (s == 0.0f) return 0;
  const int32_t at = l->dw_count[oc]++;
  l->dw_off[oc * windows + at] = l->corner[win * 4 + q];
  l->dw_s[oc * windows + at] = s;
  const long k = win * 4 + q, at_dx = (long)(*counts >> (16 * q)) & 0xffff;
  l->dx_off[k * l->dx_cap + at_dx] = (int32_t)(oc * row_len);
  l->dx_s[k * l->dx_cap + at_dx] = s;
  *counts += (uint64_t)1 << (16 * q);
  return 0;
}

#if CK_X86
#include <immintrin.h>

/* For each 8-bit lane mask, the indices of its set lanes, packed 3 bits each from the low end (a left-pack permutation). */
static uint32_t left_pack[256];
static pthread_once_t left_pack_once = PTHREAD_ONCE_INIT;
static void fill_left_pack(void) {
  for (int m = 0; m < 256; m++) {
    uint32_t packed = 0;
    for (int lane = 0, n = 0; lane < 8; lane++)
      if (m >> lane & 1) packed |= (uint32_t)lane << (3 * n++);
    left_pack[m] = packed;
  }
}

/*
 * 8 channels at a time. dw: each lane appends to its own oc's list at that list's count
 * (positions in SIMD, then 8 scalar stores). dx: per q, the live lanes of that q are
 * packed to the front (left_pack) and stored as 8 lanes at the list's count; lanes past
 * the live ones land in the list's spare 8 slots or are overwritten by the next append.
 * Lists the channels [0, *done = OC rounded down to 8); returns the first of them whose argmax is
 * outside the window, or -1.
 */
CK_TARGET_AVX2 static long list_window_avx2(const ck_live_pairs *l, long win, long windows, const float *g, const float *pooled, const int32_t *a,
                                  long base, long OC, long OW, long row_len, float *bsum, long *done, uint64_t *counts) {
  const long end = OC / 8 * 8;
  *done = end;
  const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), shifts = _mm256_setr_epi32(0, 3, 6, 9, 12, 15, 18, 21);
  const long step[4] = {0, OC, OW * OC, (OW + 1) * OC};
  const __m256i corners = _mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)(l->corner + win * 4)));
  long bad = -1;
  int32_t cnt[4];
  for (int q = 0; q < 4; q++) cnt[q] = (int32_t)((*counts >> (16 * q)) & 0xffff);
  for (long oc = 0; oc < end; oc += 8) {
    __m256 v = _mm256_loadu_ps(g + oc);
    if (pooled) v = _mm256_and_ps(v, _mm256_cmp_ps(_mm256_loadu_ps(pooled + oc), _mm256_setzero_ps(), _CMP_GT_OQ));
    if (bsum) _mm256_storeu_ps(bsum + oc, _mm256_add_ps(_mm256_loadu_ps(bsum + oc), v));
    const __m256i av = _mm256_loadu_si256((const __m256i *)(a + oc)), ocv = _mm256_add_epi32(_mm256_set1_epi32((int32_t)oc), lane);
    __m256i qv = _mm256_set1_epi32(-1), here[4];
    for (int q = 0; q < 4; q++) {
      here[q] = _mm256_cmpeq_epi32(av, _mm256_add_epi32(_mm256_set1_epi32((int32_t)(base + step[q])), ocv));
      qv = _mm256_blendv_epi8(qv, _mm256_set1_epi32(q), here[q]);
    }
    const __m256i valid = _mm256_cmpgt_epi32(qv, _mm256_set1_epi32(-1));
    const int missed = ~_mm256_movemask_ps(_mm256_castsi256_ps(valid)) & 0xff;
    if (missed && bad < 0) bad = oc + __builtin_ctz((unsigned)missed);
    const __m256i live = _mm256_and_si256(valid, _mm256_castps_si256(_mm256_cmp_ps(v, _mm256_setzero_ps(), _CMP_NEQ_UQ)));
    /* dw: position oc * windows + count, value corner[q]; the counts move on by 1 where live. */
    const __m256i dwc = _mm256_loadu_si256((const __m256i *)(l->dw_count + oc));
    int32_t pos[8], off[8];
    float sv[8];
    _mm256_storeu_si256((__m256i *)pos, _mm256_add_epi32(_mm256_mullo_epi32(ocv, _mm256_set1_epi32((int32_t)windows)), dwc));
    _mm256_storeu_si256((__m256i *)off, _mm256_permutevar8x32_epi32(corners, _mm256_max_epi32(qv, _mm256_setzero_si256())));
    _mm256_storeu_ps(sv, v);
    _mm256_storeu_si256((__m256i *)(l->dw_count + oc), _mm256_sub_epi32(dwc, live));
    /* A dead lane writes at its list's count, which does not move: the next live entry overwrites it. */
    for (int i = 0; i < 8; i++) {
      l->dw_off[pos[i]] = off[i];
      l->dw_s[pos[i]] = sv[i];
    }
    /* dx: w^T offsets oc * row_len of the live lanes of each q, packed to the front. */
    const __m256i rows = _mm256_mullo_epi32(ocv, _mm256_set1_epi32((int32_t)row_len));
    for (int q = 0; q < 4; q++) {
      /* No test for an empty mask: it would be mispredicted about as often as taken. */
      const int m = _mm256_movemask_ps(_mm256_castsi256_ps(_mm256_and_si256(here[q], live)));
      const __m256i perm = _mm256_and_si256(_mm256_srlv_epi32(_mm256_set1_epi32((int32_t)left_pack[m]), shifts), _mm256_set1_epi32(7));
      const long at = (win * 4 + q) * l->dx_cap + cnt[q];
      _mm256_storeu_si256((__m256i *)(l->dx_off + at), _mm256_permutevar8x32_epi32(rows, perm));
      _mm256_storeu_ps(l->dx_s + at, _mm256_permutevar8x32_ps(v, perm));
      cnt[q] += __builtin_popcount((unsigned)m);
    }
  }
  *counts = 0;
  for (int q = 0; q < 4; q++) *counts |= (uint64_t)cnt[q] << (16 * q);
  return bad;
}
#endif

/*
 * This file's per-ISA lanes (ck_isa()->live_pairs): list_window lists the
 * channels it can from 0 (*done) and returns the first of them whose argmax is
 * outside the window, or -1; the scalar loop lists the rest. The portable copy lists none.
 */
struct ck_live_pairs_lanes {
  long (*list_window)(const ck_live_pairs *l, long win, long windows, const float *g, const float *pooled,
                      const int32_t *a, long base, long OC, long OW, long row_len, float *bsum, long *done,
                      uint64_t *counts);
};

static long list_window_none(const ck_live_pairs *l, long win, long windows, const float *g, const float *pooled,
                             const int32_t *a, long base, long OC, long OW, long row_len, float *bsum, long *done,
                             uint64_t *counts) {
  (void)l, (void)win, (void)windows, (void)g, (void)pooled, (void)a, (void)base, (void)OC, (void)OW, (void)row_len;
  (void)bsum, (void)counts;
  *done = 0;
  return -1;
}

const struct ck_live_pairs_lanes ck_live_pairs_portable = {list_window_none};
#if CK_X86
const struct ck_live_pairs_lanes ck_live_pairs_avx2 = {list_window_avx2};
#endif

long ck_list_live_pairs(const ck_live_pairs *l, const ck_conv_info *c, const ck_pool_info *p, long wp, const float *g,
                        const float *pooled, const int32_t *argmax, long n, float *bsum) {
  const struct ck_live_pairs_lanes *lanes = ck_isa()->live_pairs;
  const long OC = c->outC, C = c->inC, PW = p->outW, windows = p->outH * PW, OW = c->outW;
  const long row_len = c->kH * c->kW * C; /* w^T floats per oc */
  long first_bad = -1;
  memset(l->dw_count, 0, (size_t)OC * sizeof(int32_t));
  for (long win = 0; win < windows; win++) {
    const long py = win / PW, px = win % PW, at = (n * windows + win) * OC;
    const long base = ck_window_index(c, n, py, px, 0);
    for (int q = 0; q < 4; q++) l->corner[win * 4 + q] = (int32_t)(((2 * py + q / 2) * wp + 2 * px + q % 2) * C);
    const float *gw = g + at, *pw = pooled ? pooled + at : NULL;
    const int32_t *a = argmax + at;
    uint64_t counts = 0; /* the four dx counts of this window, 16 bits each */
    long oc;
    long bad = lanes->list_window(l, win, windows, gw, pw, a, base, OC, OW, row_len, bsum, &oc, &counts);
    for (; oc < OC; oc++) {
      const float s = pw && !(pw[oc] > 0.0f) ? 0.0f : gw[oc];
      if (bsum) bsum[oc] += s;
      if (list_pair(l, win, windows, oc, row_len, s, (long)a[oc] - oc - base, OC, OW, &counts) && bad < 0) bad = oc;
    }
    if (bad >= 0 && first_bad < 0) first_bad = at + bad;
    for (int q = 0; q < 4; q++) l->dx_count[win * 4 + q] = (int32_t)((counts >> (16 * q)) & 0xffff);
  }
  return first_bad;
}

void ck_live_pairs_init(void) {
#if CK_X86
  pthread_once(&left_pack_once, fill_left_pack);
#endif
}
