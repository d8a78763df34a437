package io.cordwatch.phantom.real;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.cli.CliRun;
import io.cordwatch.dicom.DicomFacts;
import io.cordwatch.dicom.InstanceFacts;
import io.cordwatch.study.SelectionRules;
import io.cordwatch.study.SeriesDecision;
import io.cordwatch.study.SeriesSelector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The prepared real series meet the appliance's series selection as a site's would: the 3D T2
 * resliced to axial is graded, the T2* gradient echo is refused as not T2-weighted.
 */
class RealSpineSeriesRulesTest {
  @TempDir static Path out;

  @BeforeAll
  static void prepare() throws IOException {
    RealSpine.generate(
        new RealSpine.Options(
            RealSpineNiftiTest.dir(),
            out,
            0,
            1,
            EnumSet.of(RealSource.CERVICAL_T2, RealSource.CERVICAL_T2STAR)));
  }

  private static SeriesDecision decide(String folder) throws IOException {
    List<InstanceFacts> facts;
    try (Stream<Path> files = Files.list(out.resolve(folder))) {
      facts = files.sorted().map(DicomFacts::read).toList();
    }
    return new SeriesSelector(SelectionRules.defaults()).decide(facts);
  }

  @Test
  void cervical3dT2IsSelectedAsAxialT2() throws IOException {
    SeriesDecision d = decide("normal-cervical-3d-t2-crop");
    assertTrue(d.selected(), d::toString);
    assertTrue(d.summary().startsWith("selected: axial"), d.summary());
    assertTrue(d.summary().contains("TE 120 ms, TR 1500 ms"), d.summary());
  }

  @Test
  void t2StarGradientEchoIsRefusedAsNotT2Weighted() throws IOException {
    SeriesDecision d = decide("normal-cervical-axial-t2star");
    assertFalse(d.selected(), d::toString);
    assertTrue(d.summary().startsWith("skipped: not T2-weighted"), d.summary());
  }

  @Test
  void rulesTestCommandSaysTheSame() {
    CliRun r = CliRun.run("rules", "test", out.toString());
    assertEquals(0, r.exit(), r::all);
    assertTrue(r.out().contains("1 of 2 series would be graded"), r::all);
    assertTrue(
        r.out().lines().anyMatch(l -> l.startsWith("selected: axial") && l.contains("AX T2 REAL")),
        r::all);
    assertTrue(
        r.out()
            .lines()
            .anyMatch(l -> l.startsWith("skipped: not T2-weighted") && l.contains("AX T2* GRE")),
        r::all);
  }
}
