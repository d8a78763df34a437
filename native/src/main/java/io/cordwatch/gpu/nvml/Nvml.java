package io.cordwatch.gpu.nvml;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An initialised NVML session. Open with {@link #open}; close once (idempotent); every call after
 * close throws {@link IllegalStateException}.
 *
 * <p>Loading order: the path in system property {@value #LIBRARY_PROPERTY} when set, else {@code
 * libnvidia-ml.so.1} by the dynamic loader's search (ld.so.cache, LD_LIBRARY_PATH). The library is
 * opened into this session's own arena, so closing the session unloads it; nothing is loaded by
 * class initialisation.
 *
 * <p>Only the calls the appliance needs are bound, each with the C signature from nvml.h. Devices
 * are addressed by index and their handles looked up per call: a handle is a pointer owned by the
 * driver, and asking again costs a table lookup while keeping no pointer alive across a driver
 * reset. Thread-safe: calls are synchronised with {@link #close}.
 */
// Binding a C library is what the restricted Panama methods are for; the appliance runs with
// --enable-native-access=ALL-UNNAMED.
@SuppressWarnings("restricted")
public final class Nvml implements AutoCloseable {
  /** System property naming the NVML library file to load instead of the default. */
  public static final String LIBRARY_PROPERTY = "cordwatch.nvml.library";

  static final String DEFAULT_LIBRARY = "libnvidia-ml.so.1";

  private static final int SUCCESS = 0;
  private static final int TEMPERATURE_GPU = 0;
  private static final int CLOCK_GRAPHICS = 0;
  private static final int NAME_BUFFER = 96;
  private static final int VERSION_BUFFER = 80;

  private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
  private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
  private static final ValueLayout ADDRESS = ValueLayout.ADDRESS;

  private final Arena arena;
  private final MethodHandle shutdown;
  private final MethodHandle errorString;
  private final MethodHandle driverVersion;
  private final MethodHandle deviceCount;
  private final MethodHandle handleByIndex;
  private final MethodHandle name;
  private final MethodHandle computeCapability;
  private final MethodHandle memoryInfo;
  private final MethodHandle temperature;
  private final MethodHandle utilization;
  private final MethodHandle powerUsage;
  private final MethodHandle clockInfo;
  private final MethodHandle throttleReasons;
  private boolean closed;

  private Nvml(Arena arena, SymbolLookup lib) {
    this.arena = arena;
    Linker linker = Linker.nativeLinker();
    MethodHandle init = bind(linker, lib, "nvmlInit_v2", FunctionDescriptor.of(INT));
    this.shutdown = bind(linker, lib, "nvmlShutdown", FunctionDescriptor.of(INT));
    this.errorString = bind(linker, lib, "nvmlErrorString", FunctionDescriptor.of(ADDRESS, INT));
    this.driverVersion =
        bind(linker, lib, "nvmlSystemGetDriverVersion", FunctionDescriptor.of(INT, ADDRESS, INT));
    this.deviceCount =
        bind(linker, lib, "nvmlDeviceGetCount_v2", FunctionDescriptor.of(INT, ADDRESS));
    this.handleByIndex =
        bind(
            linker, lib, "nvmlDeviceGetHandleByIndex_v2", FunctionDescriptor.of(INT, INT, ADDRESS));
    this.name =
        bind(linker, lib, "nvmlDeviceGetName", FunctionDescriptor.of(INT, ADDRESS, ADDRESS, INT));
    this.computeCapability =
        bind(
            linker,
            lib,
            "nvmlDeviceGetCudaComputeCapability",
            FunctionDescriptor.of(INT, ADDRESS, ADDRESS, ADDRESS));
    this.memoryInfo =
        bind(linker, lib, "nvmlDeviceGetMemoryInfo", FunctionDescriptor.of(INT, ADDRESS, ADDRESS));
    this.temperature =
        bind(
            linker,
            lib,
            "nvmlDeviceGetTemperature",
            FunctionDescriptor.of(INT, ADDRESS, INT, ADDRESS));
    this.utilization =
        bind(
            linker,
            lib,
            "nvmlDeviceGetUtilizationRates",
            FunctionDescriptor.of(INT, ADDRESS, ADDRESS));
    this.powerUsage =
        bind(linker, lib, "nvmlDeviceGetPowerUsage", FunctionDescriptor.of(INT, ADDRESS, ADDRESS));
    this.clockInfo =
        bind(
            linker,
            lib,
            "nvmlDeviceGetClockInfo",
            FunctionDescriptor.of(INT, ADDRESS, INT, ADDRESS));
    this.throttleReasons =
        bind(
            linker,
            lib,
            "nvmlDeviceGetCurrentClocksThrottleReasons",
            FunctionDescriptor.of(INT, ADDRESS, ADDRESS));
    int rc;
    try {
      rc = (int) init.invokeExact();
    } catch (Throwable t) {
      throw new NvmlException(UNINITIALIZED_CALL, "nvmlInit_v2 failed: " + t, t);
    }
    if (rc != SUCCESS) {
      throw new NvmlException(rc, "nvmlInit_v2: " + text(rc));
    }
  }

  /** Our code for a failure inside the Java-to-C call itself (not an NVML return code). */
  private static final int UNINITIALIZED_CALL = -1;

  /**
   * Loads NVML and initialises it.
   *
   * @throws NvmlException {@link NvmlException#LIBRARY_NOT_FOUND} when the library cannot be opened
   *     or lacks a symbol we bind, or NVML's own code when initialisation fails (e.g. {@link
   *     NvmlException#DRIVER_NOT_LOADED})
   */
  public static Nvml open() {
    String library = System.getProperty(LIBRARY_PROPERTY, DEFAULT_LIBRARY);
    Arena arena = Arena.ofShared();
    try {
      SymbolLookup lib;
      try {
        lib = SymbolLookup.libraryLookup(library, arena);
      } catch (IllegalArgumentException e) {
        throw new NvmlException(
            NvmlException.LIBRARY_NOT_FOUND,
            library
                + " cannot be opened (no NVIDIA driver on this machine, or set -D"
                + LIBRARY_PROPERTY
                + "=PATH)",
            e);
      }
      return new Nvml(arena, lib);
    } catch (RuntimeException e) {
      arena.close();
      throw e;
    }
  }

  private static MethodHandle bind(
      Linker linker, SymbolLookup lib, String symbol, FunctionDescriptor fd) {
    MemorySegment address =
        lib.find(symbol)
            .orElseThrow(
                () ->
                    new NvmlException(
                        NvmlException.LIBRARY_NOT_FOUND,
                        "the NVML library has no " + symbol + " (driver too old?)"));
    return linker.downcallHandle(address, fd);
  }

  /** What {@link #describe} reports of one GPU. */
  public record DeviceInfo(int index, String name, int major, int minor, long memoryTotalBytes) {}

  /**
   * One reading of a GPU; a figure the board does not support is null.
   *
   * @param throttleMask nvmlClocksThrottleReasons bits, null when unsupported
   */
  public record Sample(
      Integer temperatureC,
      Integer utilizationPercent,
      Long memoryUsedBytes,
      Long memoryTotalBytes,
      Integer powerMilliwatts,
      Integer graphicsClockMhz,
      Long throttleMask) {

    /** The active throttle reasons by name; null when the board does not report them. */
    public List<String> throttleReasons() {
      return throttleMask == null ? null : Nvml.throttleReasons(throttleMask);
    }
  }

  /** The driver's version string. */
  public synchronized String driverVersion() {
    live();
    try (Arena a = Arena.ofConfined()) {
      MemorySegment buf = a.allocate(VERSION_BUFFER);
      check("nvmlSystemGetDriverVersion", (int) driverVersion.invokeExact(buf, VERSION_BUFFER));
      return buf.getString(0, StandardCharsets.US_ASCII);
    } catch (NvmlException e) {
      throw e;
    } catch (Throwable t) {
      throw callFailed("nvmlSystemGetDriverVersion", t);
    }
  }

  /** How many GPUs the driver sees (all of them, including ones this process may not use). */
  public synchronized int deviceCount() {
    live();
    try (Arena a = Arena.ofConfined()) {
      MemorySegment n = a.allocate(INT);
      check("nvmlDeviceGetCount_v2", (int) deviceCount.invokeExact(n));
      return n.get(INT, 0);
    } catch (NvmlException e) {
      throw e;
    } catch (Throwable t) {
      throw callFailed("nvmlDeviceGetCount_v2", t);
    }
  }

  /** Name, compute capability and memory of GPU {@code index}. */
  public synchronized DeviceInfo describe(int index) {
    live();
    try (Arena a = Arena.ofConfined()) {
      MemorySegment dev = handle(a, index);
      MemorySegment buf = a.allocate(NAME_BUFFER);
      check("nvmlDeviceGetName", (int) name.invokeExact(dev, buf, NAME_BUFFER));
      MemorySegment major = a.allocate(INT);
      MemorySegment minor = a.allocate(INT);
      check(
          "nvmlDeviceGetCudaComputeCapability",
          (int) computeCapability.invokeExact(dev, major, minor));
      MemorySegment mem = a.allocate(3 * Long.BYTES, Long.BYTES);
      check("nvmlDeviceGetMemoryInfo", (int) memoryInfo.invokeExact(dev, mem));
      return new DeviceInfo(
          index,
          buf.getString(0, StandardCharsets.UTF_8),
          major.get(INT, 0),
          minor.get(INT, 0),
          mem.get(LONG, 0));
    } catch (NvmlException e) {
      throw e;
    } catch (Throwable t) {
      throw callFailed("describe", t);
    }
  }

  /** Reads GPU {@code index}; unsupported figures are null. */
  public synchronized Sample sample(int index) {
    live();
    try (Arena a = Arena.ofConfined()) {
      MemorySegment dev = handle(a, index);
      MemorySegment u32 = a.allocate(INT);
      Integer temp =
          optional(
                  "nvmlDeviceGetTemperature",
                  (int) temperature.invokeExact(dev, TEMPERATURE_GPU, u32))
              ? u32.get(INT, 0)
              : null;
      // nvmlUtilization_t { unsigned int gpu; unsigned int memory; }
      MemorySegment util = a.allocate(2 * Integer.BYTES, Integer.BYTES);
      Integer busy =
          optional("nvmlDeviceGetUtilizationRates", (int) utilization.invokeExact(dev, util))
              ? util.get(INT, 0)
              : null;
      // nvmlMemory_t { unsigned long long total; unsigned long long free; unsigned long long used;
      // }
      MemorySegment mem = a.allocate(3 * Long.BYTES, Long.BYTES);
      Long total = null;
      Long used = null;
      if (optional("nvmlDeviceGetMemoryInfo", (int) memoryInfo.invokeExact(dev, mem))) {
        total = mem.get(LONG, 0);
        used = mem.get(LONG, 2 * Long.BYTES);
      }
      Integer power =
          optional("nvmlDeviceGetPowerUsage", (int) powerUsage.invokeExact(dev, u32))
              ? u32.get(INT, 0)
              : null;
      Integer clock =
          optional("nvmlDeviceGetClockInfo", (int) clockInfo.invokeExact(dev, CLOCK_GRAPHICS, u32))
              ? u32.get(INT, 0)
              : null;
      MemorySegment mask = a.allocate(LONG);
      Long reasons =
          optional(
                  "nvmlDeviceGetCurrentClocksThrottleReasons",
                  (int) throttleReasons.invokeExact(dev, mask))
              ? mask.get(LONG, 0)
              : null;
      return new Sample(temp, busy, used, total, power, clock, reasons);
    } catch (NvmlException e) {
      throw e;
    } catch (Throwable t) {
      throw callFailed("sample", t);
    }
  }

  /** The GPUs the driver sees; empty when it sees none. */
  public List<DeviceInfo> devices() {
    List<DeviceInfo> out = new ArrayList<>();
    int n = deviceCount();
    for (int i = 0; i < n; i++) {
      out.add(describe(i));
    }
    return out;
  }

  private MemorySegment handle(Arena a, int index) throws Throwable {
    MemorySegment slot = a.allocate(ADDRESS);
    check("nvmlDeviceGetHandleByIndex_v2", (int) handleByIndex.invokeExact(index, slot));
    return slot.get(ValueLayout.ADDRESS, 0);
  }

  /** The NVML names of the throttle-reason bits set in {@code mask}, in bit order. */
  public static List<String> throttleReasons(long mask) {
    List<String> out = new ArrayList<>();
    for (int bit = 0; bit < THROTTLE_NAMES.size(); bit++) {
      if ((mask & (1L << bit)) != 0) {
        out.add(THROTTLE_NAMES.get(bit));
      }
    }
    return out;
  }

  /**
   * nvmlClocksThrottleReason* bits 0x1 .. 0x100, in order: every name {@link #throttleReasons} can
   * give (the appliance exports one gauge per name).
   */
  public static final List<String> THROTTLE_NAMES =
      List.of(
          "gpu_idle",
          "applications_clocks_setting",
          "sw_power_cap",
          "hw_slowdown",
          "sync_boost",
          "sw_thermal_slowdown",
          "hw_thermal_slowdown",
          "hw_power_brake_slowdown",
          "display_clock_setting");

  private void check(String call, int rc) {
    if (rc != SUCCESS) {
      throw new NvmlException(rc, call + ": " + text(rc));
    }
  }

  /** True on success, false when the board does not support the figure; throws otherwise. */
  private boolean optional(String call, int rc) {
    if (rc == NvmlException.NOT_SUPPORTED) {
      return false;
    }
    check(call, rc);
    return true;
  }

  private String text(int rc) {
    try {
      MemorySegment s = (MemorySegment) errorString.invokeExact(rc);
      return Optional.of(s)
          .filter(p -> !p.equals(MemorySegment.NULL))
          .map(p -> p.reinterpret(256).getString(0, StandardCharsets.US_ASCII))
          .orElse("NVML error " + rc);
    } catch (Throwable t) {
      return "NVML error " + rc;
    }
  }

  private static NvmlException callFailed(String call, Throwable t) {
    return new NvmlException(UNINITIALIZED_CALL, call + " failed in the native call: " + t, t);
  }

  private void live() {
    if (closed) {
      throw new IllegalStateException("NVML session is closed");
    }
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      try {
        int rc = (int) shutdown.invokeExact();
        if (rc != SUCCESS) {
          System.getLogger(Nvml.class.getName())
              .log(System.Logger.Level.DEBUG, "nvmlShutdown returned " + rc);
        }
      } catch (Throwable t) {
        System.getLogger(Nvml.class.getName())
            .log(System.Logger.Level.DEBUG, "nvmlShutdown failed", t);
      } finally {
        arena.close();
      }
    }
  }
}
