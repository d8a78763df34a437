package io.cordwatch.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A clinician's correction of a graded phantom's results SR, as the new VERIFIED SR that names the
 * UNVERIFIED one: valid DICOM as dicom3tools reads the standard, and DCMTK shows the verifier, the
 * predecessor and the reader's grade; the earlier document is left as it was.
 */
class VerifiedReportTest {
  @TempDir Path tmp;

  @Test
  void aCorrectionBecomesAVerifiedSrThatNamesItsPredecessor() throws Exception {
    GradedPhantom g = GradedPhantom.make(tmp, 5);
    ResultFiles files = new ResultFiles(tmp.resolve("data"));
    PreparedDocument sr =
        new ResultDocuments(files).prepare(g.report(), g.seriesFiles().getFirst()).getFirst();
    Path before = files.resolve(sr.path());
    byte[] original = Files.readAllBytes(before);

    VerifiedReport.Verifier v =
        new VerifiedReport.Verifier(
            "clinician^ann", "CORDWATCH", Instant.parse("2026-12-05T08:30:00Z"), true, "1b", "3");
    String uid = VerifiedReport.uid(sr.sopInstanceUid(), 7);
    PreparedDocument verified = VerifiedReport.write(files, before, uid, v, "CORDWATCH");

    assertEquals(DocumentKind.SR, verified.kind());
    assertNotEquals(sr.sopInstanceUid(), verified.sopInstanceUid());
    assertEquals(uid, verified.sopInstanceUid());
    assertEquals(uid, VerifiedReport.uid(sr.sopInstanceUid(), 7), "one UID per review");
    assertNotEquals(uid, VerifiedReport.uid(sr.sopInstanceUid(), 8), "another review, another");
    assertTrue(java.util.Arrays.equals(original, Files.readAllBytes(before)), "predecessor kept");

    Path file = files.resolve(verified.path());
    Dicom3Tools.Output check = Dicom3Tools.dciodvfy(file);
    System.out.println("verified SR dciodvfy:\n" + check.text());
    assertEquals(List.of(), check.errors(), check.text());
    Dicom3Tools.Output dump = Dicom3Tools.dsrdump(file);
    System.out.println(dump.text());
    assertEquals(0, dump.exit(), dump.text());
    assertTrue(dump.text().contains("VERIFIED"), dump.text());
    assertTrue(!dump.text().contains("UNVERIFIED"), dump.text());
    assertTrue(
        dump.text().contains("Verifying Observers : 2026-12-05 08:30:00, clinician^ann, CORDWATCH"),
        dump.text());
    // dsrdump shortens long texts; dcmdump shows them whole.
    assertTrue(dump.text().contains("\"Comment\")=\"Reader's Bilsky grade: 1b"), dump.text());
    String all = Dicom3Tools.dcmdump(file).text();
    assertTrue(all.contains("Reader's Bilsky grade: 1b (corrected from the model's 3)"), all);
    assertTrue(all.contains("PredecessorDocumentsSequence"), all);
    assertTrue(all.contains(sr.sopInstanceUid()), "predecessor referenced: " + all);
  }
}
