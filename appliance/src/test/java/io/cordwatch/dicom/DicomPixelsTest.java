package io.cordwatch.dicom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.testing.SkipPeers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DicomPixelsTest {
  private static final Path PYDICOM =
      Path.of("/usr/lib/python3/dist-packages/pydicom/data/test_files");

  @TempDir Path tmp;

  private static DicomPixels.Frame only(Path file) {
    List<DicomPixels.Frame> frames = DicomPixels.read(file);
    assertEquals(1, frames.size(), file.toString());
    return frames.getFirst();
  }

  @Test
  void nativeBigEndianImplicitAndRleEncodingsGiveTheSamePixels() {
    DicomPixels.Frame reference = only(PYDICOM.resolve("MR_small.dcm"));
    assertEquals(64, reference.rows());
    assertEquals(64, reference.columns());
    assertNotNull(reference.position());
    for (String name :
        List.of("MR_small_implicit.dcm", "MR_small_bigendian.dcm", "MR_small_RLE.dcm")) {
      DicomPixels.Frame f = only(PYDICOM.resolve(name));
      assertArrayEquals(reference.stored(), f.stored(), name);
      assertEquals(reference.sopInstanceUid(), f.sopInstanceUid(), name);
    }
  }

  @Test
  void jpegLosslessGivesTheSamePixelsAsNative() throws Exception {
    SkipPeers.assumePeers("dcmcjpeg");
    Path jpeg = tmp.resolve("sv1.dcm");
    Process p =
        new ProcessBuilder(
                "dcmcjpeg", "+e1", PYDICOM.resolve("MR_small.dcm").toString(), jpeg.toString())
            .redirectErrorStream(true)
            .start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(
        0, p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    assertArrayEquals(only(PYDICOM.resolve("MR_small.dcm")).stored(), only(jpeg).stored());
  }

  @Test
  void enhancedMrGivesEveryFrameWithItsOwnPosition() {
    Path file = JpegLosslessTest.realDicom().resolve("enhanced-mr/Siemens_XA10_6_1.dcm");
    List<DicomPixels.Frame> frames = DicomPixels.read(file);
    assertTrue(frames.size() > 1, "frames: " + frames.size());
    Set<Double> positions = new HashSet<>();
    for (int i = 0; i < frames.size(); i++) {
      DicomPixels.Frame f = frames.get(i);
      assertEquals(i + 1, f.frame());
      assertEquals(f.rows() * f.columns(), f.stored().length);
      positions.add(f.position());
    }
    assertEquals(frames.size(), positions.size(), "one slice position per frame: " + positions);
  }

  @Test
  void pixelSpacingComesFromTheImageOrFromEachFramesPixelMeasures() throws Exception {
    assertArrayEquals(
        new double[] {0.3125, 0.3125}, only(PYDICOM.resolve("MR_small.dcm")).pixelSpacing());
    // Philips keeps it per frame, Siemens in the shared groups: every frame has it either way.
    for (String name : List.of("Philips_IM_0027_fMAP.dcm", "Siemens_XA10_6_1.dcm")) {
      double expected = name.startsWith("Philips") ? 4 : 3.375;
      for (DicomPixels.Frame f :
          DicomPixels.read(JpegLosslessTest.realDicom().resolve("enhanced-mr/" + name))) {
        assertArrayEquals(new double[] {expected, expected}, f.pixelSpacing(), name);
      }
    }
    SkipPeers.assumePeers("dcmodify");
    for (String edit : List.of("-e", "-m")) {
      Path copy = tmp.resolve("spacing" + edit + ".dcm");
      Files.copy(PYDICOM.resolve("MR_small.dcm"), copy);
      List<String> cmd = new ArrayList<>(List.of("dcmodify", "-nb", edit));
      cmd.add(edit.equals("-e") ? "(0028,0030)" : "(0028,0030)=0\\0.5");
      cmd.add(copy.toString());
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      assertTrue(p.waitFor(60, TimeUnit.SECONDS));
      assertEquals(
          0, p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
      assertNull(only(copy).pixelSpacing(), "missing or zero spacing is unknown: " + edit);
    }
  }

  @Test
  void bodyPartExaminedIsReadAsRecordedAndEmptyIsNone() throws Exception {
    SkipPeers.assumePeers("dcmodify");
    for (String value : List.of("LSPINE", " L-Spine ", "")) {
      Path copy = tmp.resolve("body" + value.strip() + ".dcm");
      Files.copy(PYDICOM.resolve("MR_small.dcm"), copy);
      Process p =
          new ProcessBuilder("dcmodify", "-nb", "-i", "(0018,0015)=" + value, copy.toString())
              .redirectErrorStream(true)
              .start();
      assertTrue(p.waitFor(60, TimeUnit.SECONDS));
      assertEquals(
          0, p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
      String read = only(copy).bodyPartExamined();
      if (value.isBlank()) {
        assertNull(read);
      } else {
        assertEquals(value.strip(), read);
      }
    }
  }

  @Test
  void anRleObjectDeclaringGigabytesIsRefusedBeforeDecompression() throws Exception {
    com.pixelmed.dicom.AttributeList list = new com.pixelmed.dicom.AttributeList();
    list.setDecompressPixelData(false);
    list.read(PYDICOM.resolve("MR_small_RLE.dcm").toString());
    for (com.pixelmed.dicom.AttributeTag tag :
        List.of(com.pixelmed.dicom.TagFromName.Rows, com.pixelmed.dicom.TagFromName.Columns)) {
      com.pixelmed.dicom.UnsignedShortAttribute a =
          new com.pixelmed.dicom.UnsignedShortAttribute(tag);
      a.addValue(65535);
      list.put(a);
    }
    Path file = tmp.resolve("huge.dcm");
    list.write(file.toFile(), "1.2.840.10008.1.2.5", true, true);
    PixelDecodeException e = assertThrows(PixelDecodeException.class, () -> DicomPixels.read(file));
    assertEquals(PixelDecodeException.Code.TOO_LARGE, e.code(), e.getMessage());
    assertTrue(e.getMessage().contains("over the decode limit"), e.getMessage());
  }

  @Test
  void enhancedMrRescaleComesFromThePixelValueTransformationGroup() {
    Path file = JpegLosslessTest.realDicom().resolve("enhanced-mr/Philips_IM_0027_fMAP.dcm");
    DicomPixels.Frame f = DicomPixels.read(file).getFirst();
    assertEquals(1.27985, f.slope(), 1e-5);
  }

  @Test
  void truncatedPixelDataIsAPixelDecodeExceptionWithAReason() {
    PixelDecodeException e =
        assertThrows(
            PixelDecodeException.class,
            () -> DicomPixels.read(PYDICOM.resolve("MR_truncated.dcm")));
    assertTrue(!e.getMessage().isBlank());
  }
}
