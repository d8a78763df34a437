package io.cordwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PhantomCommandTest {
  @TempDir Path tmp;

  @Test
  void writesStudiesLabelsAndMontageAndSelectionGradesOnlyTheAxialT2() throws Exception {
    Path out = tmp.resolve("phantom");
    Run r = run("phantom", "--out", out.toString(), "--slices", "6", "--seed", "3", "--montage");
    assertEquals(0, r.exit(), r::all);
    assertTrue(r.out().contains("1 studies, 6 graded slices"), r::all);
    assertTrue(Files.isRegularFile(out.resolve("labels.csv")));
    assertTrue(Files.size(out.resolve("montage.png")) > 1000);
    assertTrue(Files.isRegularFile(out.resolve("study-0001/ax-t2-0006.xml")));

    Run rules = run("rules", "test", out.resolve("study-0001").toString());
    assertEquals(0, rules.exit(), rules::all);
    assertTrue(rules.out().contains("1 of 3 series would be graded"), rules::all);
    assertTrue(rules.out().contains("selected: axial"), rules::all);
  }

  @Test
  void rejectsAnUnknownStyle() {
    Run r = run("phantom", "--out", tmp.toString(), "--style", "hospital-b");
    assertEquals(2, r.exit(), r::all);
    assertTrue(r.err().contains("internal or external"), r::all);
  }

  private record Run(int exit, String out, String err) {
    String all() {
      return "exit " + exit + "\n--- out\n" + out + "--- err\n" + err;
    }
  }

  private static Run run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int exit = io.cordwatch.cli.Main.run(args);
      return new Run(
          exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }
}
