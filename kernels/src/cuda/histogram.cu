// cw_histogram_clear / cw_histogram_accumulate on the GPU. Up to 13 stored bits (MR is mostly 12) each
// block counts into a private shared-memory histogram of 32-bit counters and adds it to the global
// 64-bit one at the end, so global atomics are one per bin per block instead of one per sample; with
// more bits the table would not fit shared memory on every target (sm_86/89 allow 99 KiB per block),
// and samples go straight to global atomics.
#include "cw_cuda.h"

namespace {

constexpr int kThreads = 256;
constexpr int kSharedBits = 13;

__global__ void histogram_shared(const uint16_t *__restrict__ stored, int64_t count, uint32_t mask,
                                 uint32_t flip, int32_t bins, unsigned long long *counts) {
  extern __shared__ uint32_t local[];
  for (int32_t b = threadIdx.x; b < bins; b += blockDim.x) {
    local[b] = 0;
  }
  __syncthreads();
  int64_t stride = (int64_t)gridDim.x * blockDim.x;
  for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < count; i += stride) {
    atomicAdd(&local[(__ldg(stored + i) & mask) ^ flip], 1u);
  }
  __syncthreads();
  for (int32_t b = threadIdx.x; b < bins; b += blockDim.x) {
    if (local[b] != 0) {
      atomicAdd(&counts[b], (unsigned long long)local[b]);
    }
  }
}

__global__ void histogram_global(const uint16_t *__restrict__ stored, int64_t count, uint32_t mask,
                                 uint32_t flip, unsigned long long *counts) {
  int64_t stride = (int64_t)gridDim.x * blockDim.x;
  for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < count; i += stride) {
    atomicAdd(&counts[(__ldg(stored + i) & mask) ^ flip], 1ull);
  }
}

}  // namespace

extern "C" int32_t cw_histogram_clear(uint64_t *counts, int32_t bits_stored, void *stream) {
  cw_clear_error();
  int32_t status = cw_histogram_check(nullptr, 0, bits_stored, 0, counts);
  if (status != CW_OK) {
    return status;
  }
  return cw_cuda_status(cudaMemsetAsync(counts, 0, sizeof(uint64_t) << bits_stored,
                                        static_cast<cudaStream_t>(stream)),
                        "histogram clear");
}

extern "C" int32_t cw_histogram_accumulate(const uint16_t *stored, int64_t count,
                                           int32_t bits_stored, int32_t is_signed, uint64_t *counts,
                                           void *stream) {
  cw_clear_error();
  int32_t status = cw_histogram_check(stored, count, bits_stored, is_signed, counts);
  if (status != CW_OK || count == 0) {
    return status;
  }
  uint32_t mask = (1u << bits_stored) - 1u;
  uint32_t flip = is_signed ? 1u << (bits_stored - 1) : 0u;
  int32_t bins = 1 << bits_stored;
  int device = 0;
  int sms = 0;
  status = cw_cuda_status(cudaGetDevice(&device), "histogram: current device");
  if (status == CW_OK) {
    status = cw_cuda_status(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device),
                            "histogram: multiprocessor count");
  }
  if (status != CW_OK) {
    return status;
  }
  // Enough blocks to fill the device a few times over, each with many samples per thread, so the
  // per-block merge of the private histogram stays small against the counting.
  int64_t wanted = (count + kThreads * 16 - 1) / (kThreads * 16);
  int32_t blocks = (int32_t)(wanted < 4 * sms ? (wanted < 1 ? 1 : wanted) : 4 * sms);
  cudaStream_t s = static_cast<cudaStream_t>(stream);
  unsigned long long *c = reinterpret_cast<unsigned long long *>(counts);
  if (bits_stored <= kSharedBits) {
    histogram_shared<<<blocks, kThreads, sizeof(uint32_t) * bins, s>>>(stored, count, mask, flip,
                                                                       bins, c);
  } else {
    histogram_global<<<blocks, kThreads, 0, s>>>(stored, count, mask, flip, c);
  }
  return cw_cuda_status(cudaGetLastError(), "histogram launch");
}
