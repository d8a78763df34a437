/* Host build of cw_histogram_clear and cw_histogram_accumulate (the window is in cw_common.c). */
#include "cw_internal.h"

#include <string.h>

int32_t cw_histogram_clear(uint64_t *counts, int32_t bits_stored, void *stream) {
  (void)stream;
  cw_clear_error();
  int32_t status = cw_histogram_check(NULL, 0, bits_stored, 0, counts);
  if (status != CW_OK) {
    return status;
  }
  memset(counts, 0, sizeof(uint64_t) << bits_stored);
  return CW_OK;
}

int32_t cw_histogram_accumulate(const uint16_t *stored, int64_t count, int32_t bits_stored,
                                int32_t is_signed, uint64_t *counts, void *stream) {
  (void)stream;
  cw_clear_error();
  int32_t status = cw_histogram_check(stored, count, bits_stored, is_signed, counts);
  if (status != CW_OK) {
    return status;
  }
  /* Bin = stored value with the sign bit flipped when signed: the sign-extended value + offset. */
  uint32_t mask = (1u << bits_stored) - 1u;
  uint32_t flip = is_signed ? 1u << (bits_stored - 1) : 0u;
  for (int64_t i = 0; i < count; i++) {
    counts[(stored[i] & mask) ^ flip]++;
  }
  return CW_OK;
}
