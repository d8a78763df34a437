/*
 * abi_test LIB.so: the argument contract of cordwatch_kernels.h, checked in C against a built library
 * (make check runs it on both builds). The Java tests reach the library through typed records that
 * refuse some values before C sees them; this program hands the C checks every such value directly.
 * Only refused calls and zero-item calls are made, so it needs no GPU for the CUDA build either.
 */
#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cordwatch_kernels.h"

typedef const char *(*last_error_fn)(void);
typedef int32_t (*abi_fn)(void);
typedef int32_t (*preprocess_fn)(const uint16_t *, int32_t, int32_t, int32_t, int32_t, int32_t,
                                 double, double, int32_t, double, double, const double *, double,
                                 int32_t, int32_t, double, double, float *, uint16_t *, void *);
typedef int32_t (*clear_fn)(uint64_t *, int32_t, void *);
typedef int32_t (*accumulate_fn)(const uint16_t *, int64_t, int32_t, int32_t, uint64_t *, void *);
typedef int32_t (*window_fn)(const uint64_t *, int32_t, int32_t, double, double, double, double,
                             double *);
typedef int32_t (*head_fn)(const float *, int32_t, const float *, int32_t, int32_t, double, double,
                           float *, float *, int32_t *, float *, int32_t *, void *);

static int failures;
static last_error_fn last_error;

static void expect(const char *what, int32_t got, int32_t want, const char *fragment) {
  const char *message = last_error();
  if (got != want || (want != CW_OK && strstr(message, fragment) == NULL) ||
      (want == CW_OK && message[0] != '\0')) {
    printf("FAIL %s: status %d (want %d), message \"%s\" (want \"%s\")\n", what, got, want, message,
           fragment);
    failures++;
  }
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: abi_test LIB.so\n");
    return 2;
  }
  void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (lib == NULL) {
    fprintf(stderr, "abi_test: %s\n", dlerror());
    return 2;
  }
  last_error = (last_error_fn)dlsym(lib, "cw_last_error");
  abi_fn abi = (abi_fn)dlsym(lib, "cw_abi_version");
  preprocess_fn pre = (preprocess_fn)dlsym(lib, "cw_preprocess_run");
  clear_fn clear = (clear_fn)dlsym(lib, "cw_histogram_clear");
  accumulate_fn acc = (accumulate_fn)dlsym(lib, "cw_histogram_accumulate");
  window_fn win = (window_fn)dlsym(lib, "cw_histogram_window");
  head_fn head = (head_fn)dlsym(lib, "cw_prototype_head_run");
  if (!last_error || !abi || !pre || !clear || !acc || !win || !head) {
    fprintf(stderr, "abi_test: %s lacks an ABI function\n", argv[1]);
    return 2;
  }
  if (abi() != CW_ABI_VERSION) {
    printf("FAIL abi version %d\n", abi());
    failures++;
  }

  uint16_t px[16] = {0};
  double box[4] = {1, 1, 3, 3};
  float out[3 * 8 * 8];
  uint16_t half[3 * 8 * 8];
  /* A valid call to vary one argument at a time; n = 0 keeps the valid one a no-op on any build. */
