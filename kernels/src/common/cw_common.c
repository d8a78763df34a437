/* Error reporting, argument checks and the histogram window: host code linked into both libraries. */
#include "cw_internal.h"

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static _Thread_local char last_error[512];

const char *cw_last_error(void) {
  return last_error;
}

int32_t cw_abi_version(void) {
  return CW_ABI_VERSION;
}

void cw_clear_error(void) {
  last_error[0] = '\0';
}

int32_t cw_fail(int32_t code, const char *format, ...) {
  va_list args;
  va_start(args, format);
  vsnprintf(last_error, sizeof last_error, format, args);
  va_end(args);
  return code;
}

static int finite_float_range(double v) {
  return isfinite(v) && fabs(v) <= FLT_MAX;
}

int32_t cw_preprocess_prepare(int32_t first, const uint16_t *stored, int32_t n, int32_t width,
                              int32_t height, int32_t bits_stored, int32_t is_signed, double slope,
                              double intercept, int32_t monochrome1, double window_low,
                              double window_high, const double *boxes, double margin, int32_t size,
                              int32_t channels, double mean, double std, const float *out_f32,
                              const uint16_t *out_f16, cw_unit_params *unit, cw_norm_params *norm,
                              cw_geometry *geometry) {
  if (n < 0) {
    return cw_fail(CW_ERR_BAD_SIZE, "preprocess: n = %d slices, must be >= 0", n);
  }
  if (width < 1 || height < 1) {
    return cw_fail(CW_ERR_BAD_SIZE, "preprocess: slice size %d x %d, both must be >= 1", width,
                   height);
  }
  if ((int64_t)width * height > INT32_MAX) {
    return cw_fail(CW_ERR_BAD_SIZE, "preprocess: slice of %d x %d pixels exceeds 2^31 - 1", width,
                   height);
  }
  if (size < 1 || size > CW_MAX_SIZE) {
    return cw_fail(CW_ERR_BAD_SIZE, "preprocess: size = %d, must be 1..%d", size, CW_MAX_SIZE);
  }
  if (channels != 1 && channels != 3) {
    return cw_fail(CW_ERR_BAD_SIZE, "preprocess: channels = %d, must be 1 or 3", channels);
  }
  if (bits_stored < 1 || bits_stored > CW_MAX_BITS_STORED) {
    return cw_fail(CW_ERR_BAD_VALUE, "preprocess: bits_stored = %d, must be 1..%d", bits_stored,
                   CW_MAX_BITS_STORED);
  }
  if (is_signed != 0 && is_signed != 1) {
    return cw_fail(CW_ERR_BAD_VALUE, "preprocess: is_signed = %d, must be 0 or 1", is_signed);
  }
  if (monochrome1 != 0 && monochrome1 != 1) {
    return cw_fail(CW_ERR_BAD_VALUE, "preprocess: monochrome1 = %d, must be 0 or 1", monochrome1);
  }
  if (!isfinite(slope) || !isfinite(intercept)) {
    return cw_fail(CW_ERR_BAD_VALUE, "preprocess: rescale slope %g and intercept %g must be finite",
                   slope, intercept);
  }
  if (!finite_float_range(window_low) || !finite_float_range(window_high)) {
    return cw_fail(CW_ERR_BAD_VALUE,
                   "preprocess: window %g .. %g must be finite numbers within float range",
                   window_low, window_high);
  }
  if (!(margin >= 0 && margin <= 10)) {
    return cw_fail(CW_ERR_BAD_VALUE, "preprocess: margin = %g, must be 0..10", margin);
  }
  if (!isfinite(mean) || !(std > 0) || !isfinite(std)) {
    return cw_fail(CW_ERR_BAD_VALUE, "preprocess: mean %g must be finite and std %g finite and > 0",
                   mean, std);
  }
  if (n > 0) {
    if (stored == NULL) {
      return cw_fail(CW_ERR_NULL_POINTER, "preprocess: stored is NULL");
    }
    if (boxes == NULL) {
      return cw_fail(CW_ERR_NULL_POINTER, "preprocess: boxes is NULL");
    }
    if (out_f32 == NULL && out_f16 == NULL) {
      return cw_fail(CW_ERR_NULL_POINTER, "preprocess: out_f32 and out_f16 are both NULL");
    }
    int64_t plane = (int64_t)size * size;
    if ((int64_t)n * width * height > INT64_MAX / 4 ||
        (int64_t)n * channels > INT64_MAX / plane / 4) {
      return cw_fail(CW_ERR_BAD_SIZE, "preprocess: %d slices overflow the tensor size", n);
    }
  }
  for (int32_t s = 0; s < n; s++) {
    const double *b = boxes + 4 * (int64_t)s;
    double x0 = b[0], y0 = b[1], x1 = b[2], y1 = b[3];
    if (!(isfinite(x0) && isfinite(y0) && isfinite(x1) && isfinite(y1)) || !(x1 > x0 && y1 > y0)) {
      return cw_fail(CW_ERR_BAD_BOX,
                     "preprocess: box of slice %d (%g, %g, %g, %g) must be finite with x1 > x0 and "
                     "y1 > y0",
                     first + s, x0, y0, x1, y1);
    }
    if (x0 >= width || y0 >= height || x1 <= 0 || y1 <= 0) {
      return cw_fail(CW_ERR_BAD_BOX,
                     "preprocess: box of slice %d (%g, %g, %g, %g) lies outside the %d x %d image",
                     first + s, x0, y0, x1, y1, width, height);
    }
    /* Exactly Preprocessing.cropResize's double arithmetic. */
    double mx = margin * (x1 - x0);
    double my = margin * (y1 - y0);
    geometry[s].cx0 = x0 - mx;
    geometry[s].cy0 = y0 - my;
    geometry[s].step_x = (x1 + mx - geometry[s].cx0) / size;
    geometry[s].step_y = (y1 + my - geometry[s].cy0) / size;
  }
  unit->mask = (1u << bits_stored) - 1u;
  unit->sign_bit = is_signed ? 1u << (bits_stored - 1) : 0u;
  unit->bits_stored = bits_stored;
  unit->identity = slope == 1.0 && intercept == 0.0;
  unit->range = window_high - window_low;
  unit->constant = !(unit->range > 0);
  unit->monochrome1 = monochrome1;
  unit->slope = slope;
  unit->intercept = intercept;
  unit->low = window_low;
  norm->mean = (float)mean;
  norm->inv_std = (float)(1.0 / std);
  return CW_OK;
}

