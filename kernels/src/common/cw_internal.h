/*
 * Shared by both builds: error reporting, argument checks and the per-pixel / per-row arithmetic.
 * The arithmetic is written once (CW_FN functions compile for host and device), so the host library's
 * differential tests against the Java references also test the arithmetic the CUDA kernels run; the
 * .cu files only add the thread layout.
 */
#ifndef CW_INTERNAL_H
#define CW_INTERNAL_H

#include "cordwatch_kernels.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __CUDACC__
#define CW_FN static inline __host__ __device__
#else
#define CW_FN static inline
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Sets the calling thread's message and returns code (printf-style). */
int32_t cw_fail(int32_t code, const char *format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Clears the calling thread's message; every entry point calls it first. */
void cw_clear_error(void);

/* Slices per preprocess launch: their geometry travels by value in the launch (2 KiB). */
#define CW_PREPROCESS_CHUNK 64

/* How stored samples become unit-range values (steps 1 and 3 of Preprocessing). */
typedef struct cw_unit_params {
  uint32_t mask;     /* (1 << bits_stored) - 1 */
  uint32_t sign_bit; /* 1 << (bits_stored - 1) when signed, else 0 */
  int32_t bits_stored;
  int32_t identity; /* slope == 1 and intercept == 0: the modality value is the stored value */
  int32_t constant; /* window high <= low: every unit value is 0 */
  int32_t monochrome1;
  double slope, intercept;
  double low, range;
} cw_unit_params;

/* Where output pixels sample one slice (step 4): the crop's origin and step per output pixel. */
typedef struct cw_geometry {
  double cx0, cy0, step_x, step_y;
} cw_geometry;

typedef struct cw_geometry_chunk {
  cw_geometry g[CW_PREPROCESS_CHUNK];
} cw_geometry_chunk;

typedef struct cw_norm_params {
  float mean, inv_std;
} cw_norm_params;

/*
 * Checks every argument of cw_preprocess_run (identically for both builds) for the n slices starting
 * at slice `first` of the call (boxes points at slice first's box; messages count from the call's
 * slice 0) and fills the parameters. Returns CW_OK or the status with the message set.
 */
int32_t cw_preprocess_prepare(int32_t first, const uint16_t *stored, int32_t n, int32_t width,
                              int32_t height, int32_t bits_stored, int32_t is_signed, double slope,
                              double intercept, int32_t monochrome1, double window_low,
                              double window_high, const double *boxes, double margin, int32_t size,
                              int32_t channels, double mean, double std, const float *out_f32,
                              const uint16_t *out_f16, cw_unit_params *unit, cw_norm_params *norm,
                              cw_geometry *geometry);

int32_t cw_histogram_check(const uint16_t *stored, int64_t count, int32_t bits_stored,
                           int32_t is_signed, const uint64_t *counts);

int32_t cw_prototype_head_check(const float *embeddings, int32_t n, const float *prototypes,
                                int32_t k, int32_t d, double temperature, double ood_scale,
                                const float *probabilities, const int32_t *grades, const float *ood,
                                const int32_t *nonfinite_at);

#ifdef __cplusplus
}
#endif

/* ---- per-pixel arithmetic (Preprocessing steps 1, 3, 4, 5) ---- */

/* Step 1 then 3: a raw sample to its unit-range value, as Preprocessing.modalityValues then toUnit. */
CW_FN float cw_unit_value(uint32_t raw, const cw_unit_params *p) {
  if (p->constant) {
    return 0.0f;
  }
  int32_t v = (int32_t)(raw & p->mask);
  if (p->sign_bit != 0 && (v & (int32_t)p->sign_bit) != 0) {
    v -= (int32_t)(1u << p->bits_stored);
  }
  /* The modality value is a float between steps, as in the reference. */
  float m = p->identity ? (float)v : (float)((double)v * p->slope + p->intercept);
  double x = ((double)m - p->low) / p->range;
  x = x < 0.0 ? 0.0 : (x > 1.0 ? 1.0 : x);
  return (float)(p->monochrome1 ? 1.0 - x : x);
}

