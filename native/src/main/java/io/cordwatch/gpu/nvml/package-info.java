/**
 * NVML (the NVIDIA Management Library, {@code libnvidia-ml.so.1}, installed with the driver)
 * through Panama: the GPU inventory for device-profile detection and the telemetry of the grading
 * GPU (temperature, utilisation, memory, power, clock, throttle reasons).
 *
 * <p>Owns: the NVML binding: finding and loading the library, the calls and their error codes, and
 * the decoding of throttle reasons.
 *
 * <p>May not touch: what the readings mean or where they go ({@code io.cordwatch.telemetry} exports
 * them, {@code io.cordwatch.device} takes the inventory), or the kernels ({@code
 * io.cordwatch.gpu}).
 *
 * <p>Loaded lazily and failing soft: nothing here is touched until {@link
 * io.cordwatch.gpu.nvml.Nvml#open} is called, and a machine without the driver gets a {@link
 * io.cordwatch.gpu.nvml.NvmlException} with code {@link
 * io.cordwatch.gpu.nvml.NvmlException#LIBRARY_NOT_FOUND} and a sentence, never a crash. A figure a
 * board does not support (power on many consumer cards) is null, not an error.
 *
 * <p>Verified here: the library-not-found path and the throttle-reason decoding (this build machine
 * has no NVIDIA driver). Not verified on hardware: every call into a real libnvidia-ml; the
 * signatures follow nvml.h of the R5xx drivers ({@code _v2} entry points where they exist).
 */
package io.cordwatch.gpu.nvml;