int32_t cw_histogram_check(const uint16_t *stored, int64_t count, int32_t bits_stored,
                           int32_t is_signed, const uint64_t *counts) {
  if (count < 0) {
    return cw_fail(CW_ERR_BAD_SIZE, "histogram: count = %lld, must be >= 0", (long long)count);
  }
  if (bits_stored < 1 || bits_stored > CW_MAX_BITS_STORED) {
    return cw_fail(CW_ERR_BAD_VALUE, "histogram: bits_stored = %d, must be 1..%d", bits_stored,
                   CW_MAX_BITS_STORED);
  }
  if (is_signed != 0 && is_signed != 1) {
    return cw_fail(CW_ERR_BAD_VALUE, "histogram: is_signed = %d, must be 0 or 1", is_signed);
  }
  if (counts == NULL) {
    return cw_fail(CW_ERR_NULL_POINTER, "histogram: counts is NULL");
  }
  if (count > 0 && stored == NULL) {
    return cw_fail(CW_ERR_NULL_POINTER, "histogram: stored is NULL");
  }
  return CW_OK;
}

/* Preprocessing.percentileOfCounts, statement for statement. */
static double percentile_of_counts(const uint64_t *counts, int32_t bins, uint64_t n, int32_t offset,
                                   double slope, double intercept, double percent) {
  double r = percent / 100 * (double)(n - 1);
  int64_t i = (int64_t)floor(r);
  int64_t next = i + 1 < (int64_t)(n - 1) ? i + 1 : (int64_t)(n - 1);
  float a = NAN;
  float b = NAN;
  int64_t seen = 0;
  for (int32_t bin = 0; bin < bins && isnan(b); bin++) {
    if (counts[bin] == 0) {
      continue;
    }
    seen += (int64_t)counts[bin];
    float value = (float)((double)(bin - offset) * slope + intercept);
    if (isnan(a) && i < seen) {
      a = value;
    }
    if (next < seen) {
      b = value;
    }
  }
  return a + (r - (double)i) * ((double)b - a);
}

