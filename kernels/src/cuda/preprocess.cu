// cw_preprocess_run on the GPU: one thread per output pixel (u, w) of one slice, writing it to every
// channel of out_f32 and/or out_f16. The arithmetic is cw_internal.h's, shared with the host build.
//
// Layout: blocks of 32 x 8 threads cover a 32-column x 8-row tile of the S x S output; grid.z walks the
// slices of a chunk of up to CW_PREPROCESS_CHUNK slices whose geometry travels by value in the launch,
// so no device allocation or host-to-device copy is needed for the boxes. Consecutive threads write
// consecutive columns (coalesced stores); the four source reads of a pixel hit the same or adjacent
// rows and mostly the L1 cache, because a canal crop is small and upsampled. The kernel is bound by
// its output stores, which is what kernels/device-check.sh compares with a device-to-device copy.
#include "cw_cuda.h"

#include <cuda_fp16.h>

namespace {

constexpr int kTileX = 32;
constexpr int kTileY = 8;

__global__ void preprocess_kernel(const uint16_t *__restrict__ stored, int32_t width,
                                  int32_t height, cw_unit_params unit, cw_norm_params norm,
                                  cw_geometry_chunk geometry, int32_t size, int32_t channels,
                                  float *__restrict__ out_f32, __half *__restrict__ out_f16) {
  int32_t u = blockIdx.x * kTileX + threadIdx.x;
  int32_t w = blockIdx.y * kTileY + threadIdx.y;
  int32_t q = blockIdx.z;
  if (u >= size || w >= size) {
    return;
  }
  const cw_geometry g = geometry.g[q];
  int32_t j0, j1, i0, i1;
  float tx, ty;
  cw_sample_axis(g.cx0, g.step_x, u, width, &j0, &j1, &tx);
  cw_sample_axis(g.cy0, g.step_y, w, height, &i0, &i1, &ty);
  const uint16_t *img = stored + (int64_t)q * width * height;
  const uint16_t *r0 = img + (int64_t)i0 * width;
  const uint16_t *r1 = img + (int64_t)i1 * width;
  float x = cw_bilinear(cw_unit_value(__ldg(r0 + j0), &unit), cw_unit_value(__ldg(r0 + j1), &unit),
                        cw_unit_value(__ldg(r1 + j0), &unit), cw_unit_value(__ldg(r1 + j1), &unit),
                        tx, ty);
  float y = cw_normalize(x, &norm);
  int64_t plane = (int64_t)size * size;
  int64_t at = (int64_t)q * channels * plane + (int64_t)w * size + u;
  for (int32_t c = 0; c < channels; c++) {
    if (out_f32 != nullptr) {
      out_f32[at + c * plane] = y;
    }
    if (out_f16 != nullptr) {
      out_f16[at + c * plane] = __float2half_rn(y);
    }
  }
}

}  // namespace

extern "C" int32_t cw_preprocess_run(const uint16_t *stored, int32_t n, int32_t width,
                                     int32_t height, int32_t bits_stored, int32_t is_signed,
                                     double slope, double intercept, int32_t monochrome1,
                                     double window_low, double window_high, const double *boxes,
                                     double margin, int32_t size, int32_t channels, double mean,
                                     double std, float *out_f32, uint16_t *out_f16, void *stream) {
  cw_clear_error();
  cw_unit_params unit;
  cw_norm_params norm;
  cw_geometry_chunk chunk;
  // Check every box before enqueuing anything, so a bad box in the last chunk writes nothing.
  for (int32_t s0 = 0; s0 < n || s0 == 0; s0 += CW_PREPROCESS_CHUNK) {
    int32_t m = n - s0 < CW_PREPROCESS_CHUNK ? n - s0 : CW_PREPROCESS_CHUNK;
    int32_t status = cw_preprocess_prepare(
        s0, stored, m, width, height, bits_stored, is_signed, slope, intercept, monochrome1,
        window_low, window_high, boxes == nullptr ? nullptr : boxes + 4 * (int64_t)s0, margin, size,
        channels, mean, std, out_f32, out_f16, &unit, &norm, chunk.g);
    if (status != CW_OK) {
      return status;
    }
    if (n == 0) {
      return CW_OK;
    }
  }
  cudaStream_t s = static_cast<cudaStream_t>(stream);
  dim3 block(kTileX, kTileY);
  int64_t pixels = (int64_t)width * height;
  int64_t item = (int64_t)channels * size * size;
  for (int32_t s0 = 0; s0 < n; s0 += CW_PREPROCESS_CHUNK) {
    int32_t m = n - s0 < CW_PREPROCESS_CHUNK ? n - s0 : CW_PREPROCESS_CHUNK;
    cw_preprocess_prepare(s0, stored, m, width, height, bits_stored, is_signed, slope, intercept,
                          monochrome1, window_low, window_high, boxes + 4 * (int64_t)s0, margin,
                          size, channels, mean, std, out_f32, out_f16, &unit, &norm, chunk.g);
    dim3 grid((size + kTileX - 1) / kTileX, (size + kTileY - 1) / kTileY, m);
    preprocess_kernel<<<grid, block, 0, s>>>(
        stored + s0 * pixels, width, height, unit, norm, chunk, size, channels,
        out_f32 == nullptr ? nullptr : out_f32 + s0 * item,
        out_f16 == nullptr ? nullptr : reinterpret_cast<__half *>(out_f16) + s0 * item);
    int32_t status = cw_cuda_status(cudaGetLastError(), "preprocess launch");
    if (status != CW_OK) {
      return status;
    }
  }
  return CW_OK;
}
