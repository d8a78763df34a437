package io.cordwatch.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.grade.SeriesGrader;
import io.cordwatch.infer.Bundle;
import io.cordwatch.infer.BundleCalibration;
import io.cordwatch.infer.Bundles;
import io.cordwatch.infer.CalibrationCapture;
import io.cordwatch.infer.CalibrationSlices;
import io.cordwatch.infer.ObservedEngine;
import io.cordwatch.infer.TorchFixture;
import io.cordwatch.phantom.Phantom;
import io.cordwatch.phantom.StudyPlan;
import io.cordwatch.roi.ConfiguredBoxes;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cordwatch bundle add-calibration}: slices sampled from studies graded as the appliance
 * grades them go into the bundle, and read back they are the tensors grading fed the backbone.
 */
class BundleAddCalibrationTest {
  @TempDir static Path tmp;
  static Path phantom;

  @BeforeAll
  static void studies() throws Exception {
    phantom = tmp.resolve("phantom");
    Phantom.generate(
        new Phantom.Options(phantom, 2, 21, StudyPlan.Style.INTERNAL, 10, false, false));
  }

  private static Path freshBundle(String name) throws Exception {
    Path b = tmp.resolve(name);
    TorchFixture.bundle(b);
    return b;
  }

  private static CliRun add(Path bundle, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "bundle",
                "add-calibration",
                bundle.toString(),
                phantom.toString(),
                "--boxes",
                phantom.resolve("labels.csv").toString()));
    args.addAll(List.of(more));
    return CliRun.run(args.toArray(String[]::new));
  }

  @Test
  void aSeededSampleGoesInWithProgressAndInfoShowsIt() throws Exception {
    Path bundle = freshBundle("sampled");
    CliRun r = add(bundle, "--slices", "6");
    assertEquals(0, r.exit(), r::all);
    assertTrue(r.out().contains("study 1/2 graded"), r.out());
    assertTrue(r.out().contains("study 2/2 graded"), r.out());
    assertTrue(r.out().matches("(?s).*kept 6 of \\d+ slices \\(seed 7\\).*"), r.out());
    assertTrue(r.out().contains("calibration: calibration.u16 sha256 "), r.out());
    assertTrue(r.out().contains("6 slices of 64 x 64"), r.out());
    assertTrue(r.out().endsWith("OK\n"), r.out());
    Path file = bundle.resolve(BundleCalibration.FILE);
    assertEquals(6L * 64 * 64 * 2, Files.size(file));

    Path again = freshBundle("again");
    assertEquals(0, add(again, "--slices", "6").exit());
    assertArrayEquals(
        Files.readAllBytes(file),
        Files.readAllBytes(again.resolve(BundleCalibration.FILE)),
        "same studies, same seed: same slices");
    Path other = freshBundle("other-seed");
    assertEquals(0, add(other, "--slices", "6", "--seed", "8").exit());
    assertNotEquals(
        Bundles.sha256(file),
        Bundles.sha256(other.resolve(BundleCalibration.FILE)),
        "another seed: another sample");

    CliRun info = CliRun.run("bundle", "info", bundle.toString());
    assertEquals(0, info.exit(), info::all);
    assertTrue(info.out().contains("6 slices of 64 x 64 (INT8 engines calibrate on them)"));
    CliRun plain = CliRun.run("bundle", "info", freshBundle("plain").toString());
    assertTrue(plain.out().contains("calibration: none (an int8 device profile builds fp16"));
  }

  @Test
  void readBackTheSlicesAreWhatGradingFedTheBackbone() throws Exception {
    Path dir = freshBundle("everything");
    Bundle bundle = Bundles.load(dir);
    List<float[]> fed = new ArrayList<>();
    CalibrationCapture all = new CalibrationCapture(bundle.preprocessing(), 10_000, 1);
    ObservedEngine.Observer record =
        (nchw, batch, shape, embeddings) -> {
          for (int b = 0; b < batch; b++) {
            float[] item = new float[shape.itemSize()];
            nchw.get(nchw.position() + b * item.length, item);
            fed.add(item);
          }
        };
    try (ConfiguredBoxes boxes = ConfiguredBoxes.open(bundle, phantom.resolve("labels.csv"));
        ObservedEngine engine =
            ObservedEngine.owning(
                Bundles.openEngine(bundle),
                (nchw, batch, shape, embeddings) -> {
                  record.batch(nchw.duplicate(), batch, shape, embeddings);
                  all.batch(nchw, batch, shape, embeddings);
                })) {
      List<Path> files;
      try (var walk = Files.walk(phantom)) {
        files = walk.filter(Files::isRegularFile).sorted().toList();
      }
      GradeCommand.Graded g =
          GradeCommand.gradeAll(
              new SeriesGrader(bundle, engine, boxes.source()),
              files,
              new ArrayList<>(),
              (done, total) -> {});
      assertTrue(!g.engineFailed());
    }
    List<short[]> planes = all.planes();
    assertTrue(fed.size() >= 10, "both studies' labelled slices were graded: " + fed.size());
    assertEquals(fed.size(), planes.size(), "kept all: fewer slices than asked for");

    Bundle withSlices = Bundles.addCalibration(dir, planes).bundle();
    CalibrationSlices slices =
        withSlices.calibration().orElseThrow().open(withSlices.preprocessing(), 3, 4);
    int item = 3 * 64 * 64;
    FloatBuffer batch = FloatBuffer.allocate(4 * item);
    int index = 0;
    double worst = 0;
    while (true) {
      batch.clear();
      if (slices.next(batch) == 0) {
        break;
      }
      for (int i = 0; i < 4; i++, index++) {
        float[] want = fed.get(index % fed.size());
        for (int k = 0; k < item; k++) {
          worst = Math.max(worst, Math.abs(want[k] - batch.get(i * item + k)));
        }
      }
    }
    assertEquals((fed.size() + 3) / 4 * 4, index, "whole batches covering every slice");
    // The 16-bit plane is within 0.5 / 65535 of the unit value: 5.4e-5 after dividing by std.
    assertTrue(worst < 6e-5, "largest difference from what grading fed: " + worst);
  }

  @Test
  void studiesWithNothingToGradeLeaveTheBundleAsItWas() throws Exception {
    Path bundle = freshBundle("nothing");
    byte[] before = Files.readAllBytes(bundle.resolve("bundle.json"));
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    Files.writeString(empty.resolve("notes.txt"), "not DICOM");
    CliRun r = CliRun.run("bundle", "add-calibration", bundle.toString(), empty.toString());
    assertEquals(1, r.exit(), r::all);
    assertTrue(r.out().contains("not read: "), r.out());
    assertTrue(r.err().contains("calibration needs 1..65536 slices, got 0"), r.err());
    assertTrue(r.err().contains("[CALIBRATION_SHAPE]"), r.err());
    assertArrayEquals(before, Files.readAllBytes(bundle.resolve("bundle.json")));
  }

  @Test
  void aSliceCountOutOfRangeIsAnArgumentError() throws Exception {
    CliRun r = add(freshBundle("zero"), "--slices", "0");
    assertEquals(2, r.exit(), r::all);
    assertTrue(r.err().contains("--slices must be 1..65536, got 0"), r.err());
  }
}
