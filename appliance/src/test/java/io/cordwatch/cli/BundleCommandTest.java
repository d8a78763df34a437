package io.cordwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.infer.TorchFixture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleCommandTest {
  @TempDir Path tmp;

  private Run create(Path out, Path prototypes, String... extra) {
    String[] base = {
      "bundle",
      "create",
      "--out",
      out.toString(),
      "--backbone",
      TorchFixture.backbone().toString(),
      "--prototypes",
      prototypes.toString(),
      "--classes",
      "0,1a,1b,1c,2,3",
      "--temperature",
      "2",
      "--input-size",
      "64"
    };
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    return run(args);
  }

  @Test
  void createAssemblesATorchExportedBackboneIntoAVerifiedBundle() throws IOException {
    Path protos = TorchFixture.writePrototypes(tmp.resolve("protos.f32"), 6, 32, 11);
    Path out = tmp.resolve("tiny-bundle");

    Run r = create(out, protos, "--ood-threshold", "4", "--training-data", "phantoms");

    assertEquals(0, r.exit(), r::all);
    assertTrue(r.out().contains("embedding width D = 32"), r::all);
    assertTrue(
        r.out().contains("verified: onnxruntime-cpu runs the backbone, input [N, 3, 64, 64]"));
    assertTrue(Files.isRegularFile(out.resolve("bundle.json")));
    assertTrue(Files.isRegularFile(out.resolve("backbone.onnx")));
    assertTrue(Files.isRegularFile(out.resolve("prototypes.f32")));
  }

  @Test
  void infoShowsWhatAPersonNeedsAndShoutsWhenNotForClinicalUse() throws IOException {
    Path out = tmp.resolve("b");
    Path protos = TorchFixture.writePrototypes(tmp.resolve("protos.f32"), 6, 32, 11);
    assertEquals(0, create(out, protos, "--ood-threshold", "4").exit());

    Run r = run("bundle", "info", out.toString());

    assertEquals(0, r.exit(), r::all);
    assertTrue(r.out().startsWith("*** NOT FOR CLINICAL USE"), r::all);
    assertTrue(r.out().contains("classes: K = 6 [0, 1a, 1b, 1c, 2, 3], high grade [1c, 2, 3]"));
    assertTrue(r.out().contains("temperature: T = 2.0"), r::all);
    assertTrue(r.out().contains("uncertain above 4.0"), r::all);
    assertTrue(r.out().contains("window 0.5-99.5 % per series"), r::all);
    assertTrue(r.out().contains("mean 0.1937 std 0.142"), r::all);
    assertTrue(r.out().contains("clinical_use: FALSE"), r::all);
  }

  @Test
  void clinicalUseTrueIsNotShouted() throws IOException {
    Path out = tmp.resolve("b");
    Path protos = TorchFixture.writePrototypes(tmp.resolve("protos.f32"), 6, 32, 11);
    assertEquals(0, create(out, protos, "--clinical-use", "true").exit());

    Run r = run("bundle", "info", out.toString());

    assertTrue(r.out().startsWith("bundle: b"), r::all);
    assertTrue(r.out().contains("threshold off"), r::all);
    assertTrue(r.out().contains("clinical_use: true"), r::all);
  }

  @Test
  void verifyPassesAGoodBundleAndFailsADamagedOneWithTheReason() throws IOException {
    Path out = tmp.resolve("b");
    Path protos = TorchFixture.writePrototypes(tmp.resolve("protos.f32"), 6, 32, 11);
    assertEquals(0, create(out, protos).exit());

    Run good = run("bundle", "verify", out.toString());
    assertEquals(0, good.exit(), good::all);
    assertTrue(good.out().trim().endsWith("OK"), good::all);

    Files.write(
        out.resolve("backbone.onnx"),
        new byte[] {1, 2, 3},
        java.nio.file.StandardOpenOption.APPEND);
    Run bad = run("bundle", "verify", out.toString());
    assertEquals(1, bad.exit(), bad::all);
    assertTrue(bad.err().contains("backbone.onnx has sha256"), bad::all);
    assertTrue(bad.err().contains("[CHECKSUM_MISMATCH]"), bad::all);
  }

  @Test
  void createWithFivePrototypesForSixClassesFailsSayingSo() throws IOException {
    Path protos = TorchFixture.writePrototypes(tmp.resolve("protos.f32"), 5, 32, 11);

    Run r = create(tmp.resolve("b"), protos);

    assertEquals(1, r.exit(), r::all);
    assertTrue(r.err().contains("K = 5 prototypes of D = 32"), r::all);
    assertTrue(r.err().contains("[CLASS_COUNT]"), r::all);
    assertFalse(Files.exists(tmp.resolve("b")), "a failed create leaves no half-made bundle");
  }

  @Test
  void createRefusesAnInputSizeTheGraphIsNotFixedAt() throws IOException {
    Path protos = TorchFixture.writePrototypes(tmp.resolve("protos.f32"), 6, 32, 11);
    Path out = tmp.resolve("b224");

    Run r =
        run(
            "bundle",
            "create",
            "--out",
            out.toString(),
            "--backbone",
            TorchFixture.backbone().toString(),
            "--prototypes",
            protos.toString(),
            "--temperature",
            "2");

    // The torch export fixes height and width at 64; the default input size is 224.
    assertEquals(1, r.exit(), r::all);
    assertTrue(r.err().contains("fixed at [-1, 3, 64, 64]"), r::all);
    assertTrue(r.err().contains("preprocessing input size is 224 [INPUT_LAYOUT]"), r::all);
    assertTrue(Files.notExists(out), "nothing is written when the graph does not fit");
  }

  @Test
  void infoOnAMissingBundleExitsOneNamingThePath() {
    Path missing = tmp.resolve("nope");
    Run r = run("bundle", "info", missing.toString());
    assertEquals(1, r.exit(), r::all);
    assertTrue(r.err().contains(missing + ": no such bundle folder or .zip"), r::all);
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
      int exit = Main.run(args);
      System.out.flush();
      System.err.flush();
      return new Run(
          exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }
}
