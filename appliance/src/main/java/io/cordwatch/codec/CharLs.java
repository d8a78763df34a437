package io.cordwatch.codec;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.cordwatch.codec.CodecException.Kind;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.logging.Logger;

/**
 * JPEG-LS decoding (ISO 14495-1) through the C API of CharLS 2.x, Debian's {@code libcharls2}
 * ({@code libcharls.so.2}, BSD-3-Clause).
 *
 * <p>One call, one decoder: {@code charls_jpegls_decoder_create}, the codestream copied into native
 * memory and set as its source, {@code read_header}, then {@code get_frame_info} checked against
 * the caller's {@link FrameShape} before the destination is allocated, {@code decode_to_buffer},
 * and {@code destroy} in a {@code finally}. Every CharLS error code becomes a {@link
 * CodecException} carrying {@code charls_get_error_message}. CharLS checks its input itself (it is
 * fuzzed upstream) and never writes past the destination size it is given; the size it asks for is
 * checked against the frame shape as well.
 *
 * <p>One defence is ours: the source handed to CharLS always ends with an extra EOI marker. The
 * 2.4.1 release Debian 12 ships never returns from {@code decode_to_buffer} when the data runs out
 * in the middle of a scan without a marker: measured here, a real codestream cut at any of several
 * points spins a core for ever (upstream has since fixed endless loops on invalid input, CharLS
 * pull request 334). At a marker its reader stops and the decode fails cleanly; after a complete
 * codestream's own EOI the extra two bytes are never read. {@code CharLsTest} fuzzes this.
 *
 * <p>Layout: {@code charls_frame_info} is four 32-bit fields (width, height, bits per sample,
 * component count), {@code charls_jpegls_errc} an int, from the 2.4 headers ({@code
 * /usr/include/charls/public_types.h}); the 2.x C ABI keeps them (soname 2).
 */
// Binding C functions is what the restricted Panama methods are for.
@SuppressWarnings("restricted")
final class CharLs {
  private static final Logger LOG = Logger.getLogger(CharLs.class.getName());
  private static final StructLayout FRAME_INFO =
      MemoryLayout.structLayout(
          JAVA_INT.withName("width"),
          JAVA_INT.withName("height"),
          JAVA_INT.withName("bits_per_sample"),
          JAVA_INT.withName("component_count"));

  private CharLs() {}

  /** The bound functions; null fields never occur (binding fails as a whole). */
  private record Api(
      MethodHandle create,
      MethodHandle destroy,
      MethodHandle setSource,
      MethodHandle readHeader,
      MethodHandle frameInfo,
      MethodHandle nearLossless,
      MethodHandle destinationSize,
      MethodHandle decode,
      MethodHandle errorMessage,
      String version) {}

  /** Loaded on first use, so a JVM that never meets this syntax never opens the library. */
  private static final class Holder {
    static final NativeLibrary.Bound<Api> BOUND =
        NativeLibrary.bind(
            "CharLS", "libcharls.so.2", "libcharls2", CharLs::bind, Api::version, "JPEG-LS", LOG);
  }

