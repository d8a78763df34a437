/**
 * The Java side of CordWatch's own kernels: Panama ({@code java.lang.foreign}) bindings to the C
 * ABI of kernels/include/cordwatch_kernels.h, in its host build (plain C, any machine) and its CUDA
 * build (kernels/README.md).
 *
 * <p>Owns: loading the kernel libraries, in one place and a documented order ({@link
 * io.cordwatch.gpu.KernelLibrary}: explicit path property, library bundled in the kernels jar,
 * system library path); the typed calls of every kernel operation; the mapping of C status codes to
 * {@link io.cordwatch.gpu.KernelException}; and the fused pipeline ({@link
 * io.cordwatch.gpu.FusedPipeline}): one series from stored samples to grades — histogram window,
 * chunked preprocess -> backbone -> prototype head on one stream, one copy back — over a {@link
 * io.cordwatch.gpu.PipelineMemory} (device memory for the CUDA build, {@link
 * io.cordwatch.gpu.HostMemory} for the host build, both on the one buffer lifecycle of {@link
 * io.cordwatch.gpu.OwnedMemory}) around a {@link io.cordwatch.gpu.PipelineBackbone} (TensorRT on
 * the GPU; any host-memory backbone with the host build). Every native resource is a final {@link
 * java.lang.AutoCloseable} owning its {@link java.lang.foreign.Arena}, idempotent to close and
 * refusing use after close; the loaded libraries themselves stay loaded for the life of the
 * process.
 *
 * <p>May not touch: the appliance ({@code io.cordwatch.infer}, {@code io.cordwatch.grade}; this
 * module cannot see it; the Java references the kernels are checked against live in the appliance,
 * and so do the differential tests and the device check), DICOM, or any decision about grades
 * beyond the head's arithmetic (what a grade means, OOD thresholds and verdicts are the
 * appliance's), or ONNX Runtime ({@code ai.onnxruntime}). Production GPU memory and streams come
 * from the JavaCPP CUDA presets of the TensorRT engine; this package accepts their addresses as
 * {@link java.lang.foreign.MemorySegment}s. That is the product's only CUDA runtime binding: the
 * small Panama one with which the GPU tests and kernels/device-check.sh drive the CUDA build on a
 * machine without the presets ({@code CudaRuntime}, {@code CudaMemory}, {@code CudaStream}, {@code
 * CudaTimer}, {@code DeviceBuffer}) lives in this module's test sources and ships in its test jar,
 * which the appliance's tests and the device carry use.
 */
package io.cordwatch.gpu;
