package io.cordwatch.gpu;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntFunction;
import java.util.logging.Logger;

/**
 * One loaded kernel library (kernels/include/cordwatch_kernels.h) and typed calls of its
 * operations.
 *
 * <p><b>Loading</b> happens here and nowhere else, once per {@link Flavour} and process, trying in
 * this order and logging each step:
 *
 * <ol>
 *   <li>the file named by the system property {@code cordwatch.kernels.host.path} or {@code
 *       cordwatch.kernels.cuda.path} — how an installation or the device check pins a build; when
 *       the property is set and the file does not load, loading fails rather than falling through
 *       to another build;
 *   <li>the library bundled in the cordwatch-kernels jar for this OS and CPU ({@code
 *       io/cordwatch/kernels/linux-x86_64/libcordwatch_kernels_host.so}, or {@code linux-aarch64}),
 *       extracted to a temporary file that is deleted at exit;
 *   <li>the system library path: every folder of {@code java.library.path}, then the dynamic
 *       linker's own search by name ({@code LD_LIBRARY_PATH}, ld.so.cache, /usr/lib).
 * </ol>
 *
 * A library whose {@code cw_abi_version()} differs from {@link #ABI_VERSION} is refused. Failure is
 * a {@link KernelException} with code {@code LIBRARY_MISSING} naming every place tried and why; it
 * is kept and rethrown to later callers, so a missing GPU library is decided once.
 *
 * <p><b>Lifetime</b>: a loaded library stays loaded for the life of the process (like ONNX
 * Runtime's environment): unloading code other threads may be running is never safe, so this class
 * is not closeable. Buffers are the caller's: host {@link MemorySegment}s for the host build,
 * device addresses ({@code MemorySegment.ofAddress}) for the CUDA build, from the presets' memory
 * in production or a {@code DeviceBuffer} in the tests. Temporary host memory a call needs (the
 * boxes) lives in a confined arena closed before the call returns.
 *
 * <p>Every method throws {@link KernelException} with the C status's code and {@code
 * cw_last_error()}'s message when the library refuses a call; nothing is written then. Calls are
 * thread-safe (the library keeps no state but the per-thread message).
 */
public final class KernelLibrary {
  /** The ABI version this binding was written for (CW_ABI_VERSION). */
  public static final int ABI_VERSION = 1;

  private static final Logger LOG = Logger.getLogger(KernelLibrary.class.getName());
  private static final Linker LINKER = Linker.nativeLinker();

  /** Which build of the ABI. */
  public enum Flavour {
    /** Plain C; every buffer is host memory. */
    HOST("cordwatch_kernels_host"),
    /** CUDA fat binary; data buffers are device memory, boxes and histogram windows host memory. */
    CUDA("cordwatch_kernels_cuda");

    private final String libraryName;

    Flavour(String libraryName) {
      this.libraryName = libraryName;
    }

    /**
     * The library's base name, e.g. {@code cordwatch_kernels_host} for
     * libcordwatch_kernels_host.so.
     */
    public String libraryName() {
      return libraryName;
    }

    /** The system property naming an explicit library file for this flavour. */
    public String pathProperty() {
      return "cordwatch.kernels." + name().toLowerCase(Locale.ROOT) + ".path";
    }
  }

  private static final Map<Flavour, Object> LOADED = new EnumMap<>(Flavour.class);

  private final Flavour flavour;
  private final String source;
  private final String build;
  private final MethodHandle lastError;
  private final MethodHandle preprocess;
  private final MethodHandle histogramClear;
  private final MethodHandle histogramAccumulate;
  private final MethodHandle histogramWindow;
  private final MethodHandle prototypeHead;

  /** The host build, loading it on first use. */
  public static KernelLibrary host() {
    return load(Flavour.HOST);
  }

  /**
   * The CUDA build, loading it on first use. Loading needs no GPU (the CUDA runtime is linked
   * statically and finds the driver at the first call); calls on a machine without one fail with
   * {@code CUDA}.
   */
  public static KernelLibrary cuda() {
    return load(Flavour.CUDA);
  }

  /** The library of a flavour, loaded once per process in the documented order. */
  public static KernelLibrary load(Flavour flavour) {
    Objects.requireNonNull(flavour, "flavour");
    synchronized (LOADED) {
      Object known = LOADED.get(flavour);
      if (known == null) {
        try {
          known = open(flavour, System.getProperty(flavour.pathProperty()));
        } catch (KernelException e) {
          known = e;
        }
        LOADED.put(flavour, known);
      }
      if (known instanceof KernelException e) {
        throw new KernelException(e.code(), e.getMessage(), e);
      }
      return (KernelLibrary) known;
    }
  }

