/**
 * The TensorRT backbone engine through the JavaCPP presets (org.bytedeco tensorrt + cuda): build a
 * serialized engine from the bundle's ONNX on the device (FP16 by default; INT8 with calibration
 * slices; a DLA core on Jetson when the profile says so; dynamic batch 1..max), cache it and the
 * timing cache per GPU / compute capability / TensorRT version / precision (and, for INT8, the
 * calibration data's checksum) / bundle checksum, and run batches on one stream with pinned host
 * buffers; and be the backbone of the fused pipeline ({@link
 * io.cordwatch.gpu.tensorrt.GpuBackbone#fuse}): the CUDA kernels and {@code enqueueV3} on the
 * engine's stream, over device memory and pinned staging from the same CUDA runtime ({@code
 * PresetsMemory}), an FP16 engine taking the preprocess kernel's binary16 tensor directly.
 *
 * <p>Owns: building, caching and running TensorRT engines, and the CUDA memory and stream of the
 * fused pipeline's GPU backbone.
 *
 * <p>May not touch: the choice of engine and precision for a device (that is {@code
 * io.cordwatch.infer}'s {@code EngineSelection}, from {@code io.cordwatch.device}'s profiles), ONNX
 * Runtime ({@code ai.onnxruntime}), or NVML ({@code io.cordwatch.gpu.nvml}).
 *
 * <p>Loaded only when used. The presets are optional dependencies of this module: the appliance
 * compiles against this package's public API, which names no JavaCPP type, and {@link
 * io.cordwatch.gpu.tensorrt.TensorRt#open} checks that the presets' classes and native libraries
 * load before any class that touches them is initialised. A CPU-only machine never needs the jars;
 * a GPU box adds them (docs/gpu.md, "Getting the native jars").
 *
 * <p>Verified here: the cache naming ({@link io.cordwatch.gpu.tensorrt.EngineCacheKey}), the
 * options checks and the "presets absent" path; the fused pipeline this engine plugs into runs on
 * the host build of the kernels in the appliance's tests. Not verified on hardware: everything that
 * calls CUDA or TensorRT (this build machine has no GPU and no driver); the code compiles against
 * the 1.5.11 presets (TensorRT 10.6, CUDA 12.6) and follows the TensorRT 10 C++ API.
 */
package io.cordwatch.gpu.tensorrt;
