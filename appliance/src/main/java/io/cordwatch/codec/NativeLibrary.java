package io.cordwatch.codec;

import static java.lang.foreign.ValueLayout.ADDRESS;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteOrder;

/**
 * One shared library of the operating system, opened by soname through the dynamic linker's search
 * path (the same as {@code dlopen}: {@code LD_LIBRARY_PATH}, then the system's library
 * directories). There is no bundled copy and no path setting: the appliance uses the Debian
 * package, which the launcher installs, so security updates reach it through the system.
 *
 * <p>Opening never throws: a library that is missing, a symbol that is not in it, or a platform
 * whose C layouts the bindings do not know leaves an instance that says so in {@link #problem}; the
 * codec that opened it logs that line once. Libraries stay loaded for the life of the JVM (the
 * global arena): a codec is used by every received image.
 */
// Binding C functions is what the restricted Panama methods are for; the appliance runs with
// --enable-native-access=ALL-UNNAMED (the launcher and the test JVMs set it).
@SuppressWarnings("restricted")
final class NativeLibrary {
  private final String what;
  private final SymbolLookup lookup;
  private final String problem;

  private NativeLibrary(String what, SymbolLookup lookup, String problem) {
    this.what = what;
    this.lookup = lookup;
    this.problem = problem;
  }

  /**
   * A library's bound functions, or why there are none.
   *
   * @param api the bindings, or null when the library cannot be used
   * @param problem why not (named in logs and refusals), or null when {@code api} is there
   * @param version the loaded library's version, e.g. "2.4.1"; null when it cannot be used
   */
  record Bound<A>(A api, String problem, String version) {
    /** The bindings; a refusal naming the problem when the library cannot be used. */
    A require() {
      if (api == null) {
        throw new CodecException(CodecException.Kind.UNSUPPORTED, problem);
      }
      return api;
    }
  }

  /**
   * Opens {@code soname}, binds its functions with {@code bind} (which throws {@link
   * IllegalStateException} naming what is missing) and logs the outcome once: that {@code
   * capability} (a transfer syntax family) decodes with the library's version, or why it does not.
   */
  static <A> Bound<A> bind(
      String what,
      String soname,
      String debianPackage,
      java.util.function.Function<NativeLibrary, A> bind,
      java.util.function.Function<A, String> version,
      String capability,
      java.util.logging.Logger log) {
    NativeLibrary lib = open(what, soname, debianPackage);
    A api = null;
    String problem = lib.problem();
    if (problem == null) {
      try {
        api = bind.apply(lib);
      } catch (IllegalStateException e) {
        problem = e.getMessage();
      }
    }
    String loaded = api == null ? null : version.apply(api);
    if (api != null) {
      log.info(what + " " + loaded + " loaded (" + soname + "): " + capability + " decodes");
    } else {
      log.warning(problem + ": " + capability + " does not decode");
    }
    return new Bound<>(api, problem, loaded);
  }

  /**
   * Opens {@code soname}.
   *
   * @param what the library's name for messages, e.g. "CharLS"
   * @param debianPackage the package that provides it, named in the problem when it is missing
   */
  static NativeLibrary open(String what, String soname, String debianPackage) {
    String platform = platformProblem();
    if (platform != null) {
      return new NativeLibrary(what, null, what + " is not bound here: " + platform);
    }
    try {
      SymbolLookup lookup = SymbolLookup.libraryLookup(soname, Arena.global());
      return new NativeLibrary(what, lookup, null);
    } catch (IllegalArgumentException | IllegalCallerException e) {
      String problem =
          what
              + " ("
              + soname
              + ") cannot be loaded: "
              + e.getMessage()
              + "; install the Debian package "
              + debianPackage;
      return new NativeLibrary(what, null, problem);
    }
  }

  /** Null when the library is loaded, else why it is not. */
  String problem() {
    return problem;
  }

  /**
   * A downcall handle for {@code symbol}.
   *
   * @throws IllegalStateException when the library is not loaded or lacks the symbol
   */
  MethodHandle function(String symbol, FunctionDescriptor descriptor) {
    if (lookup == null) {
      throw new IllegalStateException(problem);
    }
    MemorySegment address =
        lookup
            .find(symbol)
            .orElseThrow(
                () -> new IllegalStateException(what + " has no function " + symbol + "()"));
    return Linker.nativeLinker().downcallHandle(address, descriptor);
  }

  /**
   * The loaded library's version, as {@code function} (a C function of no arguments returning a
   * static string) says it, refused unless it starts with {@code major}: the bindings are written
   * for one major version's API, and a library of another would be called wrongly.
   *
   * @param api that API in words, for the refusal, e.g. "2.x C API"
   * @throws IllegalStateException naming the library and what is wrong
   */
  String version(String function, String major, String api) {
    String version;
    try {
      version =
          string((MemorySegment) function(function, FunctionDescriptor.of(ADDRESS)).invokeExact());
    } catch (IllegalStateException e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(what + " does not say its version: " + e, e);
    }
    if (!version.startsWith(major)) {
      throw new IllegalStateException(
          what + " " + version + " is loaded; the bindings are for the " + api);
    }
    return version;
  }

  /**
   * The bindings assume LP64 (size_t, pointers and off_t are 64 bits) and little-endian samples:
   * 64-bit Linux on x86 and ARM, where the appliance runs.
   */
  private static String platformProblem() {
    if (ValueLayout.ADDRESS.byteSize() != 8) {
      return "the bindings assume 64-bit pointers and size_t";
    }
    if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
      return "the bindings assume a little-endian machine";
    }
    if (!System.getProperty("os.name", "").equals("Linux")) {
      return "the libraries are looked up by their Linux soname";
    }
    return null;
  }

  /** A C string returned by the library (static storage: never freed), or "" for NULL. */
  static String string(MemorySegment cString) {
    if (cString == null || cString.equals(MemorySegment.NULL)) {
      return "";
    }
    return cString.reinterpret(4096).getString(0);
  }
}
