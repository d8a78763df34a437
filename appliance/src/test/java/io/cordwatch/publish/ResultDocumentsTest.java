package io.cordwatch.publish;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import io.cordwatch.dicom.DicomPixels;
import io.cordwatch.keyimage.KeyImageRenderer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The results documents of a graded phantom series are valid DICOM as dicom3tools reads the
 * standard, and DCMTK shows the grade in them.
 */
class ResultDocumentsTest {
  @TempDir Path tmp;

  @Test
  void srAndKosOfAGradedPhantomPassDciodvfyAndDsrdumpShowsTheGrade() throws Exception {
    GradedPhantom g = GradedPhantom.make(tmp, 5);
    List<PreparedDocument> docs =
        new ResultDocuments(new ResultFiles(tmp.resolve("data")))
            .prepare(g.report(), g.seriesFiles().getFirst());
    assertEquals(DocumentKind.SR, docs.get(0).kind());
    assertEquals(DocumentKind.KOS, docs.get(1).kind());
    assertEquals(2, docs.size(), "no Secondary Capture unless asked for");
    assertEquals(
        "rwx------",
        PosixFilePermissions.toString(
            Files.getPosixFilePermissions(tmp.resolve("data").resolve(ResultFiles.FOLDER))));
    for (PreparedDocument d : docs) {
      Path file = tmp.resolve("data").resolve(d.path());
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
      Dicom3Tools.Output v = Dicom3Tools.dciodvfy(file);
      System.out.println(d.kind() + " dciodvfy:\n" + v.text());
      assertEquals(List.of(), v.errors(), v.text());
    }
    Dicom3Tools.Output dump = Dicom3Tools.dsrdump(tmp.resolve("data").resolve(docs.get(0).path()));
    System.out.println(dump.text());
    assertEquals(0, dump.exit(), dump.text());
    String grade = g.report().verdict().grade();
    assertTrue(
        dump.text().contains("\"Bilsky grade\"")
            && dump.text().contains("\"Bilsky grade " + grade + "\""),
        dump.text());
    assertTrue(dump.text().contains("UNVERIFIED"), dump.text());
  }

  @Test
  void withSecondaryCaptureOffNothingMoreIsWrittenEvenWithTheSliceFiles() throws Exception {
    GradedPhantom g = GradedPhantom.make(tmp, 5);
    List<PreparedDocument> docs =
        new ResultDocuments(new ResultFiles(tmp.resolve("data")), false)
            .prepare(g.report(), g.seriesFiles().getFirst(), g.instanceFiles()::get);
    assertEquals(
        List.of(DocumentKind.SR, DocumentKind.KOS),
        docs.stream().map(PreparedDocument::kind).toList());
    try (var files = Files.list(tmp.resolve("data").resolve(ResultFiles.FOLDER))) {
      assertEquals(2, files.count(), "only the SR and the KOS in the outbox folder");
    }
  }

