/**
 * The telemetry stage: the appliance's meters (one Prometheus registry, every metric name in {@link
 * io.cordwatch.telemetry.Meters}) and the free-space watermark on the data volume; how full that
 * volume is in bytes and inodes ({@link io.cordwatch.telemetry.VolumeFigures}, read by {@link
 * io.cordwatch.telemetry.Statvfs} through Panama from the C library, behind {@link
 * io.cordwatch.telemetry.VolumeUsage} so tests can supply their own figures, and offered by the
 * watermark for the status page's inode figure); GPU readings from NVML ({@link
 * io.cordwatch.telemetry.NvmlTelemetry}) or Jetson sysfs ({@link
 * io.cordwatch.telemetry.JetsonSysfsTelemetry}), chosen by {@link
 * io.cordwatch.telemetry.GpuSources} and exported as gauges.
 *
 * <p>It measures and reports; it decides nothing. Stages record through the named methods on Meters
 * rather than through Micrometer, so the names that dashboards and alerts depend on live in one
 * file. The watermark reads free space live on every question, so the receiver (before taking data)
 * and the web layer (health) never act on a stale figure, and service resumes by itself when space
 * returns.
 *
 * <p>Owns: every metric name and meter, the free-space watermark and the volume figures, and the
 * choice of GPU readings' source.
 *
 * <p>May not touch: the index ({@code io.cordwatch.store}, {@code java.sql}), the spool and the
 * network ({@code java.net}), or any pipeline stage ({@code io.cordwatch.receive}, {@code
 * io.cordwatch.study}, {@code io.cordwatch.grade}, {@code io.cordwatch.infer}). Live values that
 * belong to other stages (queue depth, decoded bytes held for streaming) come in as suppliers
 * through {@link io.cordwatch.telemetry.Meters#bindGauges} and {@link
 * io.cordwatch.telemetry.Meters#bindStreaming}, so telemetry depends on no pipeline stage and every
 * stage may depend on it. Besides the NVML binding, it depends only on {@code device}'s {@link
 * io.cordwatch.device.GpuInventory}, which {@link io.cordwatch.telemetry.GpuSources#inventory}
 * implements over NVML for profile detection.
 */
package io.cordwatch.telemetry;
