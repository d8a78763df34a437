/*
 * cordwatch_kernels.h - the one C ABI of CordWatch's kernels (ABI version 1).
 *
 * Two libraries implement this header with identical argument checks and status codes:
 *   libcordwatch_kernels_host.so  plain C, runs anywhere; what the Java bindings are tested against
 *                                 on machines without a GPU. Every "D" pointer is host memory.
 *   libcordwatch_kernels_cuda.so  CUDA (fat binary sm_80/86/87/89/90 + PTX); every "D" pointer is
 *                                 device memory (or managed memory) of the current device.
 * "H" pointers are host memory in both builds. Every function is thread-safe; none aborts or exits.
 *
 * Conventions
 *   - Every operation returns an int32_t status: CW_OK (0) or one of the CW_ERR_* codes below. On an
 *     error cw_last_error() returns a message naming the argument or value at fault; the message
 *     belongs to the calling thread and stays valid until that thread's next call into the library.
 *   - `stream` is a cudaStream_t passed as void* (NULL = the legacy default stream). The CUDA build
 *     enqueues work on it and returns without synchronising: outputs are ready when the stream says
 *     so. The host build ignores it and has finished when it returns.
 *   - Arguments are checked before any work is enqueued; a failing check writes nothing.
 *   - A count of zero items (n = 0, count = 0) is valid and does nothing; the data pointers for those
 *     items may then be NULL.
 *   - Tensors are dense and row-major, last index fastest. Sizes are int32_t, element counts int64_t.
 *
 * The Java references (appliance module) define the numbers; docs/model-bundle.md states them:
 *   cw_preprocess_run       io.cordwatch.infer.Preprocessing (steps 1 and 3 to 5)
 *   cw_histogram_*          io.cordwatch.infer.Preprocessing.windowOfStored (step 2)
 *   cw_prototype_head_run   io.cordwatch.grade.PrototypeHead
 */
#ifndef CORDWATCH_KERNELS_H
#define CORDWATCH_KERNELS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define CW_API __declspec(dllexport)
#else
#define CW_API __attribute__((visibility("default")))
#endif

#define CW_ABI_VERSION 1

/* Status codes. Stable: the Java binding maps them by value. */
#define CW_OK 0
#define CW_ERR_NULL_POINTER 1 /* a required pointer is NULL */
#define CW_ERR_BAD_SIZE 2     /* a size or count out of range, or a product overflowing int64 */
#define CW_ERR_BAD_VALUE 3    /* a scalar out of range or not finite (window, slope, T, ...) */
#define CW_ERR_BAD_BOX 4      /* a canal box degenerate, not finite, or outside the image */
#define CW_ERR_UNSUPPORTED 5  /* valid input this operation does not handle (see the operation) */
#define CW_ERR_CUDA 6         /* the CUDA runtime failed (no device, launch failure, ...) */
#define CW_ERR_NON_FINITE 7   /* reserved for callers: an embedding row with NaN or infinity */

/* Largest bits_stored: stored samples are at most 16-bit (DICOM Bits Stored). */
#define CW_MAX_BITS_STORED 16
/* Upper bounds the kernels are written for; larger values give CW_ERR_BAD_SIZE. */
#define CW_MAX_SIZE 4096       /* preprocess output side S */
#define CW_MAX_CLASSES 1024    /* prototype head K */
#define CW_MAX_EMBEDDING 65536 /* prototype head D */

/* The message of the calling thread's last failed call ("" if none). Never NULL. */
CW_API const char *cw_last_error(void);

/* CW_ABI_VERSION of the library actually loaded; a binding refuses a library that differs. */
CW_API int32_t cw_abi_version(void);

/* What was built: "host" or "cuda" followed by details (architectures, compiler). Never NULL. */
CW_API const char *cw_library_build(void);

/*
 * Preprocess a batch of n slices of one series into the backbone's input tensor.
 *
 *   stored        D  [n][height][width] raw samples as decoders return them (8-bit samples widened
 *                    to 16 bits); the low bits_stored bits are used (High Bit = bits_stored - 1)
 *   bits_stored      1..16;  is_signed: Pixel Representation, 0 or 1 (sign bit = bit bits_stored-1)
 *   slope, intercept Rescale Slope and Intercept, finite: modality = (float)(stored * slope + intercept)
 *   monochrome1      0 or 1: invert after windowing (x = 1 - x)
 *   window_low/high  the series window on modality values (cw_histogram_window); finite. When
 *                    high <= low every unit value is 0 (a constant series)
 *   boxes         H  [n][4] canal boxes x0, y0, x1, y1 in continuous pixel coordinates (pixel (j, i)
 *                    covers [j, j+1) x [i, i+1)); finite, x1 > x0, y1 > y0, and overlapping the image
 *                    (x0 < width, y0 < height, x1 > 0, y1 > 0), else CW_ERR_BAD_BOX naming the slice
 *   margin           0..10: each side grows by margin * box width (left/right) or height (top/bottom)
 *   size             S, 1..CW_MAX_SIZE;  channels: C, 1 or 3 (the plane is replicated)
 *   mean, std        finite, std > 0: out = (x - mean) / std
 *   out_f32       D  [n][channels][size][size] float32, or NULL
 *   out_f16       D  the same shape as IEEE binary16 bit patterns (round to nearest even), or NULL;
 *                    at least one of out_f32 and out_f16 must be given
 * Bilinear sampling: pixel centres at +0.5, align_corners = false, edge clamp, no antialiasing.
 * Agreement with the Java reference: 1e-6 on unit-range values, so |out_f32 - ref| <= 1e-6 / std
 * plus one float rounding; out_f16 is out_f32 rounded to binary16.
 */
