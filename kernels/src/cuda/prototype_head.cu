// cw_prototype_head_run on the GPU: one block of 256 threads per embedding row. Threads stride over the
// D columns keeping one float partial sum per class for a chunk of 8 classes (each embedding value is
// loaded once per chunk, so once in all for K <= 8), checking finiteness on the way; warp shuffles and
// a shared-memory pass reduce the partials to K distances, and one thread then applies the shared
// cw_head_finish (argmin, softmax on (d - d_min) / T, ood) exactly as the host build does. For
// N = 64, K = 6, D = 2048 the whole head is 64 blocks touching 0.5 MiB: launch- and latency-bound,
// which is why it is fused into one kernel rather than a GEMM plus a softmax.
#include "cw_cuda.h"

#include <climits>

namespace {

constexpr int kThreads = 256;
constexpr int kWarps = kThreads / 32;
constexpr int kChunk = 8;

__global__ void __launch_bounds__(kThreads)
    head_kernel(const float *__restrict__ embeddings, const float *__restrict__ prototypes,
                int32_t k, int32_t d, double temperature, double ood_scale,
                float *__restrict__ probabilities, float *__restrict__ distances,
                int32_t *__restrict__ grades, float *__restrict__ ood,
                int32_t *__restrict__ nonfinite_at) {
  extern __shared__ float shared[];
  float *partial = shared;            // [kWarps][k]
  float *dist = shared + kWarps * k;  // [k]
  __shared__ int32_t bad;
  const int32_t row = blockIdx.x;
  const int32_t tid = threadIdx.x;
  const int32_t lane = tid & 31;
  const int32_t warp = tid >> 5;
  const float *e = embeddings + (int64_t)row * d;
  if (tid == 0) {
    bad = INT_MAX;
  }
  __syncthreads();

  int32_t mine = INT_MAX;
  for (int32_t k0 = 0; k0 < k; k0 += kChunk) {
    float acc[kChunk];
#pragma unroll
    for (int c = 0; c < kChunk; c++) {
      acc[c] = 0.0f;
    }
    const int32_t kc = k - k0 < kChunk ? k - k0 : kChunk;
    const float *p = prototypes + (int64_t)k0 * d;
#pragma unroll 4
    for (int32_t j = tid; j < d; j += kThreads) {
      float ej = __ldg(e + j);
      if (k0 == 0 && !isfinite(ej) && j < mine) {
        mine = j;
      }
#pragma unroll
      for (int c = 0; c < kChunk; c++) {
        if (c < kc) {
          float a = ej - __ldg(p + (int64_t)c * d + j);
          acc[c] += a * a;
        }
      }
    }
#pragma unroll
    for (int c = 0; c < kChunk; c++) {
      float v = acc[c];
      for (int off = 16; off > 0; off >>= 1) {
        v += __shfl_down_sync(0xffffffffu, v, off);
      }
      if (lane == 0 && c < kc) {
        partial[warp * k + k0 + c] = v;
      }
    }
  }
  if (mine != INT_MAX) {
    atomicMin(&bad, mine);
  }
  __syncthreads();
  for (int32_t c = tid; c < k; c += kThreads) {
    float s = 0.0f;
    for (int w = 0; w < kWarps; w++) {
      s += partial[w * k + c];
    }
    dist[c] = s;
  }
  __syncthreads();
  if (tid == 0) {
    float *prob = probabilities + (int64_t)row * k;
    float *dout = distances == nullptr ? nullptr : distances + (int64_t)row * k;
    if (bad != INT_MAX) {
      nonfinite_at[row] = bad;
      cw_head_poison(k, prob, dout, &grades[row], &ood[row]);
      return;
    }
    nonfinite_at[row] = -1;
    cw_head_finish(dist, k, temperature, ood_scale, prob, &grades[row], &ood[row]);
    if (dout != nullptr) {
      for (int32_t c = 0; c < k; c++) {
        dout[c] = dist[c];
      }
    }
  }
}

}  // namespace

extern "C" int32_t cw_prototype_head_run(const float *embeddings, int32_t n,
                                         const float *prototypes, int32_t k, int32_t d,
                                         double temperature, double ood_scale, float *probabilities,
                                         float *distances, int32_t *grades, float *ood,
                                         int32_t *nonfinite_at, void *stream) {
  cw_clear_error();
  int32_t status = cw_prototype_head_check(embeddings, n, prototypes, k, d, temperature, ood_scale,
                                           probabilities, grades, ood, nonfinite_at);
  if (status != CW_OK || n == 0) {
    return status;
  }
  size_t shared = sizeof(float) * (size_t)(kWarps + 1) * k;
  head_kernel<<<n, kThreads, shared, static_cast<cudaStream_t>(stream)>>>(
      embeddings, prototypes, k, d, temperature, ood_scale, probabilities, distances, grades, ood,
      nonfinite_at);
  return cw_cuda_status(cudaGetLastError(), "prototype head launch");
}
