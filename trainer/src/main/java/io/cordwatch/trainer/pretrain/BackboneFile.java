package io.cordwatch.trainer.pretrain;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cordwatch.trainer.model.LayerSpec;
import io.cordwatch.trainer.model.Weights;
import io.cordwatch.trainer.train.BackboneInit;
import io.cordwatch.trainer.train.Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A pretrained backbone on disk: the trainer's checkpoint format ({@link Checkpoint}) holding the
 * backbone's tensors only, by torchvision name (batch-norm running statistics included), with a
 * header that says what it is ({@value #KIND}), for which network and input size, how it was made
 * and after how many epochs. The projection head, the momentum and everything else needed to
 * continue pretraining stay in the work folder's checkpoint.
 *
 * <p>{@link #read} refuses anything that would silently start a run from the wrong weights: a
 * missing file, a file that is not a pretrained backbone (a supervised checkpoint, a bundle), a
 * backbone of another network (width, blocks, channels), a missing or wrongly sized tensor; every
 * message names the file.
 */
public final class BackboneFile {
  private BackboneFile() {}

  /** The header's {@code kind}. */
  public static final String KIND = "cordwatch-pretrained-backbone";

  /**
   * Writes {@code weights} atomically, with {@code header} (kind and spec are set here).
   *
   * @param header what made it: method, epochs, input size, data
   */
  public static void write(Path file, ObjectNode header, Weights weights) throws IOException {
    header.put("kind", KIND);
    header.put("spec", weights.spec().toString());
    header.put("bn_eps", weights.eps());
    Map<String, float[]> tensors = new java.util.LinkedHashMap<>();
    for (String name : weights.names()) {
      tensors.put(name, weights.get(name));
    }
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    new Checkpoint(header, tensors, Map.of()).save(file);
  }

  /**
   * Reads a pretrained backbone for {@code spec}.
   *
   * @throws IllegalArgumentException naming the file and what is wrong with it
   */
  public static BackboneInit read(Path file, LayerSpec spec) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          "--init-backbone " + file + ": no such file (make one with cordwatch-trainer pretrain)");
    }
    Checkpoint c;
    try {
      c = Checkpoint.load(file);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "--init-backbone " + file + ": cannot be read: " + e.getMessage(), e);
    }
    ObjectNode h = c.header();
    if (!KIND.equals(h.path("kind").asText())) {
      throw new IllegalArgumentException(
          "--init-backbone "
              + file
              + ": not a pretrained backbone (kind '"
              + h.path("kind").asText("")
              + "', expected '"
              + KIND
              + "'); give the --out file of cordwatch-trainer pretrain");
    }
    if (!spec.toString().equals(h.path("spec").asText())) {
      throw new IllegalArgumentException(
          "--init-backbone "
              + file
              + ": holds a backbone for the network "
              + h.path("spec").asText()
              + ", but this run builds "
              + spec);
    }
    Weights w = Weights.heNormal(spec, 0).withEps(h.path("bn_eps").asDouble(Weights.DEFAULT_EPS));
    List<String> problems = new ArrayList<>();
    for (String name : w.names()) {
      float[] v = c.model().get(name);
      if (v == null) {
        problems.add("no tensor " + name);
      } else if (v.length != w.get(name).length) {
        problems.add(name + " has " + v.length + " values, not " + w.get(name).length);
      } else {
        w.put(name, v);
      }
      if (problems.size() >= 3) {
        break;
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "--init-backbone "
              + file
              + ": does not fit this network: "
              + String.join("; ", problems));
    }
    String description =
        String.format(
            Locale.ROOT,
            "backbone pretrained self-supervised (%s, %d epochs at input %d, on %s), file %s",
            h.path("method").asText("?"),
            h.path("epoch").asInt(),
            h.path("input_size").asInt(),
            h.path("data").asText("?"),
            file.getFileName());
    return new BackboneInit(description, w);
  }
}
