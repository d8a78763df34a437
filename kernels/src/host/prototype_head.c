/* Host build of cw_prototype_head_run. */
#include "cw_internal.h"

#include <math.h>

/* Eight partial sums, as PrototypeHead's float path: the same rounding as the Java float path. */
static float squared_distance(const float *e, const float *p, int32_t d) {
  float s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int32_t j = 0;
  for (; j + 8 <= d; j += 8) {
    for (int32_t t = 0; t < 8; t++) {
      float a = e[j + t] - p[j + t];
      s[t] += a * a;
    }
  }
  for (; j < d; j++) {
    float a = e[j] - p[j];
    s[0] += a * a;
  }
  return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
}

int32_t cw_prototype_head_run(const float *embeddings, int32_t n, const float *prototypes,
                              int32_t k, int32_t d, double temperature, double ood_scale,
                              float *probabilities, float *distances, int32_t *grades, float *ood,
                              int32_t *nonfinite_at, void *stream) {
  (void)stream;
  cw_clear_error();
  int32_t status = cw_prototype_head_check(embeddings, n, prototypes, k, d, temperature, ood_scale,
                                           probabilities, grades, ood, nonfinite_at);
  if (status != CW_OK) {
    return status;
  }
  float dist[CW_MAX_CLASSES];
  for (int32_t i = 0; i < n; i++) {
    const float *e = embeddings + (int64_t)i * d;
    float *prob = probabilities + (int64_t)i * k;
    float *dout = distances == NULL ? NULL : distances + (int64_t)i * k;
    int32_t bad = -1;
    for (int32_t j = 0; j < d && bad < 0; j++) {
      if (!isfinite(e[j])) {
        bad = j;
      }
    }
    nonfinite_at[i] = bad;
    if (bad >= 0) {
      cw_head_poison(k, prob, dout, &grades[i], &ood[i]);
      continue;
    }
    for (int32_t c = 0; c < k; c++) {
      dist[c] = squared_distance(e, prototypes + (int64_t)c * d, d);
    }
    cw_head_finish(dist, k, temperature, ood_scale, prob, &grades[i], &ood[i]);
    if (dout != NULL) {
      for (int32_t c = 0; c < k; c++) {
        dout[c] = dist[c];
      }
    }
  }
  return CW_OK;
}
