package io.cordwatch.trainer.train;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cordwatch.infer.PreprocessingSpec;
import io.cordwatch.trainer.model.LayerSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What every training run of the backbone has, supervised ({@link TrainingRun}) or self-supervised
 * ({@code pretrain.Pretraining}): its length and batch, its seed, the network and its input, the
 * optimiser and schedule, and where its checkpoint goes.
 *
 * @param epochs epochs in total (a resumed run continues up to this number)
 * @param batch crops per step (the authors': 64)
 * @param seed the run's seed
 * @param spec the backbone's layers
 * @param preprocessing the bundle's preprocessing (input size, window, margin, mean/std)
 * @param sgd optimiser settings
 * @param schedule how the learning rate changes over the run
 * @param workDir where checkpoint and curves go (created)
 * @param resume continue from the work folder's checkpoint
 */
public record RunSettings(
    int epochs,
    int batch,
    long seed,
    LayerSpec spec,
    PreprocessingSpec preprocessing,
    Sgd.Settings sgd,
    LrSchedule schedule,
    Path workDir,
    boolean resume) {
  public RunSettings {
    if (epochs < 1) {
      throw new IllegalArgumentException("--epochs must be at least 1, got " + epochs);
    }
    if (batch < 2) {
      throw new IllegalArgumentException(
          "--batch must be at least 2 (batch norm needs two samples, and a contrastive step a"
              + " second crop to tell apart), got "
              + batch);
    }
  }

  /** The network as the progress log names it. */
  public String networkText() {
    if (spec.equals(LayerSpec.resnet50(spec.inputChannels()))) {
      return "ResNet50 (D = 2048)";
    }
    return "bottleneck ResNet " + spec.stages() + " (D = " + spec.embeddingWidth() + ")";
  }

  /** The optimiser and schedule as the progress log states them. */
  public String optimiserText() {
    return String.format(
        Locale.ROOT,
        "lr %.4g (backbone x%.3g, %s), momentum %.3g, weight decay %.3g",
        sgd.lr(),
        sgd.backboneFactor(),
        schedule.describe(),
        sgd.momentum(),
        sgd.weightDecay());
  }

  /**
   * Writes what makes a checkpoint this run's into its header: seed, input size, network, batch,
   * and the fingerprint of the data it reads.
   */
  public void putIdentity(ObjectNode h, String dataFingerprint) {
    h.put("seed", seed);
    h.put("input_size", preprocessing.inputSize());
    h.put("spec", spec.toString());
    h.put("data", dataFingerprint);
    h.put("batch", batch);
  }

  /**
   * How a checkpoint's header differs from this run (what {@link #putIdentity} wrote), one phrase
   * each; empty when it is this run's.
   *
   * @param dataWord what differing data is called in the message
   */
  public List<String> differences(ObjectNode h, String dataFingerprint, String dataWord) {
    List<String> problems = new ArrayList<>();
    if (h.path("seed").asLong() != seed) {
      problems.add("seed " + h.path("seed").asLong() + " (now " + seed + ")");
    }
    if (h.path("input_size").asInt() != preprocessing.inputSize()) {
      problems.add(
          "input size "
              + h.path("input_size").asInt()
              + " (now "
              + preprocessing.inputSize()
              + ")");
    }
    if (!h.path("spec").asText().equals(spec.toString())) {
      problems.add("network " + h.path("spec").asText());
    }
    if (!h.path("data").asText().equals(dataFingerprint)) {
      problems.add(dataWord);
    }
    if (h.path("batch").asInt() != batch) {
      problems.add("batch " + h.path("batch").asInt() + " (now " + batch + ")");
    }
    return problems;
  }

  /**
   * Refuses a checkpoint of another run, or one past this run's last epoch.
   *
   * @param problems {@link #differences} and the caller's own
   * @throws IllegalStateException naming {@code file} and every difference
   */
  public void requireResumable(ObjectNode h, Path file, List<String> problems) {
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          file + " belongs to another run: " + String.join("; ", problems));
    }
    int at = h.path("epoch").asInt();
    if (at > epochs) {
      throw new IllegalStateException(file + " is at epoch " + at + ", beyond --epochs " + epochs);
    }
  }
}
