/**
 * The Java side of CordWatch's own kernels: Panama ({@code java.lang.foreign}) bindings to the C
 * ABI of kernels/include/cordwatch_kernels.h, in its host build (plain C, any machine) and its CUDA
 * build (kernels/README.md).
 *
 * <p>Owns: loading the kernel libraries, in one place and a documented order ({@link
 * io.cordwatch.gpu.KernelLibrary}: explicit path property, library bundled in the kernels jar,
 * system library path); the typed calls of every kernel operation; the mapping of C status codes to
 * {@link io.cordwatch.gpu.KernelException}; and a minimal CUDA runtime binding ({@link
 * io.cordwatch.gpu.CudaRuntime}: device buffers, streams, event timers) with which tests and the
 * device check drive the CUDA build. Every native resource is a final {@link
 * java.lang.AutoCloseable} owning its {@link java.lang.foreign.Arena}, idempotent to close and
 * refusing use after close; the loaded libraries themselves stay loaded for the life of the
 * process.
 *
 * <p>May not touch: the appliance (this module cannot see it; the Java references the kernels are
 * checked against live in the appliance, and so do the differential tests and the device check),
 * DICOM, or any decision about grades. Production GPU memory and streams come from the JavaCPP CUDA
 * presets of the TensorRT engine; this package accepts their addresses as {@link
 * java.lang.foreign.MemorySegment}s.
 */
package io.cordwatch.gpu;
