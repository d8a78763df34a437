package io.cordwatch.telemetry;

import java.util.List;
import java.util.Map;

/**
 * One reading of the grading GPU. Any figure the source cannot give is null (Jetson sysfs has no
 * throttle reasons; NVML has no thermal zones), so a dashboard shows "unknown" rather than a zero
 * that looks like a measurement.
 *
 * @param source where it came from: {@code nvml} or {@code jetson-sysfs}
 * @param name the device's name
 * @param temperatureC the GPU temperature
 * @param utilization the share of time the GPU was busy, 0..1
 * @param memoryUsedBytes memory in use (on Jetson: the unified memory, shared with the CPU)
 * @param memoryTotalBytes memory in all
 * @param powerWatts power drawn by the board (NVML) or the GPU rail (Jetson INA3221), or null
 * @param clockMhz the current GPU clock
 * @param throttleReasons the clock-throttle reasons active now (NVML names, e.g. {@code
 *     sw_thermal_slowdown}); empty when none, null when the source cannot tell
 * @param thermalZonesC every thermal zone by its type (Jetson), empty otherwise
 */
public record GpuSample(
    String source,
    String name,
    Double temperatureC,
    Double utilization,
    Long memoryUsedBytes,
    Long memoryTotalBytes,
    Double powerWatts,
    Double clockMhz,
    List<String> throttleReasons,
    Map<String, Double> thermalZonesC) {

  public GpuSample {
    throttleReasons = throttleReasons == null ? null : List.copyOf(throttleReasons);
    thermalZonesC = Map.copyOf(thermalZonesC);
  }
}
