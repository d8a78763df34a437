#include "cw_internal.h"

const char *cw_library_build(void) {
  return "host (plain C, " __VERSION__ ")";
}
