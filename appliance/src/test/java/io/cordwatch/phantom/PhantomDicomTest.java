package io.cordwatch.phantom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import io.cordwatch.dicom.DicomFacts;
import io.cordwatch.dicom.InstanceFacts;
import io.cordwatch.dicom.Uids;
import io.cordwatch.testing.SkipPeers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PhantomDicomTest {
  @TempDir Path dir;

  private List<Path> generate(long seed, StudyPlan.Style style, Path out) throws IOException {
    return generate(seed, style, out, false);
  }

  private List<Path> generate(long seed, StudyPlan.Style style, Path out, boolean enhanced)
      throws IOException {
    Phantom.generate(new Phantom.Options(out, 2, seed, style, 8, false, enhanced));
    try (Stream<Path> s = Files.walk(out)) {
      return s.filter(p -> p.toString().endsWith(".dcm")).sorted().toList();
    }
  }

  @Test
  void everyFilePassesDciodvfyWithoutErrors() throws Exception {
    SkipPeers.assumePeers("dciodvfy");
    List<Path> files = new ArrayList<>(generate(3, StudyPlan.Style.INTERNAL, dir.resolve("i")));
    files.addAll(generate(4, StudyPlan.Style.EXTERNAL, dir.resolve("e")));
    for (Path f : files) {
      String out = run("dciodvfy", f.toString());
      List<String> errors = out.lines().filter(l -> l.startsWith("Error")).toList();
      assertTrue(errors.isEmpty(), f.getFileName() + ": " + errors);
      assertTrue(out.contains("MRImage"), f.getFileName() + " not recognised as MR Image: " + out);
    }
  }

  @Test
  void enhancedMultiFrameFilesPassDciodvfyWithoutErrorsAndCarryEveryFrame() throws Exception {
    SkipPeers.assumePeers("dciodvfy and dcmdump");
    List<Path> files = generate(6, StudyPlan.Style.EXTERNAL, dir, true);
    assertEquals(6, files.size(), "one file per series: " + files);
    for (Path f : files) {
      String out = run("dciodvfy", f.toString());
      List<String> errors = out.lines().filter(l -> l.startsWith("Error")).toList();
      assertTrue(errors.isEmpty(), f.getFileName() + ": " + errors);
      assertTrue(out.contains("EnhancedMRImage"), f.getFileName() + ": " + out);
      String dump = run("dcmdump", "+P", "0008,0016", f.toString());
      assertTrue(dump.contains("=EnhancedMRImageStorage"), dump);
      InstanceFacts facts = DicomFacts.read(f);
      assertEquals(Uids.ENHANCED_MR_IMAGE_STORAGE, facts.sopClassUid());
      int expected = f.getFileName().toString().equals("ax-t2.dcm") ? 8 : 3;
      assertEquals(expected, facts.frames(), f.toString());
    }
    List<String> rows = Files.readAllLines(dir.resolve("labels.csv"));
    assertEquals("study_instance_uid,sop_instance_uid,grade,x0,y0,x1,y1,frame", rows.getFirst());
    assertEquals("1", rows.get(1).split(",")[7]);
    assertEquals("8", rows.get(8).split(",")[7]);
  }

  @Test
  void dcmtkAndPixelmedReadTheFilesWithTheirGeometry() throws Exception {
    SkipPeers.assumePeers("dcmdump");
    List<Path> files = generate(5, StudyPlan.Style.INTERNAL, dir);
    for (Path f : files) {
      String dump = run("dcmdump", "+P", "0020,0037", "+P", "0008,0016", f.toString());
      assertTrue(dump.contains("=MRImageStorage"), f + ": " + dump);
      InstanceFacts facts = DicomFacts.read(f);
      assertEquals(Uids.MR_IMAGE_STORAGE, facts.sopClassUid());
      AttributeList list = new AttributeList();
      list.read(f.toFile());
      int rows = list.get(TagFromName.Rows).getIntegerValues()[0];
      assertEquals(rows * rows, list.get(TagFromName.PixelData).getShortValues().length);
      assertEquals(
          "PHANTOM^CORDWATCH", list.get(TagFromName.PatientName).getSingleStringValueOrNull());
    }
    List<Path> axial =
        files.stream().filter(p -> p.getFileName().toString().startsWith("ax-t2")).toList();
    double previous = Double.POSITIVE_INFINITY;
    for (Path f : axial.subList(0, 8)) {
      AttributeList list = new AttributeList();
      list.read(f.toFile());
      double z = list.get(TagFromName.ImagePositionPatient).getDoubleValues()[2];
      double thickness = list.get(TagFromName.SliceThickness).getDoubleValues()[0];
      if (previous != Double.POSITIVE_INFINITY) {
        assertEquals(previous - thickness, z, 1e-3, "axial slices step caudally by the thickness");
      }
      previous = z;
      double te = list.get(TagFromName.EchoTime).getDoubleValues()[0];
      double tr = list.get(TagFromName.RepetitionTime).getDoubleValues()[0];
      assertTrue(te >= 80 && te <= 120 && tr >= 3000 && tr <= 6000, "TE " + te + " TR " + tr);
    }
  }

  @Test
  void sameSeedWritesIdenticalBytesAndAnotherSeedDoesNot() throws Exception {
    List<Path> a = generate(11, StudyPlan.Style.EXTERNAL, dir.resolve("a"));
    List<Path> b = generate(11, StudyPlan.Style.EXTERNAL, dir.resolve("b"));
    List<Path> c = generate(12, StudyPlan.Style.EXTERNAL, dir.resolve("c"));
    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) {
      assertArrayEquals(
          Files.readAllBytes(a.get(i)), Files.readAllBytes(b.get(i)), a.get(i).toString());
    }
    assertArrayEquals(
        Files.readAllBytes(dir.resolve("a/labels.csv")),
        Files.readAllBytes(dir.resolve("b/labels.csv")));
    assertFalse(
        java.util.Arrays.equals(Files.readAllBytes(a.get(5)), Files.readAllBytes(c.get(5))),
        "a different seed must give different pixels");
  }

  static String run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), command[0] + " did not finish");
    return new String(out, StandardCharsets.UTF_8);
  }
}
