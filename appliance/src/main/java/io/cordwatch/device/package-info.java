/**
 * Device profiles and detection: which machine this is (Jetson module, x86 server with an NVIDIA
 * GPU, or CPU only), and what the grading engine should be on it (engine, precision, batch, DLA,
 * TensorRT workspace), with power and clock advice and the published ResNet-50 figure to compare a
 * measurement against.
 *
 * <p>Owns: the profile format (firmware-config/profiles/*.yaml, its keys spelled once in {@code
 * ProfileYaml}, read strictly through {@code io.cordwatch.json} by {@code ProfileReader} and
 * checked by {@code ProfileChecks}; {@link io.cordwatch.device.DeviceProfiles} finds the files),
 * the host facts read from a file-system root ({@link io.cordwatch.device.HostProbe}:
 * /proc/device-tree/model, /etc/nv_tegra_release, /proc/meminfo, and an NVIDIA GPU inventory), and
 * the choice of profile with its reasons ({@link io.cordwatch.device.ProfileDetector}).
 *
 * <p>May not touch: native libraries directly ({@code java.lang.foreign}, {@code
 * io.cordwatch.gpu.nvml}: the GPU inventory arrives through {@link
 * io.cordwatch.device.GpuInventory}, implemented over NVML in {@code telemetry}), engines ({@code
 * io.cordwatch.infer}, {@code io.cordwatch.gpu.tensorrt}), or the network. Every file read takes a
 * root folder, so tests run the detection on fake trees in temp folders.
 */
package io.cordwatch.device;