  /**
   * The loading order, without the per-process cache (tests call it with their own explicit path).
   *
   * @param explicit the value of the flavour's path property, or null when unset
   */
  @SuppressWarnings("restricted")
  static KernelLibrary open(Flavour flavour, String explicit) {
    List<String> tried = new ArrayList<>();
    if (explicit != null) {
      Path file = Path.of(explicit);
      try {
        return fromLookup(flavour, "-D" + flavour.pathProperty() + "=" + file, lookup(file));
      } catch (IllegalArgumentException e) {
        throw missing(flavour, List.of("-D" + flavour.pathProperty() + "=" + file + ": " + e));
      } catch (KernelException e) {
        throw new KernelException(e.code(), file + ": " + e.getMessage(), e);
      }
    }
    tried.add("-D" + flavour.pathProperty() + ": not set");

    String resource = resourceName(flavour);
    try (InputStream in = KernelLibrary.class.getResourceAsStream(resource)) {
      if (in == null) {
        tried.add("resource " + resource + ": not in the class path");
        LOG.fine(() -> flavour + " kernels: no bundled " + resource);
      } else {
        Path file = Files.createTempFile(flavour.libraryName() + "-", ".so");
        file.toFile().deleteOnExit();
        Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        return fromLookup(flavour, "bundled " + resource, lookup(file));
      }
    } catch (IOException | IllegalArgumentException e) {
      tried.add("resource " + resource + ": " + e);
    }

    String mapped = System.mapLibraryName(flavour.libraryName());
    String libraryPath = System.getProperty("java.library.path", "");
    for (String dir : libraryPath.split(java.io.File.pathSeparator)) {
      if (dir.isBlank()) {
        continue;
      }
      Path file = Path.of(dir, mapped);
      if (Files.isRegularFile(file)) {
        try {
          return fromLookup(flavour, "java.library.path " + file, lookup(file));
        } catch (IllegalArgumentException e) {
          tried.add(file + ": " + e.getMessage());
        }
      }
    }
    tried.add("java.library.path (" + libraryPath + "): no loadable " + mapped);
    try {
      return fromLookup(
          flavour, "system library " + mapped, SymbolLookup.libraryLookup(mapped, Arena.global()));
    } catch (IllegalArgumentException e) {
      tried.add("dynamic linker search for " + mapped + ": " + e.getMessage());
    }
    throw missing(flavour, tried);
  }

  private static KernelException missing(Flavour flavour, List<String> tried) {
    return new KernelException(
        KernelException.Code.LIBRARY_MISSING,
        "cannot load the "
            + flavour.name().toLowerCase(Locale.ROOT)
            + " kernel library (tried "
            + String.join("; ", tried)
            + ")");
  }

  /** The resource path of a flavour's library for this OS and CPU. */
  public static String resourceName(Flavour flavour) {
    String arch = System.getProperty("os.arch", "unknown");
    String cpu =
        switch (arch) {
          case "amd64", "x86_64" -> "x86_64";
          case "aarch64", "arm64" -> "aarch64";
          default -> arch;
        };
    return "/io/cordwatch/kernels/linux-"
        + cpu
        + "/"
        + System.mapLibraryName(flavour.libraryName());
  }

  @SuppressWarnings("restricted")
  private static SymbolLookup lookup(Path file) {
    return SymbolLookup.libraryLookup(file, Arena.global());
  }

  private static KernelLibrary fromLookup(Flavour flavour, String source, SymbolLookup lookup) {
    KernelLibrary lib = new KernelLibrary(flavour, source, lookup);
    LOG.info(() -> flavour + " kernels loaded from " + source + ": " + lib.build);
    return lib;
  }

