/* Host build of cw_preprocess_run: the same arithmetic as src/cuda/preprocess.cu, one loop nest. */
#include "cw_internal.h"

#include <stdlib.h>

int32_t cw_preprocess_run(const uint16_t *stored, int32_t n, int32_t width, int32_t height,
                          int32_t bits_stored, int32_t is_signed, double slope, double intercept,
                          int32_t monochrome1, double window_low, double window_high,
                          const double *boxes, double margin, int32_t size, int32_t channels,
                          double mean, double std, float *out_f32, uint16_t *out_f16,
                          void *stream) {
  (void)stream;
  cw_clear_error();
  cw_unit_params unit;
  cw_norm_params norm;
  cw_geometry chunk[CW_PREPROCESS_CHUNK];
  /* Check everything before writing anything, a chunk of boxes at a time. */
  for (int32_t s0 = 0; s0 < n || s0 == 0; s0 += CW_PREPROCESS_CHUNK) {
    int32_t m = n - s0 < CW_PREPROCESS_CHUNK ? n - s0 : CW_PREPROCESS_CHUNK;
    int32_t status = cw_preprocess_prepare(
        s0, stored, m, width, height, bits_stored, is_signed, slope, intercept, monochrome1,
        window_low, window_high, boxes == NULL ? NULL : boxes + 4 * (int64_t)s0, margin, size,
        channels, mean, std, out_f32, out_f16, &unit, &norm, chunk);
    if (status != CW_OK) {
      return status;
    }
    if (n == 0) {
      return CW_OK;
    }
  }
  /* Per-output-column sample positions are the same for every row of a slice. */
  int32_t *col = malloc(sizeof(int32_t) * 2 * (size_t)size);
  float *tx = malloc(sizeof(float) * (size_t)size);
  if (col == NULL || tx == NULL) {
    free(col);
    free(tx);
    return cw_fail(CW_ERR_BAD_SIZE, "preprocess: out of host memory for size %d", size);
  }
  int64_t plane = (int64_t)size * size;
  int64_t pixels = (int64_t)width * height;
  for (int32_t s0 = 0; s0 < n; s0 += CW_PREPROCESS_CHUNK) {
    int32_t m = n - s0 < CW_PREPROCESS_CHUNK ? n - s0 : CW_PREPROCESS_CHUNK;
    cw_preprocess_prepare(s0, stored, m, width, height, bits_stored, is_signed, slope, intercept,
                          monochrome1, window_low, window_high, boxes + 4 * (int64_t)s0, margin,
                          size, channels, mean, std, out_f32, out_f16, &unit, &norm, chunk);
    for (int32_t q = 0; q < m; q++) {
      int32_t s = s0 + q;
      const cw_geometry *g = &chunk[q];
      const uint16_t *img = stored + (int64_t)s * pixels;
      for (int32_t u = 0; u < size; u++) {
        cw_sample_axis(g->cx0, g->step_x, u, width, &col[2 * u], &col[2 * u + 1], &tx[u]);
      }
      for (int32_t w = 0; w < size; w++) {
        int32_t i0, i1;
        float ty;
        cw_sample_axis(g->cy0, g->step_y, w, height, &i0, &i1, &ty);
        const uint16_t *r0 = img + (int64_t)i0 * width;
        const uint16_t *r1 = img + (int64_t)i1 * width;
        for (int32_t u = 0; u < size; u++) {
          int32_t j0 = col[2 * u], j1 = col[2 * u + 1];
          float x =
              cw_bilinear(cw_unit_value(r0[j0], &unit), cw_unit_value(r0[j1], &unit),
                          cw_unit_value(r1[j0], &unit), cw_unit_value(r1[j1], &unit), tx[u], ty);
          float y = cw_normalize(x, &norm);
          int64_t at = (int64_t)s * channels * plane + (int64_t)w * size + u;
          for (int32_t c = 0; c < channels; c++) {
            if (out_f32 != NULL) {
              out_f32[at + c * plane] = y;
            }
            if (out_f16 != NULL) {
              out_f16[at + c * plane] = cw_float_to_half(y);
            }
          }
        }
      }
    }
  }
  free(col);
  free(tx);
  return CW_OK;
}
