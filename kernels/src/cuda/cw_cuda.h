/* What the .cu files share: turning CUDA runtime errors into statuses. */
#ifndef CW_CUDA_H
#define CW_CUDA_H

#include "cw_internal.h"

#include <cuda_runtime.h>

/* After a launch: a configuration error, a missing device or a sticky fault becomes CW_ERR_CUDA. */
static inline int32_t cw_cuda_status(cudaError_t e, const char *what) {
  if (e == cudaSuccess) {
    return CW_OK;
  }
  return cw_fail(CW_ERR_CUDA, "%s: CUDA error %d (%s): %s", what, (int)e, cudaGetErrorName(e),
                 cudaGetErrorString(e));
}

#endif /* CW_CUDA_H */
