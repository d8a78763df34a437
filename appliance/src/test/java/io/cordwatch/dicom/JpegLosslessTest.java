package io.cordwatch.dicom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.OtherByteAttribute;
import com.pixelmed.dicom.OtherByteAttributeMultipleCompressedFrames;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.dicom.UnsignedShortAttribute;
import io.cordwatch.dicom.PixelDecodeException.Code;
import io.cordwatch.testing.SkipPeers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Lossless JPEG decoding against the real dcm_qa_ts files: the same Siemens MR image stored
 * uncompressed (1.dcm) and as JPEG Lossless SV1 (5.dcm, 6.dcm) must give identical pixels.
 */
class JpegLosslessTest {
  private static final Duration NO_HANG = Duration.ofSeconds(30);

  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"5.dcm", "6.dcm"})
  void losslessSv1DecodesToExactlyTheUncompressedPixels(String file) throws Exception {
    AttributeList compressed = readEncapsulated(transferSyntaxes().resolve(file));
    assertTrue(JpegLossless.handles(transferSyntaxOf(compressed)));

    short[][] frames = JpegLossless.decodeFrames(compressed);

    assertEquals(1, frames.length);
    assertArrayEquals(unsigned(referencePixels()), unsigned(frames[0]));
  }

  @Test
  void jpegLsAndJpeg2000AreNotHandled() throws Exception {
    for (String file : List.of("7.dcm", "9.dcm")) {
      AttributeList list = readEncapsulated(transferSyntaxes().resolve(file));
      assertFalse(JpegLossless.handles(transferSyntaxOf(list)), file);
      PixelDecodeException e =
          assertThrows(PixelDecodeException.class, () -> JpegLossless.decodeFrames(list));
      assertEquals(Code.UNSUPPORTED, e.code(), file);
    }
    assertFalse(JpegLossless.handles(TransferSyntax.ExplicitVRLittleEndian));
    assertFalse(JpegLossless.handles(null));
  }

  @Test
  void truncatedBitstreamIsCorruptWithoutHanging() throws Exception {
    byte[] whole = firstFrame(transferSyntaxes().resolve("5.dcm"));
    byte[] half = Arrays.copyOf(whole, whole.length / 2);

    PixelDecodeException e =
        assertTimeoutPreemptively(
            NO_HANG,
            () ->
                assertThrows(
                    PixelDecodeException.class, () -> JpegLossless.decodeFrame(half, 384, 384)));

    assertEquals(Code.CORRUPT, e.code());
  }

  @Test
  void flippedBytesGiveCorruptOrSamplesButNeverAnErrorOrHang() throws Exception {
    byte[] whole = firstFrame(transferSyntaxes().resolve("5.dcm"));
    Random random = new Random(1339);
    int refused = 0;
    for (int trial = 0; trial < 200; trial++) {
      byte[] damaged = whole.clone();
      // Half the damage lands in the headers and Huffman tables, where it changes the most.
      int at = random.nextInt(trial % 2 == 0 ? 300 : damaged.length);
      damaged[at] ^= (byte) (1 + random.nextInt(255));
      String what = "byte " + at + " of trial " + trial;
      try {
        short[] pixels =
            assertTimeoutPreemptively(NO_HANG, () -> JpegLossless.decodeFrame(damaged, 384, 384));
        assertEquals(384 * 384, pixels.length, what);
      } catch (PixelDecodeException e) {
        assertEquals(Code.CORRUPT, e.code(), what);
        refused++;
      } catch (RuntimeException | Error e) {
        fail(what + " escaped as " + e, e);
      }
    }
    assertTrue(refused > 0, "no damage was noticed at all");
  }

  @Test
  void headerClaimingAnotherSizeIsRefusedBeforeAllocating() throws Exception {
    byte[] bitstream = firstFrame(transferSyntaxes().resolve("5.dcm"));
    int sof = indexOfMarker(bitstream, 0xC3);
    bitstream[sof + 5] = (byte) 0xFF; // number of lines, high byte
    bitstream[sof + 6] = (byte) 0xFF;

    PixelDecodeException e =
        assertThrows(
            PixelDecodeException.class, () -> JpegLossless.decodeFrame(bitstream, 384, 384));

    assertEquals(Code.CORRUPT, e.code());
    assertTrue(e.getMessage().contains("65535 x 384"), e.getMessage());
  }

  @Test
  void emptyOrForeignBytesAreCorrupt() {
    byte[] noise = new byte[4096];
    new Random(7).nextBytes(noise);
    for (byte[] bitstream :
        List.of(new byte[0], noise, "not a JPEG".getBytes(StandardCharsets.US_ASCII))) {
      PixelDecodeException e =
          assertThrows(
              PixelDecodeException.class, () -> JpegLossless.decodeFrame(bitstream, 384, 384));
      assertEquals(Code.CORRUPT, e.code());
    }
  }

  @Test
  void uncompressedOrColourObjectsAreUnsupported() throws Exception {
    AttributeList uncompressed = readEncapsulated(transferSyntaxes().resolve("1.dcm"));
    assertEquals(
        Code.UNSUPPORTED,
        assertThrows(PixelDecodeException.class, () -> JpegLossless.decodeFrames(uncompressed))
            .code());

    AttributeList colour = readEncapsulated(transferSyntaxes().resolve("5.dcm"));
    UnsignedShortAttribute samples = new UnsignedShortAttribute(TagFromName.SamplesPerPixel);
    samples.addValue(3);
    colour.put(samples);
    assertEquals(
        Code.UNSUPPORTED,
        assertThrows(PixelDecodeException.class, () -> JpegLossless.decodeFrames(colour)).code());
  }

  /**
   * The fo-dicom GH1339 slice lacks the sequence delimiter after its last pixel fragment; PixelMed
   * logs "Incorrectly terminated encapsulated pixel data" and keeps the fragment, which is whole.
   */
  @Test
  void realSliceMissingItsSequenceDelimiterStillDecodes() throws Exception {
    AttributeList list =
        readEncapsulated(realDicom().resolve("axial-t2-lumbar-broken").resolve("GH1339.dcm"));

    short[][] frames = JpegLossless.decodeFrames(list);

    assertEquals(1, frames.length);
    assertEquals(320 * 320, frames[0].length);
    int max = 0;
    for (short s : frames[0]) {
      max = Math.max(max, Short.toUnsignedInt(s));
    }
    int bitsStored = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.BitsStored, 0);
    assertTrue(max > 0 && max < (1 << bitsStored), "max " + max);
  }

  /**
   * DCMTK re-encodes the uncompressed image with the seventh predictor (the 1.2.840.10008.1.2.4.57
   * syntax, no fixture of which exists) and as 8-bit, the two paths the real files do not reach.
   */
  @Test
  void dcmtkEncodedOtherPredictorAnd8BitDecodeExactly() throws Exception {
    Path sv7 = tmp.resolve("sv7.dcm");
    dcmcjpeg(transferSyntaxes().resolve("1.dcm"), sv7, "+el", "+sv", "7");
    AttributeList list = readEncapsulated(sv7);
    assertEquals(JpegLossless.LOSSLESS, transferSyntaxOf(list));
    assertArrayEquals(unsigned(referencePixels()), unsigned(JpegLossless.decodeFrames(list)[0]));

    short[] reference = referencePixels();
    byte[] eightBit = new byte[reference.length];
    for (int i = 0; i < reference.length; i++) {
      eightBit[i] = (byte) (Short.toUnsignedInt(reference[i]) >> 4);
    }
    Path native8 = tmp.resolve("native8.dcm");
    writeEightBit(transferSyntaxes().resolve("1.dcm"), eightBit, native8);
    Path jpeg8 = tmp.resolve("jpeg8.dcm");
    dcmcjpeg(native8, jpeg8, "+e1");
    short[] decoded = JpegLossless.decodeFrames(readEncapsulated(jpeg8))[0];
    int[] expected = new int[eightBit.length];
    for (int i = 0; i < expected.length; i++) {
      expected[i] = Byte.toUnsignedInt(eightBit[i]);
    }
    assertArrayEquals(expected, unsigned(decoded));
  }

  static Path realDicom() {
    return Fixtures.root().resolve("real-dicom");
  }

  private static Path transferSyntaxes() {
    return realDicom().resolve("transfer-syntaxes");
  }

  private static AttributeList readEncapsulated(Path file) throws IOException, DicomException {
    AttributeList list = new AttributeList();
    list.setDecompressPixelData(false);
    list.read(file.toFile());
    return list;
  }

  private static String transferSyntaxOf(AttributeList list) {
    return Attribute.getSingleStringValueOrEmptyString(list, TagFromName.TransferSyntaxUID);
  }

  private static short[] referencePixels() throws IOException, DicomException {
    AttributeList list = new AttributeList();
    list.read(transferSyntaxes().resolve("1.dcm").toFile());
    return list.getPixelData().getShortValues();
  }

  private static byte[] firstFrame(Path file) throws IOException, DicomException {
    return ((OtherByteAttributeMultipleCompressedFrames) readEncapsulated(file).getPixelData())
        .getFrames()[0];
  }

  private static int indexOfMarker(byte[] bitstream, int marker) {
    for (int i = 0; i + 1 < bitstream.length; i++) {
      if (bitstream[i] == (byte) 0xFF && bitstream[i + 1] == (byte) marker) {
        return i;
      }
    }
    throw new AssertionError("marker 0xFF" + Integer.toHexString(marker) + " not found");
  }

  private static int[] unsigned(short[] samples) {
    int[] values = new int[samples.length];
    for (int i = 0; i < samples.length; i++) {
      values[i] = Short.toUnsignedInt(samples[i]);
    }
    return values;
  }

  static void writeEightBit(Path template, byte[] pixels, Path out) throws Exception {
    AttributeList list = new AttributeList();
    list.read(template.toFile());
    for (var tag :
        List.of(TagFromName.BitsAllocated, TagFromName.BitsStored, TagFromName.HighBit)) {
      UnsignedShortAttribute a = new UnsignedShortAttribute(tag);
      a.addValue(tag.equals(TagFromName.HighBit) ? 7 : 8);
      list.put(a);
    }
    list.remove(TagFromName.SmallestImagePixelValue);
    list.remove(TagFromName.LargestImagePixelValue);
    list.remove(TagFromName.WindowCenter);
    list.remove(TagFromName.WindowWidth);
    OtherByteAttribute data = new OtherByteAttribute(TagFromName.PixelData);
    data.setValues(pixels);
    list.put(data);
    list.write(out.toFile(), TransferSyntax.ExplicitVRLittleEndian, true, true);
  }

  private static void dcmcjpeg(Path in, Path out, String... options)
      throws IOException, InterruptedException {
    SkipPeers.assumePeers("dcmcjpeg");
    List<String> command = new ArrayList<>(List.of("dcmcjpeg"));
    command.addAll(List.of(options));
    command.add(in.toString());
    command.add(out.toString());
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IllegalStateException(
          "dcmcjpeg is not installed: run the suite through install/cordwatch test (DCMTK)", e);
    }
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("dcmcjpeg did not finish in 60 s");
    }
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), "dcmcjpeg " + command + ": " + output);
  }
}
