#include "cw_cuda.h"

#define CW_STR2(x) #x
#define CW_STR(x) CW_STR2(x)

extern "C" const char *cw_library_build(void) {
  return "cuda (archs " CW_ARCHS ", ptx " CW_PTX
         ", nvcc " CW_STR(__CUDACC_VER_MAJOR__) "." CW_STR(__CUDACC_VER_MINOR__) ", cudart static)";
}