  private static Api bind(NativeLibrary lib) {
    String version = lib.version("charls_get_version_string", "2.", "2.x C API");
    FunctionDescriptor errcOf2 = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS);
    FunctionDescriptor errcOf3 = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS);
    return new Api(
        lib.function("charls_jpegls_decoder_create", FunctionDescriptor.of(ADDRESS)),
        lib.function("charls_jpegls_decoder_destroy", FunctionDescriptor.ofVoid(ADDRESS)),
        lib.function(
            "charls_jpegls_decoder_set_source_buffer",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG)),
        lib.function("charls_jpegls_decoder_read_header", FunctionDescriptor.of(JAVA_INT, ADDRESS)),
        lib.function("charls_jpegls_decoder_get_frame_info", errcOf2),
        lib.function("charls_jpegls_decoder_get_near_lossless", errcOf3),
        lib.function("charls_jpegls_decoder_get_destination_size", errcOf3),
        lib.function(
            "charls_jpegls_decoder_decode_to_buffer",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT)),
        lib.function("charls_get_error_message", FunctionDescriptor.of(ADDRESS, JAVA_INT)),
        version);
  }

  /** The binding, for {@link NativeCodec}'s availability and version. */
  static NativeLibrary.Bound<?> bound() {
    return Holder.BOUND;
  }

  /** Decodes one JPEG-LS codestream, for {@link NativeCodec#decode}. */
  static DecodedFrame decode(byte[] codestream, FrameShape shape) {
    Api api = Holder.BOUND.require();
    if (codestream.length == 0) {
      throw new CodecException(Kind.CORRUPT, "JPEG-LS codestream is empty");
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment decoder = (MemorySegment) api.create.invokeExact();
      if (decoder.equals(MemorySegment.NULL)) {
        throw new CodecException(Kind.UNSUPPORTED, "CharLS could not create a decoder");
      }
      try {
        return decode(api, decoder, arena, codestream, shape);
      } finally {
        api.destroy.invokeExact(decoder);
      }
    } catch (CodecException e) {
      throw e;
    } catch (Throwable e) {
      throw new CodecException(Kind.CORRUPT, "JPEG-LS decoding failed: " + e, e);
    }
  }

  private static DecodedFrame decode(
      Api api, MemorySegment decoder, Arena arena, byte[] codestream, FrameShape shape)
      throws Throwable {
    // The codestream, then an EOI marker of our own: CharLS 2.4.1 stops reading at a marker, but
    // data that runs out mid-scan without one makes it loop for ever (see the class comment).
    MemorySegment source = arena.allocate(codestream.length + 2L);
    MemorySegment.copy(codestream, 0, source, ValueLayout.JAVA_BYTE, 0, codestream.length);
    source.set(ValueLayout.JAVA_BYTE, codestream.length, (byte) 0xFF);
    source.set(ValueLayout.JAVA_BYTE, codestream.length + 1L, (byte) 0xD9);
    check(api, (int) api.setSource.invokeExact(decoder, source, source.byteSize()), "source");
    check(api, (int) api.readHeader.invokeExact(decoder), "header");
    MemorySegment info = arena.allocate(FRAME_INFO);
    check(api, (int) api.frameInfo.invokeExact(decoder, info), "frame info");
    long width = Integer.toUnsignedLong(info.get(JAVA_INT, 0));
    long height = Integer.toUnsignedLong(info.get(JAVA_INT, 4));
    int precision = info.get(JAVA_INT, 8);
    int components = info.get(JAVA_INT, 12);
    shape.require("JPEG-LS", width, height, components, precision);
    MemorySegment near = arena.allocate(JAVA_INT);
    check(api, (int) api.nearLossless.invokeExact(decoder, 0, near), "NEAR");
    int bytesPerSample = precision > 8 ? 2 : 1;
    long expected = shape.samples() * bytesPerSample;
    MemorySegment size = arena.allocate(JAVA_LONG);
    check(api, (int) api.destinationSize.invokeExact(decoder, 0, size), "destination size");
    if (size.get(JAVA_LONG, 0) != expected) {
      throw new CodecException(
          Kind.CORRUPT,
          "JPEG-LS codestream needs "
              + size.get(JAVA_LONG, 0)
              + " bytes for a frame of "
              + expected);
    }
    MemorySegment pixels = arena.allocate(expected, 2);
    check(api, (int) api.decode.invokeExact(decoder, pixels, expected, 0), "scan");
    short[] samples;
    if (bytesPerSample == 2) {
      samples = pixels.toArray(ValueLayout.JAVA_SHORT);
    } else {
      byte[] bytes = pixels.toArray(ValueLayout.JAVA_BYTE);
      samples = new short[bytes.length];
      for (int i = 0; i < bytes.length; i++) {
        samples[i] = (short) (bytes[i] & 0xff);
      }
    }
    return new DecodedFrame(samples, precision, false, near.get(JAVA_INT, 0) == 0);
  }

  private static void check(Api api, int errc, String step) throws Throwable {
    if (errc != 0) {
      String message = NativeLibrary.string((MemorySegment) api.errorMessage.invokeExact(errc));
      throw new CodecException(
          Kind.CORRUPT,
          "JPEG-LS codestream does not decode ("
              + step
              + "): "
              + (message.isEmpty() ? "CharLS error " + errc : message));
    }
  }
}
