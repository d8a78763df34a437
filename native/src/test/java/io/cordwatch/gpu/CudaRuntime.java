package io.cordwatch.gpu;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The few CUDA runtime calls the kernel checks need — device memory, copies, streams, events —
 * bound through Panama, so that the CUDA kernel library can be exercised and timed from Java on a
 * machine that has CUDA but no JavaCPP presets (the device check, GPU-tagged tests). The production
 * GPU path takes its memory and streams from the JavaCPP CUDA presets instead (DESIGN.md); both
 * runtimes use the device's primary context, so addresses and streams pass between them (a
 * cudaStream_t is a CUstream).
 *
 * <p>Loading, once per process, in this order: the file named by {@code -Dcordwatch.cudart.path};
 * then the dynamic linker's search for {@code libcudart.so}, {@code libcudart.so.13}, {@code
 * libcudart.so.12}; then {@code /usr/local/cuda/lib64/libcudart.so}. {@link #find()} says why when
 * none loads, so callers can skip with the reason.
 */
public final class CudaRuntime {
  private static final Logger LOG = Logger.getLogger(CudaRuntime.class.getName());
  private static final Linker LINKER = Linker.nativeLinker();
  private static final int HOST_TO_DEVICE = 1;
  private static final int DEVICE_TO_HOST = 2;
  private static final int DEVICE_TO_DEVICE = 3;

  private static Object loaded;
  private static boolean probed;
  private static String noDevice;

  private final String source;
  private final MethodHandle getDeviceCount;
  private final MethodHandle deviceGetAttribute;
  private final MethodHandle getErrorString;
  private final MethodHandle runtimeGetVersion;
  private final MethodHandle driverGetVersion;
  private final MethodHandle malloc;
  private final MethodHandle free;
  private final MethodHandle mallocHost;
  private final MethodHandle freeHost;
  private final MethodHandle memcpy2DAsync;
  private final MethodHandle memcpy;
  private final MethodHandle memcpyAsync;
  private final MethodHandle memsetAsync;
  private final MethodHandle streamCreate;
  private final MethodHandle streamDestroy;
  private final MethodHandle streamSynchronize;
  private final MethodHandle eventCreate;
  private final MethodHandle eventDestroy;
  private final MethodHandle eventRecord;
  private final MethodHandle eventSynchronize;
  private final MethodHandle eventElapsedTime;
  private final MethodHandle deviceSynchronize;
  private final Optional<MethodHandle> getDeviceProperties;

  /**
   * The runtime with at least one usable device, or empty with the reason logged once (see {@link
   * #unavailableReason()}).
   */
  public static synchronized Optional<CudaRuntime> find() {
    if (!probed) {
      probed = true;
      try {
        CudaRuntime rt = load();
        if (rt.deviceCount() < 1) {
          noDevice = "the CUDA runtime from " + rt.source() + " reports no device";
        }
      } catch (KernelException e) {
        noDevice = e.getMessage();
      }
      if (noDevice != null) {
        LOG.info(() -> "no CUDA device: " + noDevice);
      }
    }
    return noDevice == null ? Optional.of((CudaRuntime) loaded) : Optional.empty();
  }

  /** Why {@link #find()} comes back empty, or empty when it does not. */
  public static synchronized Optional<String> unavailableReason() {
    find();
    return Optional.ofNullable(noDevice);
  }

  /** The runtime, loading it on first use; a device may still be missing. */
  public static synchronized CudaRuntime load() {
    if (loaded == null) {
      try {
        loaded = open();
      } catch (KernelException e) {
        loaded = e;
      }
    }
    if (loaded instanceof KernelException e) {
      throw new KernelException(e.code(), e.getMessage(), e);
    }
    return (CudaRuntime) loaded;
  }

  @SuppressWarnings("restricted")
  private static CudaRuntime open() {
    List<String> tried = new ArrayList<>();
    String explicit = System.getProperty("cordwatch.cudart.path");
    List<String> candidates = new ArrayList<>();
    if (explicit != null) {
      candidates.add(explicit);
    } else {
      tried.add("-Dcordwatch.cudart.path: not set");
      candidates.addAll(List.of("libcudart.so", "libcudart.so.13", "libcudart.so.12"));
      if (Files.exists(Path.of("/usr/local/cuda/lib64/libcudart.so"))) {
        candidates.add("/usr/local/cuda/lib64/libcudart.so");
      }
    }
    for (String c : candidates) {
      try {
        SymbolLookup lookup =
            c.contains("/")
                ? SymbolLookup.libraryLookup(Path.of(c), Arena.global())
                : SymbolLookup.libraryLookup(c, Arena.global());
        CudaRuntime rt = new CudaRuntime(c, lookup);
        LOG.info(
            () ->
                "CUDA runtime "
                    + rt.runtimeVersion()
                    + " (driver "
                    + rt.driverVersion()
                    + ") loaded from "
                    + c);
        return rt;
      } catch (IllegalArgumentException | KernelException e) {
        tried.add(c + ": " + e.getMessage());
      }
    }
    throw new KernelException(
        KernelException.Code.LIBRARY_MISSING,
        "cannot load the CUDA runtime (tried " + String.join("; ", tried) + ")");
  }

  @SuppressWarnings("restricted")
  private CudaRuntime(String source, SymbolLookup lookup) {
    this.source = source;
    getDeviceCount = handle(lookup, "cudaGetDeviceCount", ADDRESS);
    deviceGetAttribute = handle(lookup, "cudaDeviceGetAttribute", ADDRESS, JAVA_INT, JAVA_INT);
    getErrorString =
        LINKER.downcallHandle(
            find(lookup, "cudaGetErrorString"), FunctionDescriptor.of(ADDRESS, JAVA_INT));
    runtimeGetVersion = handle(lookup, "cudaRuntimeGetVersion", ADDRESS);
    driverGetVersion = handle(lookup, "cudaDriverGetVersion", ADDRESS);
    malloc = handle(lookup, "cudaMalloc", ADDRESS, JAVA_LONG);
    free = handle(lookup, "cudaFree", ADDRESS);
    mallocHost = handle(lookup, "cudaMallocHost", ADDRESS, JAVA_LONG);
    freeHost = handle(lookup, "cudaFreeHost", ADDRESS);
    memcpy2DAsync =
        handle(
            lookup,
            "cudaMemcpy2DAsync",
            ADDRESS,
            JAVA_LONG,
            ADDRESS,
            JAVA_LONG,
            JAVA_LONG,
            JAVA_LONG,
            JAVA_INT,
            ADDRESS);
    memcpy = handle(lookup, "cudaMemcpy", ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT);
    memcpyAsync = handle(lookup, "cudaMemcpyAsync", ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS);
    memsetAsync = handle(lookup, "cudaMemsetAsync", ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS);
    streamCreate = handle(lookup, "cudaStreamCreate", ADDRESS);
    streamDestroy = handle(lookup, "cudaStreamDestroy", ADDRESS);
    streamSynchronize = handle(lookup, "cudaStreamSynchronize", ADDRESS);
    eventCreate = handle(lookup, "cudaEventCreate", ADDRESS);
    eventDestroy = handle(lookup, "cudaEventDestroy", ADDRESS);
    eventRecord = handle(lookup, "cudaEventRecord", ADDRESS, ADDRESS);
    eventSynchronize = handle(lookup, "cudaEventSynchronize", ADDRESS);
    eventElapsedTime = handle(lookup, "cudaEventElapsedTime", ADDRESS, ADDRESS, ADDRESS);
    deviceSynchronize = handle(lookup, "cudaDeviceSynchronize");
    // cudaGetDeviceProperties became a macro for the _v2 symbol in CUDA 12; either gives the name.
    Optional<MemorySegment> props =
        lookup.find("cudaGetDeviceProperties_v2").or(() -> lookup.find("cudaGetDeviceProperties"));
    getDeviceProperties =
        props.map(
            p -> LINKER.downcallHandle(p, FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT)));
  }

  private static MemorySegment find(SymbolLookup lookup, String name) {
    return lookup
        .find(name)
        .orElseThrow(
            () ->
                new KernelException(
                    KernelException.Code.LIBRARY_MISSING, "the CUDA runtime lacks " + name));
  }

  @SuppressWarnings("restricted")
  private static MethodHandle handle(
      SymbolLookup lookup, String name, java.lang.foreign.MemoryLayout... args) {
    return LINKER.downcallHandle(find(lookup, name), FunctionDescriptor.of(JAVA_INT, args));
  }

  /** Where the runtime was loaded from. */
  public String source() {
    return source;
  }

  @SuppressWarnings("restricted")
  private void check(int error, String what) {
    if (error != 0) {
      String text;
      try {
        text = ((MemorySegment) getErrorString.invokeExact(error)).reinterpret(1024).getString(0);
      } catch (Throwable t) {
        text = "(no message: " + t + ")";
      }
      throw new KernelException(
          KernelException.Code.CUDA, what + ": CUDA error " + error + " (" + text + ")");
    }
  }

  private int intOut(MethodHandle h, String what, Object... leading) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment out = a.allocate(JAVA_INT);
      Object[] args = new Object[leading.length + 1];
      args[0] = out;
      System.arraycopy(leading, 0, args, 1, leading.length);
      check((int) h.invokeWithArguments(args), what);
      return out.get(JAVA_INT, 0);
    } catch (KernelException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(what, t);
    }
  }

  private void call(String what, MethodHandle h, Object... args) {
    int error;
    try {
      error = (int) h.invokeWithArguments(args);
    } catch (RuntimeException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(what, t);
    }
    check(error, what);
  }

  /** cudaGetDeviceCount; a missing driver is a {@code CUDA} exception. */
  public int deviceCount() {
    return intOut(getDeviceCount, "cudaGetDeviceCount");
  }

  /** cudaRuntimeGetVersion, e.g. 12060 for 12.6. */
  public int runtimeVersion() {
    return intOut(runtimeGetVersion, "cudaRuntimeGetVersion");
  }

  /** cudaDriverGetVersion, the newest CUDA version the installed driver supports. */
  public int driverVersion() {
    return intOut(driverGetVersion, "cudaDriverGetVersion");
  }

  /** Compute capability of device 0 as major * 10 + minor (90 for an H100). */
  public int computeCapability() {
    int major = intOut(deviceGetAttribute, "compute capability", 75, 0);
    int minor = intOut(deviceGetAttribute, "compute capability", 76, 0);
    return major * 10 + minor;
  }

  /** Streaming multiprocessors of device 0. */
  public int multiprocessors() {
    return intOut(deviceGetAttribute, "multiprocessor count", 16, 0);
  }

  /** Device 0's name (the first field of cudaDeviceProp), or "unknown". */
  public String deviceName() {
    if (getDeviceProperties.isEmpty()) {
      return "unknown";
    }
    try (Arena a = Arena.ofConfined()) {
      // Larger than any cudaDeviceProp so far (about 1 KiB); only the leading char[256] is read.
      MemorySegment props = a.allocate(16384);
      check((int) getDeviceProperties.get().invokeExact(props, 0), "cudaGetDeviceProperties");
      return props.getString(0);
    } catch (KernelException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException("cudaGetDeviceProperties", t);
    }
  }

  /** cudaMalloc of {@code bytes}, freed when the buffer is closed. */
  public DeviceBuffer allocate(long bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("device buffer of " + bytes + " bytes");
    }
    try (Arena a = Arena.ofConfined()) {
      MemorySegment out = a.allocate(ADDRESS);
      call("cudaMalloc(" + bytes + ")", malloc, out, bytes);
      return new DeviceBuffer(this, out.get(ADDRESS, 0).address(), bytes);
    }
  }

  void free(long address) {
    try {
      int ignored = (int) free.invokeExact(MemorySegment.ofAddress(address));
    } catch (Throwable t) {
      LOG.warning(() -> "cudaFree failed: " + t);
    }
  }

  /** cudaMalloc of {@code bytes}; the caller frees with {@link #free(long)}. */
  long mallocDevice(long bytes) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment out = a.allocate(ADDRESS);
      call("cudaMalloc(" + bytes + ")", malloc, out, bytes);
      return out.get(ADDRESS, 0).address();
    }
  }

  /** cudaMallocHost (page-locked host memory) of {@code bytes}; freed with {@link #freeHost}. */
  long mallocHost(long bytes) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment out = a.allocate(ADDRESS);
      call("cudaMallocHost(" + bytes + ")", mallocHost, out, bytes);
      return out.get(ADDRESS, 0).address();
    }
  }

  void freeHost(long address) {
    try {
      int ignored = (int) freeHost.invokeExact(MemorySegment.ofAddress(address));
    } catch (Throwable t) {
      LOG.warning(() -> "cudaFreeHost failed: " + t);
    }
  }

  /** Host to device on a stream; {@code host} should be page-locked for the copy to be async. */
  void uploadAsync(MemorySegment host, MemorySegment device, long bytes, MemorySegment stream) {
    call("cudaMemcpyAsync H2D", memcpyAsync, device, host, bytes, HOST_TO_DEVICE, stream);
  }

  /** Device to host on a stream. */
  void downloadAsync(MemorySegment device, MemorySegment host, long bytes, MemorySegment stream) {
    call("cudaMemcpyAsync D2H", memcpyAsync, host, device, bytes, DEVICE_TO_HOST, stream);
  }

  /**
   * Device to device, {@code rows} rows of {@code widthBytes} bytes between pitched layouts
   * (cudaMemcpy2DAsync): for example the first D values of each of n input tensors.
   */
  public void copyRowsAsync(
      MemorySegment to,
      long toPitch,
      MemorySegment from,
      long fromPitch,
      long widthBytes,
      long rows,
      MemorySegment stream) {
    call(
        "cudaMemcpy2DAsync D2D",
        memcpy2DAsync,
        to,
        toPitch,
        from,
        fromPitch,
        widthBytes,
        rows,
        DEVICE_TO_DEVICE,
        stream);
  }

  /** Host to device, synchronous. */
  public void upload(MemorySegment host, DeviceBuffer device, long bytes) {
    call("cudaMemcpy H2D", memcpy, device.segment(), host, bytes, HOST_TO_DEVICE);
  }

  /** Device to host, synchronous. */
  public void download(DeviceBuffer device, MemorySegment host, long bytes) {
    call("cudaMemcpy D2H", memcpy, host, device.segment(), bytes, DEVICE_TO_HOST);
  }

  /** Device to device on a stream. */
  public void copyAsync(DeviceBuffer from, DeviceBuffer to, long bytes, CudaStream stream) {
    call(
        "cudaMemcpyAsync D2D",
        memcpyAsync,
        to.segment(),
        from.segment(),
        bytes,
        DEVICE_TO_DEVICE,
        stream.handle());
  }

  /** Sets every byte (cudaMemsetAsync), for example to poison outputs before a check. */
  public void fill(DeviceBuffer buffer, int value, CudaStream stream) {
    call("cudaMemsetAsync", memsetAsync, buffer.segment(), value, buffer.bytes(), stream.handle());
  }

  /** A new stream. */
  public CudaStream stream() {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment out = a.allocate(ADDRESS);
      call("cudaStreamCreate", streamCreate, out);
      return new CudaStream(this, out.get(ADDRESS, 0).address());
    }
  }

  void destroyStream(long handle) {
    try {
      int ignored = (int) streamDestroy.invokeExact(MemorySegment.ofAddress(handle));
    } catch (Throwable t) {
      LOG.warning(() -> "cudaStreamDestroy failed: " + t);
    }
  }

  void synchronize(CudaStream stream) {
    call("cudaStreamSynchronize", streamSynchronize, stream.handle());
  }

  /** cudaDeviceSynchronize: also surfaces a sticky fault of an earlier kernel. */
  public void synchronizeDevice() {
    call("cudaDeviceSynchronize", deviceSynchronize);
  }

  long createEvent() {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment out = a.allocate(ADDRESS);
      call("cudaEventCreate", eventCreate, out);
      return out.get(ADDRESS, 0).address();
    }
  }

  void destroyEvent(long event) {
    try {
      int ignored = (int) eventDestroy.invokeExact(MemorySegment.ofAddress(event));
    } catch (Throwable t) {
      LOG.warning(() -> "cudaEventDestroy failed: " + t);
    }
  }

  void recordEvent(long event, CudaStream stream) {
    call("cudaEventRecord", eventRecord, MemorySegment.ofAddress(event), stream.handle());
  }

  float elapsedMillis(long start, long stop) {
    call("cudaEventSynchronize", eventSynchronize, MemorySegment.ofAddress(stop));
    try (Arena a = Arena.ofConfined()) {
      MemorySegment out = a.allocate(JAVA_FLOAT);
      call(
          "cudaEventElapsedTime",
          eventElapsedTime,
          out,
          MemorySegment.ofAddress(start),
          MemorySegment.ofAddress(stop));
      return out.get(JAVA_FLOAT, 0);
    }
  }
}
