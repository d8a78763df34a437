package io.cordwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PhantomCommandTest {
  @TempDir Path tmp;

  @Test
  void writesStudiesLabelsAndMontageAndSelectionGradesOnlyTheAxialT2() throws Exception {
    Path out = tmp.resolve("phantom");
    CliRun r =
        CliRun.run("phantom", "--out", out.toString(), "--slices", "6", "--seed", "3", "--montage");
    assertEquals(0, r.exit(), r::all);
    assertTrue(r.out().contains("1 studies, 6 graded slices"), r::all);
    assertTrue(Files.isRegularFile(out.resolve("labels.csv")));
    assertTrue(Files.size(out.resolve("montage.png")) > 1000);
    assertTrue(Files.isRegularFile(out.resolve("study-0001/ax-t2-0006.xml")));

    CliRun rules = CliRun.run("rules", "test", out.resolve("study-0001").toString());
    assertEquals(0, rules.exit(), rules::all);
    assertTrue(rules.out().contains("1 of 3 series would be graded"), rules::all);
    assertTrue(rules.out().contains("selected: axial"), rules::all);
  }

  @Test
  void rejectsAnUnknownStyle() {
    CliRun r = CliRun.run("phantom", "--out", tmp.toString(), "--style", "hospital-b");
    assertEquals(2, r.exit(), r::all);
    assertTrue(r.err().contains("internal, external or randomized"), r::all);
  }
}