  private KernelLibrary(Flavour flavour, String source, SymbolLookup lookup) {
    this.flavour = flavour;
    this.source = source;
    int version;
    try {
      version = (int) handle(lookup, "cw_abi_version", FunctionDescriptor.of(JAVA_INT)).invoke();
      MethodHandle buildHandle = handle(lookup, "cw_library_build", FunctionDescriptor.of(ADDRESS));
      this.build = string((MemorySegment) buildHandle.invoke());
    } catch (KernelException e) {
      throw e;
    } catch (Throwable t) {
      throw new KernelException(
          KernelException.Code.LIBRARY_MISSING, source + ": cannot call cw_abi_version: " + t, t);
    }
    if (version != ABI_VERSION) {
      throw new KernelException(
          KernelException.Code.ABI_MISMATCH,
          source + " implements kernel ABI " + version + ", this binding needs " + ABI_VERSION);
    }
    this.lastError = handle(lookup, "cw_last_error", FunctionDescriptor.of(ADDRESS));
    this.preprocess =
        handle(
            lookup,
            "cw_preprocess_run",
            FunctionDescriptor.of(
                JAVA_INT, // status
                ADDRESS, // stored
                JAVA_INT, // n
                JAVA_INT, // width
                JAVA_INT, // height
                JAVA_INT, // bits_stored
                JAVA_INT, // is_signed
                JAVA_DOUBLE, // slope
                JAVA_DOUBLE, // intercept
                JAVA_INT, // monochrome1
                JAVA_DOUBLE, // window_low
                JAVA_DOUBLE, // window_high
                ADDRESS, // boxes
                JAVA_DOUBLE, // margin
                JAVA_INT, // size
                JAVA_INT, // channels
                JAVA_DOUBLE, // mean
                JAVA_DOUBLE, // std
                ADDRESS, // out_f32
                ADDRESS, // out_f16
                ADDRESS)); // stream
    this.histogramClear =
        handle(
            lookup,
            "cw_histogram_clear",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
    this.histogramAccumulate =
        handle(
            lookup,
            "cw_histogram_accumulate",
            FunctionDescriptor.of(
                JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    this.histogramWindow =
        handle(
            lookup,
            "cw_histogram_window",
            FunctionDescriptor.of(
                JAVA_INT,
                ADDRESS,
                JAVA_INT,
                JAVA_INT,
                JAVA_DOUBLE,
                JAVA_DOUBLE,
                JAVA_DOUBLE,
                JAVA_DOUBLE,
                ADDRESS));
    this.prototypeHead =
        handle(
            lookup,
            "cw_prototype_head_run",
            FunctionDescriptor.of(
                JAVA_INT, // status
                ADDRESS, // embeddings
                JAVA_INT, // n
                ADDRESS, // prototypes
                JAVA_INT, // k
                JAVA_INT, // d
                JAVA_DOUBLE, // temperature
                JAVA_DOUBLE, // ood_scale
                ADDRESS, // probabilities
                ADDRESS, // distances
                ADDRESS, // grades
                ADDRESS, // ood
                ADDRESS, // nonfinite_at
                ADDRESS)); // stream
  }

  @SuppressWarnings("restricted")
  private static MethodHandle handle(SymbolLookup lookup, String name, FunctionDescriptor fd) {
    MemorySegment symbol =
        lookup
            .find(name)
            .orElseThrow(
                () ->
                    new KernelException(
                        KernelException.Code.LIBRARY_MISSING,
                        "the kernel library lacks " + name + " (not ABI " + ABI_VERSION + ")"));
    return LINKER.downcallHandle(symbol, fd);
  }

  @SuppressWarnings("restricted")
  private static String string(MemorySegment cString) {
    return cString.reinterpret(4096).getString(0);
  }

  /** Which build this is. */
  public Flavour flavour() {
    return flavour;
  }

  /** Where it was loaded from (the step of the loading order that succeeded). */
  public String source() {
    return source;
  }

  /** The library's own description ({@code cw_library_build()}). */
  public String build() {
    return build;
  }

  /**
   * {@code cw_preprocess_run}: n slices of one series, width x height 16-bit samples each, to n x C
   * x S x S floats (fp32 and/or fp16 bit patterns).
   *
   * @param stored n x height x width 16-bit samples
   * @param boxes 4 n values x0, y0, x1, y1 (continuous pixel coordinates), host memory in both
   *     builds
   * @param outF32 n x C x S x S floats, or {@link MemorySegment#NULL}
   * @param outF16 n x C x S x S binary16 words, or {@link MemorySegment#NULL}
   * @param stream a cudaStream_t for the CUDA build ({@link MemorySegment#NULL}: default stream)
   */
  public void preprocess(
      MemorySegment stored,
      int n,
      int width,
      int height,
      SampleEncoding encoding,
      double windowLow,
      double windowHigh,
      double[] boxes,
      InputSpec spec,
      MemorySegment outF32,
      MemorySegment outF16,
      MemorySegment stream) {
    Objects.requireNonNull(boxes, "boxes");
    if (boxes.length != 4L * Math.max(n, 0)) {
      throw new KernelException(
          KernelException.Code.BAD_SIZE,
          "preprocess: " + boxes.length + " box values for " + n + " slices, need 4 per slice");
    }
    try (Arena call = Arena.ofConfined()) {
      MemorySegment hostBoxes = n == 0 ? MemorySegment.NULL : call.allocateFrom(JAVA_DOUBLE, boxes);
      int status =
          (int)
              preprocess.invokeExact(
                  stored,
                  n,
                  width,
                  height,
                  encoding.bitsStored(),
                  encoding.signed() ? 1 : 0,
                  encoding.slope(),
                  encoding.intercept(),
                  encoding.monochrome1() ? 1 : 0,
                  windowLow,
                  windowHigh,
                  hostBoxes,
                  spec.margin(),
                  spec.size(),
                  spec.channels(),
                  spec.mean(),
                  spec.std(),
                  outF32,
                  outF16,
                  stream);
      check(status);
    } catch (KernelException | IllegalStateException | IllegalArgumentException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException("cw_preprocess_run", t);
    }
  }

  /** {@code cw_histogram_clear}: zeroes the 1 << bitsStored 64-bit counts. */
  public void histogramClear(MemorySegment counts, int bitsStored, MemorySegment stream) {
    try {
      check((int) histogramClear.invokeExact(counts, bitsStored, stream));
    } catch (KernelException | IllegalStateException | IllegalArgumentException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException("cw_histogram_clear", t);
    }
  }

  /** {@code cw_histogram_accumulate}: adds count 16-bit samples to the counts. */
  public void histogramAccumulate(
      MemorySegment stored,
      long count,
      int bitsStored,
      boolean signed,
      MemorySegment counts,
      MemorySegment stream) {
    try {
      check(
          (int)
              histogramAccumulate.invokeExact(
                  stored, count, bitsStored, signed ? 1 : 0, counts, stream));
    } catch (KernelException | IllegalStateException | IllegalArgumentException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException("cw_histogram_accumulate", t);
    }
  }

  /**
   * {@code cw_histogram_window}: the series window (low, high) from host-memory counts.
   *
   * @param counts 1 << bitsStored 64-bit counts in host memory (both builds)
   */
  public double[] histogramWindow(
      MemorySegment counts, SampleEncoding encoding, double lowPercent, double highPercent) {
    try (Arena call = Arena.ofConfined()) {
      MemorySegment window = call.allocate(JAVA_DOUBLE, 2);
      check(
          (int)
              histogramWindow.invokeExact(
                  counts,
                  encoding.bitsStored(),
                  encoding.signed() ? 1 : 0,
                  encoding.slope(),
                  encoding.intercept(),
                  lowPercent,
                  highPercent,
                  window));
      return window.toArray(JAVA_DOUBLE);
    } catch (KernelException | IllegalStateException | IllegalArgumentException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException("cw_histogram_window", t);
    }
  }

  /**
   * {@code cw_prototype_head_run}. Rows whose embedding is not finite get {@code nonfiniteAt[i] >=
   * 0}; this call does not raise for them (the CUDA build cannot know before the stream has run):
   * pass the copied array to {@link #checkRows}.
   *
   * @param distances n x k floats, or {@link MemorySegment#NULL}
   */
  public void prototypeHead(
      MemorySegment embeddings,
      int n,
      MemorySegment prototypes,
      int k,
      int d,
      double temperature,
      double oodScale,
      MemorySegment probabilities,
      MemorySegment distances,
      MemorySegment grades,
      MemorySegment ood,
      MemorySegment nonfiniteAt,
      MemorySegment stream) {
    try {
      check(
          (int)
              prototypeHead.invokeExact(
                  embeddings,
                  n,
                  prototypes,
                  k,
                  d,
                  temperature,
                  oodScale,
                  probabilities,
                  distances,
                  grades,
                  ood,
                  nonfiniteAt,
                  stream));
    } catch (KernelException | IllegalStateException | IllegalArgumentException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException("cw_prototype_head_run", t);
    }
  }

  /**
   * Raises {@code NON_FINITE} for the first row of a prototype head call whose embedding held NaN
   * or an infinity: the backbone is broken, and grading must not go on as if it were not.
   *
   * @param nonfiniteAt the call's {@code nonfinite_at} output, copied to the host
   */
  public static void checkRows(int[] nonfiniteAt) {
    checkRows(nonfiniteAt, i -> "embedding row " + i);
  }

  /**
   * {@link #checkRows(int[])} with the caller's words for row i (for example the slice it came
   * from), so the message points at the data rather than at a batch position.
   */
  public static void checkRows(int[] nonfiniteAt, IntFunction<String> row) {
    for (int i = 0; i < nonfiniteAt.length; i++) {
      if (nonfiniteAt[i] >= 0) {
        throw new KernelException(
            KernelException.Code.NON_FINITE,
            row.apply(i)
                + " holds a non-finite value at index "
                + nonfiniteAt[i]
                + ": the backbone output is broken");
      }
    }
  }

  private void check(int status) throws Throwable {
    if (status != 0) {
      String message = string((MemorySegment) lastError.invokeExact());
      throw new KernelException(
          KernelException.Code.ofStatus(status),
          flavour.name().toLowerCase(Locale.ROOT)
              + " kernels: "
              + (message.isEmpty() ? "status " + status : message));
    }
  }

  @Override
  public String toString() {
    return flavour + " kernels (" + build + ") from " + source;
  }
}