int32_t cw_histogram_window(const uint64_t *counts, int32_t bits_stored, int32_t is_signed,
                            double slope, double intercept, double low_percent, double high_percent,
                            double *window) {
  cw_clear_error();
  if (bits_stored < 1 || bits_stored > CW_MAX_BITS_STORED) {
    return cw_fail(CW_ERR_BAD_VALUE, "histogram window: bits_stored = %d, must be 1..%d",
                   bits_stored, CW_MAX_BITS_STORED);
  }
  if (is_signed != 0 && is_signed != 1) {
    return cw_fail(CW_ERR_BAD_VALUE, "histogram window: is_signed = %d, must be 0 or 1", is_signed);
  }
  if (counts == NULL || window == NULL) {
    return cw_fail(CW_ERR_NULL_POINTER, "histogram window: %s is NULL",
                   counts == NULL ? "counts" : "window");
  }
  if (!isfinite(slope) || !isfinite(intercept)) {
    return cw_fail(CW_ERR_BAD_VALUE,
                   "histogram window: rescale slope %g and intercept %g must be finite", slope,
                   intercept);
  }
  if (!(slope > 0)) {
    return cw_fail(CW_ERR_UNSUPPORTED,
                   "histogram window: slope %g is not > 0, so stored order is not modality order; "
                   "sort modality values instead",
                   slope);
  }
  if (!(low_percent >= 0 && low_percent <= 100) || !(high_percent >= 0 && high_percent <= 100)) {
    return cw_fail(CW_ERR_BAD_VALUE, "histogram window: percentiles %g and %g must be 0..100",
                   low_percent, high_percent);
  }
  int32_t bins = 1 << bits_stored;
  uint64_t n = 0;
  for (int32_t b = 0; b < bins; b++) {
    if (counts[b] > UINT64_MAX / 2 - n) {
      return cw_fail(CW_ERR_BAD_SIZE, "histogram window: counts overflow at bin %d", b);
    }
    n += counts[b];
  }
  if (n == 0) {
    return cw_fail(CW_ERR_BAD_VALUE,
                   "histogram window: the histogram is empty; a window needs at "
                   "least one pixel");
  }
  int32_t offset = is_signed ? 1 << (bits_stored - 1) : 0;
  window[0] = percentile_of_counts(counts, bins, n, offset, slope, intercept, low_percent);
  window[1] = percentile_of_counts(counts, bins, n, offset, slope, intercept, high_percent);
  return CW_OK;
}

int32_t cw_prototype_head_check(const float *embeddings, int32_t n, const float *prototypes,
                                int32_t k, int32_t d, double temperature, double ood_scale,
                                const float *probabilities, const int32_t *grades, const float *ood,
                                const int32_t *nonfinite_at) {
  if (n < 0) {
    return cw_fail(CW_ERR_BAD_SIZE, "prototype head: n = %d embeddings, must be >= 0", n);
  }
  if (k < 1 || k > CW_MAX_CLASSES) {
    return cw_fail(CW_ERR_BAD_SIZE, "prototype head: k = %d prototypes, must be 1..%d", k,
                   CW_MAX_CLASSES);
  }
  if (d < 1 || d > CW_MAX_EMBEDDING) {
    return cw_fail(CW_ERR_BAD_SIZE, "prototype head: d = %d, must be 1..%d", d, CW_MAX_EMBEDDING);
  }
  if (!(temperature > 0) || !isfinite(temperature)) {
    return cw_fail(CW_ERR_BAD_VALUE, "prototype head: temperature %g must be finite and > 0",
                   temperature);
  }
  if (!(ood_scale > 0) || !isfinite(ood_scale)) {
    return cw_fail(CW_ERR_BAD_VALUE, "prototype head: ood_scale %g must be finite and > 0",
                   ood_scale);
  }
  if (n > 0) {
    const char *missing = embeddings == NULL      ? "embeddings"
                          : prototypes == NULL    ? "prototypes"
                          : probabilities == NULL ? "probabilities"
                          : grades == NULL        ? "grades"
                          : ood == NULL           ? "ood"
                          : nonfinite_at == NULL  ? "nonfinite_at"
                                                  : NULL;
    if (missing != NULL) {
      return cw_fail(CW_ERR_NULL_POINTER, "prototype head: %s is NULL", missing);
    }
  }
  return CW_OK;
}