/* Step 4: where output index t (of size) samples along an axis of extent n, as cropResize. */
CW_FN void cw_sample_axis(double origin, double step, int32_t t, int32_t n, int32_t *i0,
                          int32_t *i1, float *frac) {
  double s = origin + (t + 0.5) * step - 0.5;
  double max = (double)(n - 1);
  s = s < 0.0 ? 0.0 : (s > max ? max : s);
  int32_t i = (int32_t)floor(s);
  *i0 = i;
  *i1 = i + 1 < n ? i + 1 : n - 1;
  *frac = (float)(s - (double)i);
}

/* Step 4's bilinear blend of four unit values. */
CW_FN float cw_bilinear(float p00, float p01, float p10, float p11, float tx, float ty) {
  float top = (1.0f - tx) * p00 + tx * p01;
  float bottom = (1.0f - tx) * p10 + tx * p11;
  return (1.0f - ty) * top + ty * bottom;
}

/* Step 5. */
CW_FN float cw_normalize(float x, const cw_norm_params *p) {
  return (x - p->mean) * p->inv_std;
}

/* float to IEEE binary16 bits, round to nearest even, with subnormals, infinities and NaN. */
CW_FN uint16_t cw_float_to_half(float f) {
  union {
    float f;
    uint32_t u;
  } in;
  in.f = f;
  uint32_t x = in.u;
  uint32_t sign = (x >> 16) & 0x8000u;
  uint32_t exp = (x >> 23) & 0xffu;
  uint32_t man = x & 0x7fffffu;
  if (exp == 0xffu) { /* infinity or NaN (kept quiet) */
    return (uint16_t)(sign | 0x7c00u | (man != 0 ? 0x200u | (man >> 13) : 0u));
  }
  int32_t e = (int32_t)exp - 127 + 15;
  if (e >= 31) {
    return (uint16_t)(sign | 0x7c00u);
  }
  if (e <= 0) {
    if (e < -10) {
      return (uint16_t)sign; /* below half the smallest subnormal: zero */
    }
    man |= 0x800000u;
    uint32_t shift = (uint32_t)(14 - e);
    uint32_t half = man >> shift;
    uint32_t rest = man & ((1u << shift) - 1u);
    uint32_t mid = 1u << (shift - 1);
    if (rest > mid || (rest == mid && (half & 1u))) {
      half++;
    }
    return (uint16_t)(sign | half);
  }
  uint32_t half = ((uint32_t)e << 10) | (man >> 13);
  uint32_t rest = man & 0x1fffu;
  if (rest > 0x1000u || (rest == 0x1000u && (half & 1u))) {
    half++; /* may carry into the exponent, up to infinity: still correct */
  }
  return (uint16_t)(sign | half);
}

/* ---- prototype head: from k distances to grade, probabilities and ood (PrototypeHead.grade) ---- */

CW_FN void cw_head_finish(const float *dist, int32_t k, double temperature, double ood_scale,
                          float *prob, int32_t *grade, float *ood) {
  int32_t nearest = 0;
  for (int32_t c = 1; c < k; c++) {
    if (dist[c] < dist[nearest]) {
      nearest = c;
    }
  }
  float d_min = dist[nearest];
  float sum = 0.0f;
  for (int32_t c = 0; c < k; c++) {
    /* Equal distances, including two infinities, get exponent 0 rather than inf - inf = NaN. */
    float shifted =
        dist[c] == d_min ? 0.0f : (float)(((double)dist[c] - (double)d_min) / temperature);
    prob[c] = (float)exp(-(double)shifted);
    sum += prob[c];
  }
  for (int32_t c = 0; c < k; c++) {
    prob[c] /= sum;
  }
  *grade = nearest;
  *ood = (float)((double)d_min / ood_scale);
}

/* A row whose embedding is not finite: grade -1 and NaN everywhere else. */
CW_FN void cw_head_poison(int32_t k, float *prob, float *dist, int32_t *grade, float *ood) {
  for (int32_t c = 0; c < k; c++) {
    prob[c] = NAN;
    if (dist) {
      dist[c] = NAN;
    }
  }
  *grade = -1;
  *ood = NAN;
}

#endif /* CW_INTERNAL_H */
