package io.cordwatch.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.trainer.dataset.PhantomData;
import io.cordwatch.trainer.export.BundleExport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pretrain} then {@code train --init-backbone} end to end on phantom studies with a tiny
 * ResNet: the model card names the initialisation of each run; evaluation folders and unusable
 * files are refused before any work, with a message naming them.
 */
class PretrainCommandTest {
  @TempDir static Path shared;
  private static Path phantom;

  @BeforeAll
  static void data() {
    phantom = PhantomData.write(shared.resolve("phantom"), 3, 4, 51);
  }

  private static final String[] TINY = {
    "--input-size", "32", "--batch", "4", "--width-divisor", "16", "--blocks", "1,1,1,1"
  };

  private static String[] args(String verb, String[] more) {
    return TrainerRun.concat(TrainerRun.concat(new String[] {verb}, TINY), more);
  }

  private static String[] train(Path out, String... more) {
    String[] base = {
      "--data",
      phantom.toString(),
      "--out",
      out.toString(),
      "--epochs",
      "1",
      "--allow-empty-classes",
      "--no-localizer",
      "--calibration-slices",
      "0"
    };
    return args("train", TrainerRun.concat(base, more));
  }

  @Test
  void aPretrainedBackboneStartsTrainingAndTheModelCardSaysSo(@TempDir Path tmp)
      throws IOException {
    Path backbone = tmp.resolve("ssl.bin");
    TrainerRun p =
        TrainerRun.run(
            args(
                "pretrain",
                new String[] {
                  "--data", phantom.toString(), "--out", backbone.toString(), "--epochs", "1"
                }));
    assertEquals(0, p.code(), p.err());
    assertTrue(p.err().contains("grades are not used"), p.err());
    assertTrue(p.err().contains("epoch 1/1  loss"), p.err());
    assertTrue(p.err().contains("ETA"), p.err());
    assertTrue(Files.isRegularFile(backbone));
    assertTrue(Files.isRegularFile(tmp.resolve("ssl.bin.work").resolve("checkpoint.bin")));

    Path pretrained = tmp.resolve("pre");
    TrainerRun t = TrainerRun.run(train(pretrained, "--init-backbone", backbone.toString()));
    assertEquals(0, t.code(), t.err());
    assertTrue(t.err().contains("backbone: backbone pretrained self-supervised"), t.err());
    String card = Files.readString(pretrained.resolve(BundleExport.MODEL_CARD));
    assertTrue(card.contains("backbone pretrained self-supervised (SimCLR NT-Xent"), card);
    assertTrue(card.contains("ssl.bin"), card);
    assertFalse(card.contains("He-initialised"), card);
    assertFalse(card.contains("views without artefacts"), card);

    // Without the artefact views the backbone says so, and so does the card of a model from it.
    Path clean = tmp.resolve("clean.bin");
    TrainerRun c =
        TrainerRun.run(
            args(
                "pretrain",
                new String[] {
                  "--data",
                  phantom.toString(),
                  "--out",
                  clean.toString(),
                  "--epochs",
                  "1",
                  "--no-artefacts"
                }));
    assertEquals(0, c.code(), c.err());
    Path fromClean = tmp.resolve("from-clean");
    TrainerRun tc = TrainerRun.run(train(fromClean, "--init-backbone", clean.toString()));
    assertEquals(0, tc.code(), tc.err());
    String cleanCard = Files.readString(fromClean.resolve(BundleExport.MODEL_CARD));
    assertTrue(cleanCard.contains("(SimCLR NT-Xent, views without artefacts, 1 epochs"), cleanCard);

    Path plain = tmp.resolve("plain");
    TrainerRun h = TrainerRun.run(train(plain));
    assertEquals(0, h.code(), h.err());
    String heCard = Files.readString(plain.resolve(BundleExport.MODEL_CARD));
    assertTrue(heCard.contains("He-initialised backbone (no pretrained weights)"), heCard);
  }

  @Test
  void refusesEvaluationFoldersAndUnusableBackboneFilesBeforeAnyWork(@TempDir Path tmp)
      throws IOException {
    Path val = Files.createDirectories(tmp.resolve("val-rand"));
    TrainerRun v =
        TrainerRun.run(
            args(
                "pretrain",
                new String[] {"--data", val.toString(), "--out", tmp.resolve("x.bin").toString()}));
    assertEquals(1, v.code());
    assertTrue(v.err().contains("--data " + val), v.err());
    assertTrue(v.err().contains("validation or test folder"), v.err());
    assertFalse(Files.exists(tmp.resolve("x.bin")));

    Path missing = tmp.resolve("missing.bin");
    TrainerRun m = TrainerRun.run(train(tmp.resolve("o"), "--init-backbone", missing.toString()));
    assertEquals(1, m.code());
    assertTrue(m.err().contains("--init-backbone " + missing + ": no such file"), m.err());
    assertFalse(m.err().contains("labels:"), "refused before the data was read: " + m.err());
    assertFalse(Files.exists(tmp.resolve("o")));
  }
}