#define PRE(n, w, bits, sgn, slope, mono, lo, hi, margin, size, ch, mean, std, o32, o16)          \
  pre(px, n, w, 4, bits, sgn, slope, 0, mono, lo, hi, box, margin, size, ch, mean, std, o32, o16, \
      NULL)
  expect("preprocess n = 0", PRE(0, 4, 12, 0, 1, 0, 0, 1, 0.1, 8, 3, 0, 1, out, half), CW_OK, "");
  expect("bits 0", PRE(1, 4, 0, 0, 1, 0, 0, 1, 0.1, 8, 3, 0, 1, out, half), CW_ERR_BAD_VALUE,
         "bits_stored = 0");
  expect("bits 17", PRE(1, 4, 17, 0, 1, 0, 0, 1, 0.1, 8, 3, 0, 1, out, half), CW_ERR_BAD_VALUE,
         "bits_stored = 17");
  expect("is_signed 2", PRE(1, 4, 12, 2, 1, 0, 0, 1, 0.1, 8, 3, 0, 1, out, half), CW_ERR_BAD_VALUE,
         "is_signed = 2");
  expect("monochrome1 2", PRE(1, 4, 12, 0, 1, 2, 0, 1, 0.1, 8, 3, 0, 1, out, half),
         CW_ERR_BAD_VALUE, "monochrome1 = 2");
  expect("slope inf", PRE(1, 4, 12, 0, INFINITY, 0, 0, 1, 0.1, 8, 3, 0, 1, out, half),
         CW_ERR_BAD_VALUE, "slope inf");
  expect("window beyond float", PRE(1, 4, 12, 0, 1, 0, -1e39, 1, 0.1, 8, 3, 0, 1, out, half),
         CW_ERR_BAD_VALUE, "within float range");
  expect("margin -1", PRE(1, 4, 12, 0, 1, 0, 0, 1, -1, 8, 3, 0, 1, out, half), CW_ERR_BAD_VALUE,
         "margin = -1");
  expect("margin 11", PRE(1, 4, 12, 0, 1, 0, 0, 1, 11, 8, 3, 0, 1, out, half), CW_ERR_BAD_VALUE,
         "margin = 11");
  expect("size 0", PRE(1, 4, 12, 0, 1, 0, 0, 1, 0.1, 0, 3, 0, 1, out, half), CW_ERR_BAD_SIZE,
         "size = 0");
  expect("size 4097", PRE(1, 4, 12, 0, 1, 0, 0, 1, 0.1, 4097, 3, 0, 1, out, half), CW_ERR_BAD_SIZE,
         "size = 4097");
  expect("channels 2", PRE(1, 4, 12, 0, 1, 0, 0, 1, 0.1, 8, 2, 0, 1, out, half), CW_ERR_BAD_SIZE,
         "channels = 2");
  expect("std 0", PRE(1, 4, 12, 0, 1, 0, 0, 1, 0.1, 8, 3, 0, 0, out, half), CW_ERR_BAD_VALUE,
         "std 0");
  expect("mean nan", PRE(1, 4, 12, 0, 1, 0, 0, 1, 0.1, 8, 3, NAN, 1, out, half), CW_ERR_BAD_VALUE,
         "mean nan");
  expect("no outputs", PRE(1, 4, 12, 0, 1, 0, 0, 1, 0.1, 8, 3, 0, 1, NULL, NULL),
         CW_ERR_NULL_POINTER, "both NULL");
  expect("huge slice",
         pre(px, 1, 65536, 65536, 12, 0, 1, 0, 0, 0, 1, box, 0.1, 8, 3, 0, 1, out, half, NULL),
         CW_ERR_BAD_SIZE, "exceeds 2^31 - 1");
  expect("null boxes",
         pre(px, 1, 4, 4, 12, 0, 1, 0, 0, 0, 1, NULL, 0.1, 8, 3, 0, 1, out, half, NULL),
         CW_ERR_NULL_POINTER, "boxes is NULL");
  double nan_box[4] = {NAN, 0, 2, 2};
  expect("nan box",
         pre(px, 1, 4, 4, 12, 0, 1, 0, 0, 0, 1, nan_box, 0.1, 8, 3, 0, 1, out, half, NULL),
         CW_ERR_BAD_BOX, "box of slice 0");

  uint64_t counts[1 << 12];
  double window[2];
  expect("clear bits 0", clear(counts, 0, NULL), CW_ERR_BAD_VALUE, "bits_stored = 0");
  expect("clear null", clear(NULL, 12, NULL), CW_ERR_NULL_POINTER, "counts is NULL");
  expect("accumulate zero", acc(NULL, 0, 12, 0, counts, NULL), CW_OK, "");
  expect("accumulate bits 17", acc(px, 4, 17, 0, counts, NULL), CW_ERR_BAD_VALUE,
         "bits_stored = 17");
  expect("accumulate signed 3", acc(px, 4, 12, 3, counts, NULL), CW_ERR_BAD_VALUE, "is_signed = 3");
  memset(counts, 0, sizeof counts);
  counts[5] = 2;
  expect("window", win(counts, 12, 0, 1, 0, 0.5, 99.5, window), CW_OK, "");
  if (window[0] != 5 || window[1] != 5) {
    printf("FAIL window of two equal samples: %g %g\n", window[0], window[1]);
    failures++;
  }
  expect("window null out", win(counts, 12, 0, 1, 0, 0.5, 99.5, NULL), CW_ERR_NULL_POINTER,
         "window is NULL");
  expect("window slope -1", win(counts, 12, 0, -1, 0, 0.5, 99.5, window), CW_ERR_UNSUPPORTED,
         "slope -1");
  expect("window intercept nan", win(counts, 12, 0, 1, NAN, 0.5, 99.5, window), CW_ERR_BAD_VALUE,
         "must be finite");
  expect("window percent nan", win(counts, 12, 0, 1, 0, NAN, 99.5, window), CW_ERR_BAD_VALUE,
         "must be 0..100");

  float e[4] = {0}, p[4] = {0}, prob[4], dist[4], ood[2];
  int32_t grades[2], bad[2];
  expect("head n = 0", head(NULL, 0, NULL, 2, 2, 1, 1, NULL, NULL, NULL, NULL, NULL, NULL), CW_OK,
         "");
  expect("head ood nan", head(e, 1, p, 2, 2, 1, NAN, prob, dist, grades, ood, bad, NULL),
         CW_ERR_BAD_VALUE, "ood_scale nan");
  expect("head temperature inf",
         head(e, 1, p, 2, 2, INFINITY, 1, prob, dist, grades, ood, bad, NULL), CW_ERR_BAD_VALUE,
         "temperature inf");
  expect("head nonfinite_at null", head(e, 1, p, 2, 2, 1, 1, prob, dist, grades, ood, NULL, NULL),
         CW_ERR_NULL_POINTER, "nonfinite_at is NULL");
  expect("head prototypes null", head(e, 1, NULL, 2, 2, 1, 1, prob, dist, grades, ood, bad, NULL),
         CW_ERR_NULL_POINTER, "prototypes is NULL");

  printf(
      "kernels: abi_test %s: %s\n", strrchr(argv[1], '/') ? strrchr(argv[1], '/') + 1 : argv[1],
      failures == 0 ? "every refused argument refused, named, and zero items a no-op" : "FAILED");
  return failures == 0 ? 0 : 1;
}
