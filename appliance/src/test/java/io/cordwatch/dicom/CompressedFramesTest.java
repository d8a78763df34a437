package io.cordwatch.dicom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.IntegerStringAttribute;
import com.pixelmed.dicom.OtherByteAttributeMultipleCompressedFrames;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.UniqueIdentifierAttribute;
import com.pixelmed.dicom.UnsignedShortAttribute;
import io.cordwatch.dicom.PixelDecodeException.Code;
import io.cordwatch.testing.Codecs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * JPEG-LS (CharLS) and JPEG 2000 (OpenJPEG) through the real libraries: the real scanner files
 * against their explicit little endian twin, the pydicom signed MR image against its native copy,
 * and images re-encoded here by DCMTK's dcmcjpls and OpenJPEG's opj_compress for what the real
 * files do not reach (8-bit, multi-frame, JP2-wrapped, near-lossless and irreversible streams).
 */
class CompressedFramesTest {
  private static final Path PYDICOM =
      Path.of("/usr/lib/python3/dist-packages/pydicom/data/test_files");

  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"7.dcm", "8.dcm", "9.dcm"})
  void realJpegLsAndJpeg2000DecodeBitForBitToTheExplicitLittleEndianTwin(String file)
      throws Exception {
    AttributeList list = encapsulated(transferSyntaxes().resolve(file));
    assertTrue(CompressedFrames.decodes(transferSyntaxOf(list)), file);

    short[][] frames = CompressedFrames.decodeFrames(list);

    assertEquals(1, frames.length);
    assertArrayEquals(reference(), frames[0], file);
    // And through the reader the grader uses, header facts and all.
    assertArrayEquals(
        DicomPixels.read(transferSyntaxes().resolve("1.dcm")).getFirst().stored(),
        DicomPixels.read(transferSyntaxes().resolve(file)).getFirst().stored(),
        file);
  }

  /** pydicom's MR_small is signed 16-bit: JPEG-LS (no sign of its own) and JPEG 2000 (signed). */
  @ParameterizedTest
  @ValueSource(strings = {"MR_small_jpeg_ls_lossless.dcm", "MR_small_jp2klossless.dcm"})
  void signedImageDecodesToItsNativeCopy(String file) {
    DicomPixels.Frame reference = DicomPixels.read(PYDICOM.resolve("MR_small.dcm")).getFirst();
    DicomPixels.Frame frame = DicomPixels.read(PYDICOM.resolve(file)).getFirst();

    assertTrue(frame.signed());
    assertArrayEquals(reference.stored(), frame.stored(), file);
  }

  /** The 64-frame Philips Enhanced MR object, JPEG-LS coded by DCMTK: every frame, every sample. */
  @Test
  void multiFrameJpegLsFromDcmtkDecodesEveryFrame() throws Exception {
    Path original = Fixtures.root().resolve("real-dicom/enhanced-mr/Philips_IM_0027_fMAP.dcm");
    Path jls = tmp.resolve("philips-jls.dcm");
    run("dcmcjpls", original.toString(), jls.toString());
    assertEquals(CompressedFrames.JPEG_LS_LOSSLESS, transferSyntaxOf(encapsulated(jls)));

    List<DicomPixels.Frame> expected = DicomPixels.read(original);
    List<DicomPixels.Frame> decoded = DicomPixels.read(jls);

    assertEquals(64, decoded.size());
    for (int f = 0; f < expected.size(); f++) {
      assertArrayEquals(expected.get(f).stored(), decoded.get(f).stored(), "frame " + (f + 1));
      assertEquals(expected.get(f).position(), decoded.get(f).position());
    }
  }

  @Test
  void eightBitJpegLsFromDcmtkDecodesExactly() throws Exception {
    byte[] eightBit = eightBitReference();
    Path native8 = tmp.resolve("native8.dcm");
    JpegLosslessTest.writeEightBit(transferSyntaxes().resolve("1.dcm"), eightBit, native8);
    Path jls8 = tmp.resolve("jls8.dcm");
    run("dcmcjpls", native8.toString(), jls8.toString());

    short[] decoded = CompressedFrames.decodeFrames(encapsulated(jls8))[0];

    assertArrayEquals(widened(eightBit), decoded);
  }

  /**
   * Near-lossless JPEG-LS (.81) decodes within its NEAR bound; the same codestream labelled as
   * lossless (.80) is refused, since the codestream itself says it is not.
   */
  @Test
  void nearLosslessDecodesWithinItsBoundAndIsRefusedUnderTheLosslessSyntax() throws Exception {
    Path near = tmp.resolve("near.dcm");
    run(
        "dcmcjpls",
        "+en",
        "+md",
        "2",
        transferSyntaxes().resolve("1.dcm").toString(),
        near.toString());
    AttributeList list = encapsulated(near);
    assertEquals(CompressedFrames.JPEG_LS_NEAR_LOSSLESS, transferSyntaxOf(list));

    short[] decoded = CompressedFrames.decodeFrames(list)[0];
    short[] reference = reference();
    int worst = 0;
    for (int i = 0; i < reference.length; i++) {
      worst = Math.max(worst, Math.abs(decoded[i] - reference[i]));
    }
    assertTrue(worst > 0 && worst <= 2, "largest error " + worst);

    relabel(list, CompressedFrames.JPEG_LS_LOSSLESS);
    PixelDecodeException e =
        assertThrows(PixelDecodeException.class, () -> CompressedFrames.decodeFrames(list));
    assertEquals(Code.CORRUPT, e.code());
    assertTrue(e.getMessage().contains("near-lossless under the lossless"), e.getMessage());
  }

  /**
   * OpenJPEG's own encoder: 12-bit raw codestream, JP2-wrapped, 8-bit and signed, three frames of
   * one object, each decoded exactly.
   */
  @Test
  void jpeg2000FromOpjCompressDecodesExactlyIn8And12BitSignedJp2AndMultiFrame() throws Exception {
    short[] reference = reference();
    byte[] raw12 = jpeg2000(reference, 384, 384, 12, false, "j2k");
    byte[] jp2 = jpeg2000(reference, 384, 384, 12, false, "jp2");
    short[] inverted = new short[reference.length];
    for (int i = 0; i < reference.length; i++) {
      inverted[i] = (short) (4095 - reference[i]);
    }
    byte[] second = jpeg2000(inverted, 384, 384, 12, false, "j2k");
    AttributeList list = encapsulated(transferSyntaxes().resolve("9.dcm"));
    setFrames(list, raw12, jp2, second);

    short[][] frames = CompressedFrames.decodeFrames(list);

    assertEquals(3, frames.length);
    assertArrayEquals(reference, frames[0], "raw codestream");
    assertArrayEquals(reference, frames[1], "JP2 file");
    assertArrayEquals(inverted, frames[2], "second codestream");

    byte[] eightBit = eightBitReference();
    AttributeList list8 = encapsulated(transferSyntaxes().resolve("9.dcm"));
    setShort(list8, TagFromName.BitsAllocated, 8);
    setShort(list8, TagFromName.BitsStored, 8);
    setShort(list8, TagFromName.HighBit, 7);
    setFrames(list8, jpeg2000(widened(eightBit), 384, 384, 8, false, "j2k"));
    assertArrayEquals(widened(eightBit), CompressedFrames.decodeFrames(list8)[0], "8-bit");

    DicomPixels.Frame signed = DicomPixels.read(PYDICOM.resolve("MR_small.dcm")).getFirst();
    AttributeList signedList = encapsulated(PYDICOM.resolve("MR_small_jp2klossless.dcm"));
    setFrames(signedList, jpeg2000(signed.stored(), 64, 64, 16, true, "j2k"));
    assertArrayEquals(signed.stored(), CompressedFrames.decodeFrames(signedList)[0], "signed");
  }

  /** An irreversible (9-7 wavelet) codestream decodes under .91 but not under lossless-only .90. */
  @Test
  void irreversibleJpeg2000IsRefusedUnderTheLosslessOnlySyntax() throws Exception {
    byte[] lossy = jpeg2000(reference(), 384, 384, 12, false, "j2k", "-I", "-r", "20");
    AttributeList list = encapsulated(transferSyntaxes().resolve("9.dcm"));
    setFrames(list, lossy);

    PixelDecodeException e =
        assertThrows(PixelDecodeException.class, () -> CompressedFrames.decodeFrames(list));
    assertEquals(Code.CORRUPT, e.code());
    assertTrue(e.getMessage().contains("irreversible under the lossless"), e.getMessage());

    relabel(list, CompressedFrames.JPEG_2000);
    short[] decoded = CompressedFrames.decodeFrames(list)[0];
    assertEquals(384 * 384, decoded.length);
  }

  /** A 12-bit image whose 16-bit codestream holds a value above 4095 is refused, not cut. */
  @Test
  void sampleOutsideBitsStoredIsRefused() throws Exception {
    short[] reference = reference();
    short[] tooWide = reference.clone();
    tooWide[1000] = (short) 0x1000;
    AttributeList list = encapsulated(transferSyntaxes().resolve("9.dcm"));
    setFrames(list, jpeg2000(tooWide, 384, 384, 16, false, "j2k"));

    PixelDecodeException e =
        assertThrows(PixelDecodeException.class, () -> CompressedFrames.decodeFrames(list));

    assertTrue(e.getMessage().contains("0x1000 does not fit Bits Stored 12"), e.getMessage());
    setFrames(list, jpeg2000(reference, 384, 384, 16, false, "j2k"));
    assertArrayEquals(reference, CompressedFrames.decodeFrames(list)[0]);
  }

  @Test
  void headerDisagreeingWithTheCodestreamIsCorruptAndNamesBoth() throws Exception {
    AttributeList list = encapsulated(transferSyntaxes().resolve("7.dcm"));
    setShort(list, TagFromName.Rows, 380);

    PixelDecodeException e =
        assertThrows(PixelDecodeException.class, () -> CompressedFrames.decodeFrames(list));

    assertEquals(Code.CORRUPT, e.code());
    assertEquals(
        "frame 1 of 1: JPEG-LS codestream is 384 x 384 x 1, the image 380 x 384 x 1 (rows x"
            + " columns x samples)",
        e.getMessage());
  }

  @Test
  void moreFramesDeclaredThanTheLimitAreRefusedBeforeDecoding() throws Exception {
    AttributeList list = encapsulated(transferSyntaxes().resolve("9.dcm"));
    IntegerStringAttribute frames = new IntegerStringAttribute(TagFromName.NumberOfFrames);
    frames.addValue(DecodeLimits.MAX_FRAMES + 1);
    list.put(frames);

    PixelDecodeException e =
        assertThrows(PixelDecodeException.class, () -> CompressedFrames.decodeFrames(list));

    assertEquals(Code.TOO_LARGE, e.code());
  }

  @Test
  void onlyTheCompressedSyntaxesDecodedHereAreHandled() {
    for (String ts :
        List.of(
            "1.2.840.10008.1.2.4.57",
            "1.2.840.10008.1.2.4.70",
            "1.2.840.10008.1.2.4.80",
            "1.2.840.10008.1.2.4.81",
            "1.2.840.10008.1.2.4.90",
            "1.2.840.10008.1.2.4.91")) {
      assertTrue(CompressedFrames.handles(ts), ts);
      assertTrue(CompressedFrames.decodes(ts), ts + ": " + CompressedFrames.unavailableReason(ts));
    }
    for (String ts :
        List.of("1.2.840.10008.1.2.1", "1.2.840.10008.1.2.5", "1.2.840.10008.1.2.4.50")) {
      assertFalse(CompressedFrames.handles(ts), ts);
      assertFalse(CompressedFrames.decodes(ts), ts);
    }
  }

  // ---- helpers ----

  private static Path transferSyntaxes() {
    return Fixtures.root().resolve("real-dicom/transfer-syntaxes");
  }

  private static AttributeList encapsulated(Path file) throws IOException, DicomException {
    AttributeList list = new AttributeList();
    list.setDecompressPixelData(false);
    list.read(file.toFile());
    return list;
  }

  private static String transferSyntaxOf(AttributeList list) {
    return com.pixelmed.dicom.Attribute.getSingleStringValueOrEmptyString(
        list, TagFromName.TransferSyntaxUID);
  }

  private static short[] reference() throws IOException, DicomException {
    AttributeList list = new AttributeList();
    list.read(transferSyntaxes().resolve("1.dcm").toFile());
    return list.getPixelData().getShortValues();
  }

  private static byte[] eightBitReference() throws IOException, DicomException {
    short[] reference = reference();
    byte[] eightBit = new byte[reference.length];
    for (int i = 0; i < reference.length; i++) {
      eightBit[i] = (byte) (Short.toUnsignedInt(reference[i]) >> 4);
    }
    return eightBit;
  }

  private static short[] widened(byte[] bytes) {
    short[] out = new short[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      out[i] = (short) (bytes[i] & 0xff);
    }
    return out;
  }

  private static void relabel(AttributeList list, String ts) throws DicomException {
    UniqueIdentifierAttribute a = new UniqueIdentifierAttribute(TagFromName.TransferSyntaxUID);
    a.addValue(ts);
    list.put(a);
  }

  private static void setShort(AttributeList list, com.pixelmed.dicom.AttributeTag tag, int v)
      throws DicomException {
    UnsignedShortAttribute a = new UnsignedShortAttribute(tag);
    a.addValue(v);
    list.put(a);
  }

  private static void setFrames(AttributeList list, byte[]... frames) throws DicomException {
    list.put(new OtherByteAttributeMultipleCompressedFrames(TagFromName.PixelData, frames));
    IntegerStringAttribute n = new IntegerStringAttribute(TagFromName.NumberOfFrames);
    n.addValue(frames.length);
    list.put(n);
  }

  private byte[] jpeg2000(
      short[] samples, int width, int height, int bits, boolean signed, String kind, String... more)
      throws Exception {
    return Codecs.jpeg2000(tmp, samples, width, height, bits, signed, kind, more);
  }

  private static void run(String... command) throws IOException, InterruptedException {
    Codecs.run(List.of(command));
  }
}
