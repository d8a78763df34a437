package io.cordwatch.codec;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.cordwatch.codec.CodecException.Kind;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * JPEG 2000 decoding (ISO 15444-1) through OpenJPEG 2.5, Debian's {@code libopenjp2-7} ({@code
 * libopenjp2.so.7}, BSD-2-Clause), from memory.
 *
 * <p>OpenJPEG reads through a stream object whose read, skip and seek functions the caller
 * supplies. They are Panama upcalls here, created once: each decode copies its codestream into
 * native memory and passes a small native record (address, length, position) as the stream's user
 * data, so the callbacks need no Java state and never see a Java object that could have moved. The
 * error and warning handlers are upcalls too; their client data is the same record, whose address
 * keys the list collecting the messages for the exception. An upcall that threw would bring the JVM
 * down, so each catches everything and answers as at the end of the stream.
 *
 * <p>The decoder runs in strict mode ({@code opj_decoder_set_strict_mode}): a truncated codestream
 * is an error instead of an image decoded as far as the bytes went. The header is read first and
 * checked against the caller's {@link FrameShape} (size, components, precision, no subsampling)
 * before {@code opj_decode} allocates the image's planes.
 *
 * <p>Layouts, from the installed 2.5.0 headers ({@code /usr/include/openjpeg-2.5/openjpeg.h},
 * Debian's libopenjp2-7-dev) and checked with a C compiler for x86-64: {@code opj_image_t} is 48
 * bytes, {@code comps} at 24; {@code opj_image_comp_t} is 64 bytes: eleven 32-bit fields (dx, dy,
 * w, h, x0, y0, prec, bpp, sgnd, resno_decoded, factor), {@code data} at 48; {@code
 * opj_dparameters_t} is 8252 bytes and is only filled by the library, in a buffer of 16 KiB. The
 * 2.x ABI (soname 7) has kept these; the library's version is checked to be 2.x when it loads.
 */
// Binding C functions and reading the structures they return are what the restricted Panama
// methods are for.
@SuppressWarnings("restricted")
final class OpenJpeg {
  private static final Logger LOG = Logger.getLogger(OpenJpeg.class.getName());

  private static final int CODEC_J2K = 0;
  private static final int CODEC_JP2 = 2;
  private static final long IMAGE_SIZE = 48;
  private static final long IMAGE_COMPS = 24;
  private static final long COMP_SIZE = 64;
  private static final long COMP_DATA = 48;
  private static final long DPARAMETERS_SIZE = 16 << 10;
  private static final long STREAM_CHUNK = 1 << 16;
  private static final int MAX_MESSAGES = 6;

  /** Messages of the decodes in flight, by the address of their stream record. */
  private static final Map<Long, List<String>> MESSAGES = new ConcurrentHashMap<>();

  private OpenJpeg() {}

  private record Api(
      MethodHandle createDecompress,
      MethodHandle destroyCodec,
      MethodHandle setErrorHandler,
      MethodHandle setWarningHandler,
      MethodHandle defaultParameters,
      MethodHandle setupDecoder,
      MethodHandle strictMode,
      MethodHandle streamCreate,
      MethodHandle streamDestroy,
      MethodHandle setRead,
      MethodHandle setSkip,
      MethodHandle setSeek,
      MethodHandle setUserData,
      MethodHandle setUserDataLength,
      MethodHandle readHeader,
      MethodHandle decode,
      MethodHandle endDecompress,
      MethodHandle imageDestroy,
      MemorySegment read,
      MemorySegment skip,
      MemorySegment seek,
      MemorySegment onError,
      MemorySegment onWarning,
      String version) {}

  /** Loaded on first use, so a JVM that never meets this syntax never opens the library. */
  private static final class Holder {
    static final NativeLibrary.Bound<Api> BOUND =
        NativeLibrary.bind(
            "OpenJPEG",
            "libopenjp2.so.7",
            "libopenjp2-7",
            OpenJpeg::bind,
            Api::version,
            "JPEG 2000",
            LOG);
  }

  private static Api bind(NativeLibrary lib) {
    String version = lib.version("opj_version", "2.", "2.x ABI");
    FunctionDescriptor boolOf2 = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS);
    FunctionDescriptor boolOf3 = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
    FunctionDescriptor voidOf2 = FunctionDescriptor.ofVoid(ADDRESS, ADDRESS);
    Linker linker = Linker.nativeLinker();
    MethodHandles.Lookup here = MethodHandles.lookup();
    try {
      return new Api(
          lib.function("opj_create_decompress", FunctionDescriptor.of(ADDRESS, JAVA_INT)),
          lib.function("opj_destroy_codec", FunctionDescriptor.ofVoid(ADDRESS)),
          lib.function("opj_set_error_handler", boolOf3),
          lib.function("opj_set_warning_handler", boolOf3),
          lib.function("opj_set_default_decoder_parameters", FunctionDescriptor.ofVoid(ADDRESS)),
          lib.function("opj_setup_decoder", boolOf2),
          lib.function(
              "opj_decoder_set_strict_mode", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT)),
          lib.function("opj_stream_create", FunctionDescriptor.of(ADDRESS, JAVA_LONG, JAVA_INT)),
          lib.function("opj_stream_destroy", FunctionDescriptor.ofVoid(ADDRESS)),
          lib.function("opj_stream_set_read_function", voidOf2),
          lib.function("opj_stream_set_skip_function", voidOf2),
          lib.function("opj_stream_set_seek_function", voidOf2),
          lib.function(
              "opj_stream_set_user_data", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS)),
          lib.function(
              "opj_stream_set_user_data_length", FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG)),
          lib.function("opj_read_header", boolOf3),
          lib.function("opj_decode", boolOf3),
          lib.function("opj_end_decompress", boolOf2),
          lib.function("opj_image_destroy", FunctionDescriptor.ofVoid(ADDRESS)),
          linker.upcallStub(
              here.findStatic(
                  OpenJpeg.class,
                  "read",
                  MethodType.methodType(
                      long.class, MemorySegment.class, long.class, MemorySegment.class)),
              FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS),
              Arena.global()),
          linker.upcallStub(
              here.findStatic(
                  OpenJpeg.class,
                  "skip",
                  MethodType.methodType(long.class, long.class, MemorySegment.class)),
              FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, ADDRESS),
              Arena.global()),
          linker.upcallStub(
              here.findStatic(
                  OpenJpeg.class,
                  "seek",
                  MethodType.methodType(int.class, long.class, MemorySegment.class)),
              FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS),
              Arena.global()),
          linker.upcallStub(
              here.findStatic(
                  OpenJpeg.class,
                  "onError",
                  MethodType.methodType(void.class, MemorySegment.class, MemorySegment.class)),
              voidOf2,
              Arena.global()),
          linker.upcallStub(
              here.findStatic(
                  OpenJpeg.class,
                  "onWarning",
                  MethodType.methodType(void.class, MemorySegment.class, MemorySegment.class)),
              voidOf2,
              Arena.global()),
          version);
    } catch (NoSuchMethodException | IllegalAccessException e) {
      throw new IllegalStateException("OpenJPEG callbacks cannot be bound: " + e, e);
    }
  }

  /** The binding, for {@link NativeCodec}'s availability and version. */
  static NativeLibrary.Bound<?> bound() {
    return Holder.BOUND;
  }

  /**
   * Decodes one JPEG 2000 codestream, raw (J2K) or in a JP2 file, for {@link NativeCodec#decode}.
   */
  static DecodedFrame decode(byte[] codestream, FrameShape shape) {
    Api api = Holder.BOUND.require();
    int start = J2kCodestream.start(codestream);
    if (start < 0) {
      throw new CodecException(
          Kind.CORRUPT, "not a JPEG 2000 codestream (no SOC and SIZ, and no JP2 codestream box)");
    }
    Boolean reversible = J2kCodestream.reversible(codestream, start);
    int format = J2kCodestream.isJp2(codestream) ? CODEC_JP2 : CODEC_J2K;
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment source = arena.allocate(codestream.length);
      MemorySegment.copy(codestream, 0, source, ValueLayout.JAVA_BYTE, 0, codestream.length);
      MemorySegment state = arena.allocate(JAVA_LONG, 3);
      state.setAtIndex(JAVA_LONG, 0, source.address());
      state.setAtIndex(JAVA_LONG, 1, source.byteSize());
      state.setAtIndex(JAVA_LONG, 2, 0);
      List<String> messages = new ArrayList<>();
      MESSAGES.put(state.address(), messages);
      try {
        return decode(api, arena, format, state, shape, Boolean.TRUE.equals(reversible));
      } catch (CodecException e) {
        throw withMessages(e, messages);
      } finally {
        MESSAGES.remove(state.address());
      }
    } catch (CodecException e) {
      throw e;
    } catch (Throwable e) {
      throw new CodecException(Kind.CORRUPT, "JPEG 2000 decoding failed: " + e, e);
    }
  }

  private static DecodedFrame decode(
      Api api, Arena arena, int format, MemorySegment state, FrameShape shape, boolean reversible)
      throws Throwable {
    MemorySegment codec = MemorySegment.NULL;
    MemorySegment stream = MemorySegment.NULL;
    MemorySegment imageOut = arena.allocate(ADDRESS);
    imageOut.set(ADDRESS, 0, MemorySegment.NULL);
    try {
      codec = (MemorySegment) api.createDecompress.invokeExact(format);
      if (codec.equals(MemorySegment.NULL)) {
        throw new CodecException(Kind.UNSUPPORTED, "OpenJPEG could not create a decoder");
      }
      int ok = (int) api.setErrorHandler.invokeExact(codec, api.onError, state);
      ok &= (int) api.setWarningHandler.invokeExact(codec, api.onWarning, state);
      MemorySegment parameters = arena.allocate(DPARAMETERS_SIZE, 8);
      api.defaultParameters.invokeExact(parameters);
      ok &= (int) api.setupDecoder.invokeExact(codec, parameters);
      ok &= (int) api.strictMode.invokeExact(codec, 1);
      if (ok == 0) {
        throw new CodecException(Kind.UNSUPPORTED, "OpenJPEG decoder setup failed");
      }
      stream = (MemorySegment) api.streamCreate.invokeExact(STREAM_CHUNK, 1);
      if (stream.equals(MemorySegment.NULL)) {
        throw new CodecException(Kind.UNSUPPORTED, "OpenJPEG could not create a stream");
      }
      api.setRead.invokeExact(stream, api.read);
      api.setSkip.invokeExact(stream, api.skip);
      api.setSeek.invokeExact(stream, api.seek);
      api.setUserData.invokeExact(stream, state, MemorySegment.NULL);
      api.setUserDataLength.invokeExact(stream, state.getAtIndex(JAVA_LONG, 1));
      require((int) api.readHeader.invokeExact(stream, codec, imageOut), "header");
      MemorySegment image = imageOut.get(ADDRESS, 0).reinterpret(IMAGE_SIZE);
      MemorySegment comp = checkHeader(image, shape);
      require((int) api.decode.invokeExact(codec, stream, image), "tiles");
      require((int) api.endDecompress.invokeExact(codec, stream), "end of codestream");
      return new DecodedFrame(
          samples(comp, shape), comp.get(JAVA_INT, 24), comp.get(JAVA_INT, 32) != 0, reversible);
    } finally {
      MemorySegment image = imageOut.get(ADDRESS, 0);
      if (!image.equals(MemorySegment.NULL)) {
        api.imageDestroy.invokeExact(image);
      }
      if (!stream.equals(MemorySegment.NULL)) {
        api.streamDestroy.invokeExact(stream);
      }
      if (!codec.equals(MemorySegment.NULL)) {
        api.destroyCodec.invokeExact(codec);
      }
    }
  }

  /** Checks the header against the expected shape; returns the first component. */
  private static MemorySegment checkHeader(MemorySegment image, FrameShape shape) {
    long x0 = Integer.toUnsignedLong(image.get(JAVA_INT, 0));
    long y0 = Integer.toUnsignedLong(image.get(JAVA_INT, 4));
    long x1 = Integer.toUnsignedLong(image.get(JAVA_INT, 8));
    long y1 = Integer.toUnsignedLong(image.get(JAVA_INT, 12));
    int components = image.get(JAVA_INT, 16);
    MemorySegment comps = image.get(ADDRESS, IMAGE_COMPS);
    if (components < 1 || x1 <= x0 || y1 <= y0 || comps.equals(MemorySegment.NULL)) {
      throw new CodecException(Kind.CORRUPT, "JPEG 2000 header declares an empty image");
    }
    MemorySegment comp = comps.reinterpret(COMP_SIZE);
    int dx = comp.get(JAVA_INT, 0);
    int dy = comp.get(JAVA_INT, 4);
    int precision = comp.get(JAVA_INT, 24);
    shape.require("JPEG 2000", x1 - x0, y1 - y0, components, precision);
    if (dx != 1 || dy != 1) {
      throw new CodecException(
          Kind.UNSUPPORTED, "JPEG 2000 component is subsampled (" + dx + " x " + dy + ")");
    }
    return comp;
  }

  private static short[] samples(MemorySegment comp, FrameShape shape) {
    long w = Integer.toUnsignedLong(comp.get(JAVA_INT, 8));
    long h = Integer.toUnsignedLong(comp.get(JAVA_INT, 12));
    MemorySegment data = comp.get(ADDRESS, COMP_DATA);
    if (w != shape.columns() || h != shape.rows() || data.equals(MemorySegment.NULL)) {
      throw new CodecException(
          Kind.CORRUPT, "JPEG 2000 decoded to " + h + " x " + w + " or to nothing");
    }
    int[] values = data.reinterpret(w * h * Integer.BYTES).toArray(JAVA_INT);
    short[] samples = new short[values.length];
    for (int i = 0; i < values.length; i++) {
      samples[i] = (short) values[i];
    }
    return samples;
  }

  private static void require(int ok, String step) {
    if (ok == 0) {
      throw new CodecException(Kind.CORRUPT, "JPEG 2000 codestream does not decode (" + step + ")");
    }
  }

  private static CodecException withMessages(CodecException e, List<String> messages) {
    List<String> copy;
    synchronized (messages) {
      copy = List.copyOf(messages);
    }
    if (copy.isEmpty()) {
      return e;
    }
    return new CodecException(e.kind(), e.getMessage() + ": " + String.join("; ", copy), e);
  }

  // ---- callbacks from OpenJPEG (upcalls): they must never throw ----

  private static long read(MemorySegment buffer, long bytes, MemorySegment user) {
    try {
      MemorySegment state = user.reinterpret(3 * Long.BYTES);
      long base = state.getAtIndex(JAVA_LONG, 0);
      long length = state.getAtIndex(JAVA_LONG, 1);
      long position = state.getAtIndex(JAVA_LONG, 2);
      if (position >= length || bytes <= 0) {
        return -1; // (OPJ_SIZE_T) -1: end of stream
      }
      long n = Math.min(bytes, length - position);
      MemorySegment.copy(
          MemorySegment.ofAddress(base).reinterpret(length), position, buffer.reinterpret(n), 0, n);
      state.setAtIndex(JAVA_LONG, 2, position + n);
      return n;
    } catch (Throwable e) {
      return -1;
    }
  }

  private static long skip(long bytes, MemorySegment user) {
    try {
      MemorySegment state = user.reinterpret(3 * Long.BYTES);
      long length = state.getAtIndex(JAVA_LONG, 1);
      long position = state.getAtIndex(JAVA_LONG, 2);
      if (bytes > 0 && position >= length) {
        return -1; // nothing left to skip: end of stream, never a skip of 0 that could repeat
      }
      long target = Math.max(0, Math.min(length, position + bytes));
      state.setAtIndex(JAVA_LONG, 2, target);
      return target - position;
    } catch (Throwable e) {
      return -1;
    }
  }

  private static int seek(long offset, MemorySegment user) {
    try {
      MemorySegment state = user.reinterpret(3 * Long.BYTES);
      if (offset < 0 || offset > state.getAtIndex(JAVA_LONG, 1)) {
        return 0;
      }
      state.setAtIndex(JAVA_LONG, 2, offset);
      return 1;
    } catch (Throwable e) {
      return 0;
    }
  }

  private static void onError(MemorySegment message, MemorySegment user) {
    collect("error", message, user);
  }

  private static void onWarning(MemorySegment message, MemorySegment user) {
    collect("warning", message, user);
  }

  private static void collect(String level, MemorySegment message, MemorySegment user) {
    try {
      List<String> messages = MESSAGES.get(user.address());
      if (messages == null) {
        return;
      }
      String text = NativeLibrary.string(message).strip();
      if (text.length() > 160) {
        text = text.substring(0, 160) + "...";
      }
      synchronized (messages) {
        if (messages.size() < MAX_MESSAGES) {
          messages.add(level + ": " + text);
        }
      }
    } catch (Throwable e) {
      // Nothing may unwind into OpenJPEG; the decode's own result still reports the failure.
    }
  }
}