CW_API int32_t cw_preprocess_run(const uint16_t *stored, int32_t n, int32_t width, int32_t height,
                                 int32_t bits_stored, int32_t is_signed, double slope,
                                 double intercept, int32_t monochrome1, double window_low,
                                 double window_high, const double *boxes, double margin,
                                 int32_t size, int32_t channels, double mean, double std,
                                 float *out_f32, uint16_t *out_f16, void *stream);

/*
 * Zero a series histogram of (1 << bits_stored) bins.
 *   counts        D  [1 << bits_stored] uint64
 */
CW_API int32_t cw_histogram_clear(uint64_t *counts, int32_t bits_stored, void *stream);

/*
 * Add `count` stored samples to a series histogram; call once per batch of slices, so a series can be
 * counted as it arrives. Bin b holds the samples whose sign-extended stored value is
 * b - (is_signed ? 1 << (bits_stored - 1) : 0): bins run in increasing stored value.
 *   stored        D  [count] raw samples, low bits_stored bits used
 *   counts        D  [1 << bits_stored] uint64, added to
 */
CW_API int32_t cw_histogram_accumulate(const uint16_t *stored, int64_t count, int32_t bits_stored,
                                       int32_t is_signed, uint64_t *counts, void *stream);

/*
 * The series window from a histogram (host code in both builds; copy the counts to the host first):
 * the low_percent and high_percent percentiles of the modality values, numpy's linear interpolation
 * between order statistics, exactly as Preprocessing.windowOfStored computes them.
 *   counts        H  [1 << bits_stored] uint64, not all zero (CW_ERR_BAD_VALUE)
 *   slope            must be > 0 (else CW_ERR_UNSUPPORTED: the order of modality values is then not
 *                    the order of stored values; the reference sorts modality values instead)
 *   low/high_percent 0..100
 *   window        H  [2] out: low, high
 */
CW_API int32_t cw_histogram_window(const uint64_t *counts, int32_t bits_stored, int32_t is_signed,
                                   double slope, double intercept, double low_percent,
                                   double high_percent, double *window);

/*
 * The prototype head for n embeddings against k prototypes of width d:
 *   d_nk = sum_j (e_nj - p_kj)^2 (differences, never the expansion), p_nk = softmax_k(-d_nk / T)
 *   computed on (d_nk - d_min) / T (equal distances, two infinities included, give exponent 0),
 *   grade_n = argmin_k d_nk (ties to the lowest k), ood_n = d_min / ood_scale.
 *
 *   embeddings    D  [n][d] float32
 *   prototypes    D  [k][d] float32, finite (not checked: the bundle loader checks them)
 *   k                1..CW_MAX_CLASSES;  d: 1..CW_MAX_EMBEDDING
 *   temperature      T > 0 and finite;  ood_scale: > 0 and finite
 *   probabilities D  [n][k] float32 out
 *   distances     D  [n][k] float32 out, or NULL
 *   grades        D  [n] int32 out
 *   ood           D  [n] float32 out
 *   nonfinite_at  D  [n] int32 out: -1 when embedding row i is finite, else the lowest column j
 *                    holding NaN or an infinity; such a row gets grade -1 and NaN probabilities,
 *                    distances and ood. This is the error status for bad embeddings: the CUDA build
 *                    cannot return it without synchronising the stream, so neither build does, and
 *                    callers check this array with the results (the Java binding raises
 *                    CW_ERR_NON_FINITE from it).
 * Agreement with the double reference: distances and ood within 1e-5 relative, probabilities within
 * 1e-4 absolute (D = 2048); the grade equals the reference's unless two distances tie within that.
 */
CW_API int32_t cw_prototype_head_run(const float *embeddings, int32_t n, const float *prototypes,
                                     int32_t k, int32_t d, double temperature, double ood_scale,
                                     float *probabilities, float *distances, int32_t *grades,
                                     float *ood, int32_t *nonfinite_at, void *stream);

#ifdef __cplusplus
}
#endif

#endif /* CORDWATCH_KERNELS_H */
