package io.cordwatch.publish;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