  @Test
  void secondaryCaptureKeyImagesPassDciodvfyShowTheBoxAndCarryNoMorePatientDataThanTheSr()
      throws Exception {
    GradedPhantom g = GradedPhantom.make(tmp, 5);
    Path data = tmp.resolve("data");
    List<PreparedDocument> docs =
        new ResultDocuments(new ResultFiles(data), true)
            .prepare(g.report(), g.seriesFiles().getFirst(), g.instanceFiles()::get);
    List<PreparedDocument> sc = docs.stream().filter(d -> d.kind() == DocumentKind.SC).toList();
    List<Documents.Ref> keys = KeySlices.of(g.report());
    assertFalse(keys.isEmpty(), "the phantom verdict has key slices");
    assertEquals(keys.size(), sc.size(), "one image per key slice");
    AttributeList sr = read(data.resolve(docs.getFirst().path()));

    for (int i = 0; i < sc.size(); i++) {
      Path file = data.resolve(sc.get(i).path());
      Dicom3Tools.Output v = Dicom3Tools.dciodvfy(file);
      System.out.println("SC dciodvfy:\n" + v.text());
      assertEquals(List.of(), v.errors(), v.text());
      assertTrue(v.text().contains("SCImage") || v.text().contains("Secondary"), v.text());

      AttributeList a = read(file);
      assertEquals("1.2.840.10008.5.1.4.1.1.7", text(a, TagFromName.SOPClassUID));
      assertEquals(sc.get(i).sopInstanceUid(), text(a, TagFromName.SOPInstanceUID));
      assertEquals(
          "DERIVED\\SECONDARY",
          Attribute.getDelimitedStringValuesOrEmptyString(a, TagFromName.ImageType));
      assertEquals("YES", text(a, TagFromName.BurnedInAnnotation));
      assertEquals(g.report().studyUid(), text(a, TagFromName.StudyInstanceUID));
      SequenceAttribute source = (SequenceAttribute) a.get(TagFromName.SourceImageSequence);
      assertEquals(
          keys.get(i).sopInstanceUid(),
          text(source.getItem(0).getAttributeList(), TagFromName.ReferencedSOPInstanceUID),
          "it names the slice it was drawn from");
      // Patient data: exactly what the SR carries, nothing more.
      for (AttributeTag t : a.keySet()) {
        if (t.getGroup() == 0x0010) {
          assertTrue(sr.containsKey(t), "the SR has " + t + " too");
          assertEquals(text(sr, t), text(a, t), t.toString());
        }
      }

      // The pixels: the box drawn around the key slice's canal box, in the colour of its call.
      var slice =
          g.report().slices().stream()
              .filter(x -> x.sopInstanceUid().equals(keys.getFirst().sopInstanceUid()))
              .findFirst()
              .orElseThrow();
      if (i == 0) {
        int columns = Attribute.getSingleIntegerValueOrDefault(a, TagFromName.Columns, 0);
        byte[] rgb = a.get(TagFromName.PixelData).getByteValues();
        DicomPixels.Frame f =
            DicomPixels.read(g.instanceFiles().get(slice.sopInstanceUid())).getFirst();
        int scale = KeyImageRenderer.scale(f.columns(), f.rows());
        assertEquals(f.columns() * scale, columns);
        // For a person to look at, beside the browser tests' screenshots.
        int rows = Attribute.getSingleIntegerValueOrDefault(a, TagFromName.Rows, 0);
        java.awt.image.BufferedImage shown =
            new java.awt.image.BufferedImage(
                columns, rows, java.awt.image.BufferedImage.TYPE_INT_RGB);
        for (int yy = 0; yy < rows; yy++) {
          for (int xx = 0; xx < columns; xx++) {
            shown.setRGB(xx, yy, pixel(rgb, columns, xx, yy));
          }
        }
        Path screenshots = Files.createDirectories(Path.of("target", "screenshots"));
        javax.imageio.ImageIO.write(shown, "png", screenshots.resolve("sc-key-image.png").toFile());
        int colour = KeyImageRenderer.colour(SecondaryCapture.overlay(g.report(), slice).call());
        int y = ((slice.box().y0() + slice.box().y1() + 1) * scale) / 2;
        assertEquals(colour, pixel(rgb, columns, slice.box().x0() * scale - 1, y), "left edge");
        assertEquals(colour, pixel(rgb, columns, (slice.box().x1() + 1) * scale, y), "right edge");
        int inside = pixel(rgb, columns, (slice.box().x0() + slice.box().x1()) / 2 * scale, y);
        assertTrue(
            (inside >> 16) == (inside & 0xFF) && ((inside >> 8) & 0xFF) == (inside & 0xFF),
            "inside the box the grey slice, not paint");
      }
    }

    List<PreparedDocument> again =
        new ResultDocuments(new ResultFiles(tmp.resolve("again")), true)
            .prepare(g.report(), g.seriesFiles().get(1), g.instanceFiles()::get);
    assertEquals(docs, again, "the same verdict gives the same images: a resend is idempotent");
  }

  private static AttributeList read(Path file) throws Exception {
    AttributeList a = new AttributeList();
    a.read(file.toString());
    return a;
  }

  private static String text(AttributeList a, AttributeTag t) {
    return Attribute.getSingleStringValueOrEmptyString(a, t);
  }

  private static int pixel(byte[] rgb, int columns, int x, int y) {
    int i = (y * columns + x) * 3;
    return ((rgb[i] & 0xFF) << 16) | ((rgb[i + 1] & 0xFF) << 8) | (rgb[i + 2] & 0xFF);
  }

  @Test
  void aDocumentCutShortByACrashIsRemovedAtStartUpAndWrittenWholeAgain() throws Exception {
    GradedPhantom g = GradedPhantom.make(tmp, 5);
    ResultFiles files = new ResultFiles(tmp.resolve("data"));
    List<PreparedDocument> docs =
        new ResultDocuments(files).prepare(g.report(), g.seriesFiles().getFirst());
    Path sr = files.resolve(docs.getFirst().path());
    byte[] whole = Files.readAllBytes(sr);
    Path part = sr.resolveSibling(docs.getFirst().sopInstanceUid() + ".dcm.part");
    Files.write(part, new byte[] {1, 2, 3});
    assertEquals(1, files.removeLeftovers());
    assertTrue(Files.notExists(part));
    new ResultDocuments(files).prepare(g.report(), g.seriesFiles().getFirst());
    assertArrayEquals(whole, Files.readAllBytes(sr));
  }

  @Test
  void theSameVerdictGivesTheSameDocumentsByteForByte() throws Exception {
    GradedPhantom g = GradedPhantom.make(tmp, 5);
    Path first = tmp.resolve("a");
    Path second = tmp.resolve("b");
    List<PreparedDocument> a =
        new ResultDocuments(new ResultFiles(first)).prepare(g.report(), g.seriesFiles().get(0));
    List<PreparedDocument> b =
        new ResultDocuments(new ResultFiles(second)).prepare(g.report(), g.seriesFiles().get(1));
    assertEquals(a, b);
    for (PreparedDocument d : a) {
      assertArrayEquals(
          Files.readAllBytes(first.resolve(d.path())),
          Files.readAllBytes(second.resolve(d.path())));
    }
  }
}
