package io.cordwatch.trainer.localizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.phantom.Phantom;
import io.cordwatch.phantom.StudyPlan;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cordwatch train-localizer}'s arguments: several {@code --data} folders are pooled
 * (phantoms and real slices in one run), and {@code --labels}, which names one folder's labels, is
 * refused beside more than one.
 */
class LocalizerCommandTest {
  @TempDir Path tmp;

  private record Run(int rc, String out, String err) {}

  private static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int rc =
        LocalizerCommand.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aBadValueOrAMissingOptionIsNamedAndHelpListsTheOptions() {
    Run lr =
        run(
            "--data", tmp.resolve("a").toString(),
            "--out", tmp.resolve("l.onnx").toString(),
            "--lr", "fast");
    assertEquals(2, lr.rc());
    assertTrue(lr.err().contains("'--lr'") && lr.err().contains("'fast'"), lr.err());
    Run noOut = run("--data", tmp.resolve("a").toString());
    assertEquals(2, noOut.rc());
    assertTrue(noOut.err().contains("--out"), noOut.err());
    Run epochs =
        run(
            "--data", tmp.resolve("a").toString(),
            "--out", tmp.resolve("l.onnx").toString(),
            "--epochs", "0");
    assertEquals(2, epochs.rc());
    assertTrue(epochs.err().startsWith("train-localizer: "), epochs.err());
    Run help = run("--help");
    assertEquals(0, help.rc(), help.err());
    assertTrue(
        help.out().contains("--evaluate-every") && help.out().contains("Default 14"), help.out());
  }

  @Test
  void labelsBesideTwoDataFoldersAreRefusedByName() {
    Run r =
        run(
            "--data", tmp.resolve("a").toString(),
            "--data", tmp.resolve("b").toString(),
            "--labels", tmp.resolve("labels.csv").toString(),
            "--out", tmp.resolve("l.onnx").toString());
    assertEquals(2, r.rc());
    assertTrue(r.err().contains("--labels names the labels of one --data folder"), r.err());
    assertTrue(r.err().contains("with 2 folders"), r.err());
  }

  @Test
  void twoDataFoldersArePooledIntoOneTrainingSet() throws Exception {
    Path a = tmp.resolve("a");
    Path b = tmp.resolve("b");
    Phantom.generate(new Phantom.Options(a, 1, 3, StudyPlan.Style.INTERNAL, 4, false, false));
    Phantom.generate(new Phantom.Options(b, 2, 5, StudyPlan.Style.INTERNAL, 4, false, false));
    int slices = (1 + 2) * 2; // three studies, two slices of each (--per-study 2)
    Path onnx = tmp.resolve("l.onnx");
    Run r =
        run(
            "--data", a.toString(),
            "--data", b.toString(),
            "--held-out", "0",
            "--epochs", "1",
            "--batch", "4",
            "--width", "4",
            "--per-study", "2",
            "--threads", "1",
            "--out", onnx.toString());
    assertEquals(0, r.rc(), r.err());
    assertTrue(
        r.err().contains("train-localizer: " + slices + " training slices"),
        "expected the " + slices + " slices of both folders:\n" + r.err());
    assertTrue(Files.size(onnx) > 0);
  }
}
