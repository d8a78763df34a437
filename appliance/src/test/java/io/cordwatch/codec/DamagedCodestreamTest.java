package io.cordwatch.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.cordwatch.codec.CodecException.Kind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile input for the native codecs: the real JPEG-LS (7.dcm) and JPEG 2000 (9.dcm) frames cut
 * short and with bytes flipped must give a {@link CodecException} or a frame of the right size,
 * never a crash of the JVM, an escaped error, or a decode that does not return. A crash would end
 * the test run itself; a hang is caught by the guard (far above the milliseconds a decode takes).
 */
class DamagedCodestreamTest {
  private static final Duration NO_HANG = Duration.ofSeconds(60);
  private static final int TRIALS = 120;

  @ParameterizedTest
  @ValueSource(strings = {"7.dcm", "9.dcm"})
  void wholeCodestreamDecodesToTheUncompressedTwin(String file) throws Exception {
    DecodedFrame frame = codec(file).apply(CodecFixtures.codestream(file), CodecFixtures.SHAPE);

    assertArrayEquals(CodecFixtures.reference(), frame.samples());
    assertTrue(frame.lossless());
  }

  /** Cut at every 64th of its length: CharLS 2.4.1 would spin for ever on most of these alone. */
  @ParameterizedTest
  @ValueSource(strings = {"7.dcm", "9.dcm"})
  void truncatedCodestreamIsCorruptAndReturns(String file) throws Exception {
    byte[] whole = CodecFixtures.codestream(file);
    BiFunction<byte[], FrameShape, DecodedFrame> codec = codec(file);
    for (int part = 0; part < 64; part++) {
      byte[] cut = Arrays.copyOf(whole, whole.length * part / 64);
      CodecException e =
          assertTimeoutPreemptively(
              NO_HANG,
              () -> assertThrows(CodecException.class, () -> codec.apply(cut, CodecFixtures.SHAPE)),
              file + " cut to " + cut.length);
      assertEquals(Kind.CORRUPT, e.kind(), e.getMessage());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"7.dcm", "9.dcm"})
  void flippedBytesGiveCorruptOrAWholeFrameNeverACrashOrHang(String file) throws Exception {
    byte[] whole = CodecFixtures.codestream(file);
    BiFunction<byte[], FrameShape, DecodedFrame> codec = codec(file);
    Random random = new Random(14);
    int refused = 0;
    for (int trial = 0; trial < TRIALS; trial++) {
      byte[] damaged = whole.clone();
      int flips = 1 + random.nextInt(4);
      for (int i = 0; i < flips; i++) {
        // Half the damage lands in the headers (marker segments), where it changes the most.
        int at = random.nextInt(trial % 2 == 0 ? 400 : damaged.length);
        damaged[at] ^= (byte) (1 + random.nextInt(255));
      }
      String what = file + " trial " + trial;
      try {
        DecodedFrame frame =
            assertTimeoutPreemptively(
                NO_HANG, () -> codec.apply(damaged, CodecFixtures.SHAPE), what);
        assertEquals(384 * 384, frame.samples().length, what);
      } catch (CodecException e) {
        assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), what);
        refused++;
      } catch (RuntimeException | Error e) {
        fail(what + " escaped as " + e, e);
      }
    }
    // JPEG-LS notices nearly every flip; JPEG 2000, like lossless JPEG, has no checksum and decodes
    // most flips in its coded data to other pixels: integrity comes from the transport and spool.
    assertTrue(refused > 0, "no damage was noticed at all");
  }

  @ParameterizedTest
  @ValueSource(strings = {"7.dcm", "9.dcm"})
  void codestreamOfAnotherSizeIsRefusedBeforeDecoding(String file) throws Exception {
    byte[] whole = CodecFixtures.codestream(file);

    CodecException e =
        assertThrows(
            CodecException.class, () -> codec(file).apply(whole, new FrameShape(256, 384, 1, 16)));

    assertEquals(Kind.CORRUPT, e.kind());
    assertTrue(
        e.getMessage().contains("is 384 x 384 x 1, the image 256 x 384 x 1"), e.getMessage());
    CodecException eightBit =
        assertThrows(
            CodecException.class, () -> codec(file).apply(whole, new FrameShape(384, 384, 1, 8)));
    assertTrue(
        eightBit.getMessage().contains("16-bit samples, the image allocates 8"),
        eightBit.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"7.dcm", "9.dcm"})
  void emptyOrForeignBytesAreCorrupt(String file) {
    byte[] noise = new byte[4096];
    new Random(7).nextBytes(noise);
    for (byte[] bytes :
        List.of(new byte[0], noise, "not an image".getBytes(StandardCharsets.US_ASCII))) {
      CodecException e =
          assertThrows(CodecException.class, () -> codec(file).apply(bytes, CodecFixtures.SHAPE));
      assertEquals(Kind.CORRUPT, e.kind(), e.getMessage());
    }
  }

  private static BiFunction<byte[], FrameShape, DecodedFrame> codec(String file) {
    return file.equals("7.dcm") ? NativeCodec.JPEG_LS::decode : NativeCodec.JPEG_2000::decode;
  }
}
