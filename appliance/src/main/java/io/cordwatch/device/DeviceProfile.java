package io.cordwatch.device;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One device profile, as read from firmware-config/profiles/ID.yaml (docs/gpu.md).
 *
 * @param id the file's name without {@code .yaml}
 * @param name what people call the machine
 * @param match which hosts it is for
 * @param engine the backbone engine to run
 * @param precision the TensorRT precision (fp32 for the CPU engine)
 * @param maxBatch the largest batch the engine is built for (1..64)
 * @param dla whether to run the backbone on a Jetson DLA core, and how many there are
 * @param workspaceBytes the TensorRT builder's workspace limit (0 for the CPU engine)
 * @param power the power mode to run in, the command that sets it and why
 * @param clocks the clock setting to use, the command and why
 * @param reference the published ResNet-50 figure for this device, or why there is none
 * @param origin where it was read from, for messages
 */
public record DeviceProfile(
    String id,
    String name,
    Match match,
    Engine engine,
    Precision precision,
    int maxBatch,
    Dla dla,
    long workspaceBytes,
    Power power,
    Clocks clocks,
    Reference reference,
    String origin) {

  public DeviceProfile {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(match, "match");
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(precision, "precision");
  }

  /** The kind of host a profile is for. */
  public enum Platform {
    /** An NVIDIA Jetson module (integrated GPU, unified memory, optional DLA). */
    JETSON("jetson"),
    /** A machine with a discrete NVIDIA GPU that NVML reports. */
    NVIDIA_GPU("nvidia-gpu"),
    /** No usable NVIDIA GPU. */
    CPU("cpu");

    private final String key;

    Platform(String key) {
      this.key = key;
    }

    public String key() {
      return key;
    }

    static Platform of(String key) {
      for (Platform p : values()) {
        if (p.key.equals(key)) {
          return p;
        }
      }
      return null;
    }
  }

  /** The backbone engine a profile asks for. */
  public enum Engine {
    TENSORRT("tensorrt"),
    ONNXRUNTIME_CPU("onnxruntime-cpu");

    private final String key;

    Engine(String key) {
      this.key = key;
    }

    public String key() {
      return key;
    }

    static Engine of(String key) {
      for (Engine e : values()) {
        if (e.key.equals(key)) {
          return e;
        }
      }
      return null;
    }
  }

  /** Numeric precision of the compiled engine. */
  public enum Precision {
    FP32("fp32"),
    FP16("fp16"),
    INT8("int8");

    private final String key;

    Precision(String key) {
      this.key = key;
    }

    /** How the profile file spells it. */
    public String key() {
      return key;
    }

    static Precision of(String key) {
      for (Precision p : values()) {
        if (p.key().equals(key)) {
          return p;
        }
      }
      return null;
    }
  }

  /**
   * Which hosts a profile is for.
   *
   * @param platform the kind of host
   * @param modelContains Jetson: substrings of /proc/device-tree/model, any of which matches
   *     (case-insensitive); empty otherwise
   * @param memoryGibMin Jetson: least MemTotal in GiB, or null
   * @param memoryGibMax Jetson: MemTotal below this many GiB, or null
   * @param computeCapabilities NVIDIA GPU: the compute capabilities ("8.9") it is for
   */
  public record Match(
      Platform platform,
      List<String> modelContains,
      Double memoryGibMin,
      Double memoryGibMax,
      List<String> computeCapabilities) {
    public Match {
      modelContains = List.copyOf(modelContains);
      computeCapabilities = List.copyOf(computeCapabilities);
    }
  }

  /** DLA use on Jetson. */
  public record Dla(boolean use, int cores) {}

  /** The power mode, the command that sets it, and the reason. */
  public record Power(String mode, String command, String advice) {}

  /** The clock setting's command and the reason. */
  public record Clocks(String command, String advice) {}

  /**
   * The published ResNet-50 figure for the device: either {@code imagesPerSecond} with its
   * precision, conditions and source, or {@code notFound} saying why there is none.
   */
  public record Reference(
      Double imagesPerSecond, String precision, String conditions, String source, String notFound) {
    public boolean published() {
      return imagesPerSecond != null;
    }
  }

  public boolean gpu() {
    return engine == Engine.TENSORRT;
  }

  /** One line: engine, precision, batch, DLA and workspace. */
  public String engineLine() {
    if (!gpu()) {
      return engine.key() + ", " + precision.key() + ", batch up to " + maxBatch;
    }
    return engine.key()
        + ", "
        + precision.key()
        + ", dynamic batch 1.."
        + maxBatch
        + ", "
        + (dla.use() ? "DLA core 0 (GPU fallback for unsupported layers)" : "DLA off")
        + ", workspace "
        + String.format(Locale.ROOT, "%.1f GiB", workspaceBytes / (double) (1L << 30));
  }
}
