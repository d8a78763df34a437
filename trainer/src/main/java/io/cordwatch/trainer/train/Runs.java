package io.cordwatch.trainer.train;

import io.cordwatch.trainer.model.LayerSpec;
import io.cordwatch.trainer.model.Weights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

/**
 * What the supervised run ({@link TrainingRun}) and pretraining ({@code pretrain.Pretraining}) do
 * alike around their loops: the seeded streams per epoch, the shuffle, the time format of their
 * progress lines, and the checkpoint checks at start (resume only from a checkpoint that exists,
 * never start afresh over one, read the backbone's tensors back).
 */
public final class Runs {
  private Runs() {}

  /**
   * The seed of one epoch's stream (SplitMix64's finaliser: distinct, well-spread streams for
   * neighbouring epochs); epoch -1 and 0 are free for draws before the first epoch.
   */
  public static long mix(long seed, int epoch) {
    long z = seed + 0x9E3779B97F4A7C15L * (epoch + 1L);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** 0..n-1 in the order {@code random} shuffles them (Fisher-Yates). */
  public static int[] shuffled(int n, Random random) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /** Seconds as {@code 12m05s} or {@code 1h02m}; {@code ?} when unknown. */
  public static String duration(double seconds) {
    if (!Double.isFinite(seconds) || seconds < 0) {
      return "?";
    }
    long s = Math.round(seconds);
    if (s >= 3600) {
      return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
    }
    return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
  }

  /**
   * The checkpoint {@code --resume} continues from.
   *
   * @throws IllegalStateException when there is none
   */
  public static Checkpoint resumable(Path checkpointFile) throws IOException {
    if (!Files.isRegularFile(checkpointFile)) {
      throw new IllegalStateException(
          "--resume: no checkpoint at " + checkpointFile + "; start without --resume");
    }
    return Checkpoint.load(checkpointFile);
  }

  /**
   * Refuses to start a run afresh over an earlier run's checkpoint.
   *
   * @throws IllegalStateException when {@code checkpointFile} exists
   */
  public static void requireFreshStart(Path checkpointFile, Path workDir) {
    if (Files.exists(checkpointFile)) {
      throw new IllegalStateException(
          checkpointFile
              + " exists from an earlier run: pass --resume to continue it, or remove the work"
              + " folder "
              + workDir
              + " to start again");
    }
  }

  /**
   * The backbone's tensors of {@code spec} as {@code c} holds them.
   *
   * @throws IllegalStateException when one is missing
   */
  public static Weights backbone(Checkpoint c, LayerSpec spec, Path file) {
    Weights w = Weights.heNormal(spec, 0);
    for (String name : w.names()) {
      float[] v = c.model().get(name);
      if (v == null) {
        throw new IllegalStateException(file + ": has no tensor " + name);
      }
      w.put(name, v);
    }
    return w;
  }
}
