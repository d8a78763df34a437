package io.cordwatch.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.OtherByteAttributeMultipleCompressedFrames;
import com.pixelmed.dicom.TagFromName;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Compressed test images made by real encoders: DCMTK's dcmcjpls for JPEG-LS, OpenJPEG's
 * opj_compress for JPEG 2000 (Debian's DCMTK has no JPEG 2000 encoder), wrapped into a DICOM file
 * by PixelMed. Each tool is a peer: skipped under {@code -DskipPeers}, a failure when missing.
 */
public final class Codecs {
  /** JPEG 2000 Image Compression (Lossless Only). */
  public static final String JPEG_2000_LOSSLESS = "1.2.840.10008.1.2.4.90";

  private Codecs() {}

  /**
   * A JPEG 2000 codestream from opj_compress, fed the samples as little-endian raw.
   *
   * @param kind "j2k" for a raw codestream, "jp2" for the JP2 file format
   * @param options more opj_compress options ("-I" for the irreversible wavelet, say)
   */
  public static byte[] jpeg2000(
      Path work,
      short[] samples,
      int width,
      int height,
      int bits,
      boolean signed,
      String kind,
      String... options)
      throws IOException, InterruptedException {
    Path raw = Files.createTempFile(work, "in", ".rawl");
    ByteBuffer bytes = ByteBuffer.allocate(samples.length * (bits > 8 ? 2 : 1));
    bytes.order(ByteOrder.LITTLE_ENDIAN);
    for (short s : samples) {
      if (bits > 8) {
        bytes.putShort(s);
      } else {
        bytes.put((byte) s);
      }
    }
    Files.write(raw, bytes.array());
    Path out = Files.createTempFile(work, "out", "." + kind);
    List<String> command =
        new ArrayList<>(
            List.of(
                "opj_compress",
                "-i",
                raw.toString(),
                "-o",
                out.toString(),
                "-F",
                width + "," + height + ",1," + bits + "," + (signed ? "s" : "u")));
    command.addAll(List.of(options));
    run(command);
    return Files.readAllBytes(out);
  }

  /**
   * Rewrites an uncompressed single-frame greyscale image as JPEG 2000 lossless (one fragment),
   * coded at its Bits Allocated.
   */
  public static void toJpeg2000(Path in, Path out, Path work) throws Exception {
    AttributeList list = new AttributeList();
    list.read(in.toFile());
    int rows = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Rows, 0);
    int columns = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Columns, 0);
    int bits = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.BitsAllocated, 16);
    boolean signed =
        Attribute.getSingleIntegerValueOrDefault(list, TagFromName.PixelRepresentation, 0) == 1;
    short[] samples = list.getPixelData().getShortValues();
    byte[] codestream = jpeg2000(work, samples, columns, rows, bits, signed, "j2k");
    list.put(
        new OtherByteAttributeMultipleCompressedFrames(
            TagFromName.PixelData, new byte[][] {codestream}));
    list.removeGroupLengthAttributes();
    list.removeMetaInformationHeaderAttributes();
    FileMetaInformation.addFileMetaInformation(list, JPEG_2000_LOSSLESS, "CORDWATCH");
    list.write(out.toFile(), JPEG_2000_LOSSLESS, true, true);
  }

  /** Runs an encoder to completion (at most 2 minutes), failing with its output otherwise. */
  public static void run(List<String> command) throws IOException, InterruptedException {
    SkipPeers.assumePeers(command.getFirst());
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IllegalStateException(
          command.getFirst() + " is not installed: run the suite through install/cordwatch test",
          e);
    }
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail(command.getFirst() + " did not finish in 120 s");
    }
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + output);
  }
}
