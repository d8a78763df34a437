package io.cordwatch.app;

import io.cordwatch.device.DeviceProfile;
import io.cordwatch.device.ProfileDetector;
import io.cordwatch.gpu.tensorrt.Precision;
import io.cordwatch.gpu.tensorrt.TensorRt;
import io.cordwatch.gpu.tensorrt.TensorRtOptions;
import io.cordwatch.gpu.tensorrt.TensorRtUnavailableException;
import io.cordwatch.infer.BackboneEngine;
import io.cordwatch.infer.Bundle;
import io.cordwatch.infer.FallbackEngine;
import io.cordwatch.infer.TensorRtBackbone;
import io.cordwatch.telemetry.Meters;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Chooses the grading engine at start-up: the GPU when the device profile asks for it and CUDA,
 * TensorRT and the engine all load, else the CPU, with the reason in one log line. Either way the
 * result is a {@link FallbackEngine} over an already-open CPU engine, so a GPU fault later costs no
 * start-up time.
 */
final class EngineSelection {
  private static final Logger LOG = Logger.getLogger(EngineSelection.class.getName());

  /** The longest wait between GPU retries, as a multiple of {@code gpu-retry}. */
  static final int RETRY_MAX_FACTOR = 16;

  private EngineSelection() {}

  static FallbackEngine select(
      Settings settings,
      ProfileDetector.Detection detection,
      Bundle bundle,
      BackboneEngine cpu,
      Meters meters,
      Clock clock) {
    DeviceProfile p = detection.profile();
    if (!p.gpu()) {
      String why = "profile " + p.id() + ": " + last(detection);
      LOG.info("engine: " + cpu.name() + " (CPU); " + why);
      return FallbackEngine.cpuOnly(cpu, clock, false, why);
    }
    Path cacheDir = settings.dataDir().resolve("engines");
    TensorRtOptions options =
        new TensorRtOptions(
            bundle.backbone().path(),
            bundle.backbone().sha256(),
            bundle.preprocessing().inputSize(),
            Precision.valueOf(p.precision().name()),
            p.maxBatch(),
            Math.min(p.maxBatch(), 8),
            p.dla().use() ? 0 : -1,
            p.workspaceBytes(),
            cacheDir,
            Optional.empty(),
            0);
    BackboneEngine gpu;
    try {
      gpu = open(options);
    } catch (TensorRtUnavailableException | IllegalArgumentException e) {
      String why = "profile " + p.id() + " asks for the GPU, but " + e.getMessage();
      LOG.warning("engine: " + cpu.name() + " (CPU, degraded); " + why);
      return FallbackEngine.cpuOnly(cpu, clock, true, why);
    }
    Duration retry = settings.gpuRetry();
    LOG.info(
        "engine: " + gpu.name() + " (GPU, profile " + p.id() + "); CPU fallback " + cpu.name());
    return FallbackEngine.gpuFirst(
        gpu,
        cpu,
        () -> open(options),
        clock,
        retry,
        retry.multipliedBy(RETRY_MAX_FACTOR),
        new FallbackEngine.Listener() {
          @Override
          public void gpuFault(String reason) {
            meters.gpuFault();
          }

          @Override
          public void fallbackBatch() {
            meters.fallbackBatch();
          }

          @Override
          public void gpuRestored() {}
        },
        "profile " + p.id());
  }

  private static BackboneEngine open(TensorRtOptions options) {
    return new TensorRtBackbone(TensorRt.open(options));
  }

  private static String last(ProfileDetector.Detection d) {
    return d.reasons().isEmpty() ? "" : d.reasons().getLast();
  }
}
