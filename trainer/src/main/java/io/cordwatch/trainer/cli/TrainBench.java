package io.cordwatch.trainer.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.cordwatch.trainer.model.DjlResNet;
import io.cordwatch.trainer.model.LayerSpec;
import io.cordwatch.trainer.model.Weights;
import io.cordwatch.trainer.train.Losses;
import io.cordwatch.trainer.train.ProtoNet;
import io.cordwatch.trainer.train.Sgd;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cordwatch bench train}: training throughput of the prototypical ResNet on this machine,
 * per input size: full training steps (training-mode forward, the three loss terms with VAT's power
 * iteration, backward, SGD update) on random batches, after one unmeasured warm-up step. The data
 * path (crop and resize) is not included; it costs well under a millisecond per slice.
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description =
        "Training throughput (images/s) of ResNet50 + prototype head + VAT, per input size.")
final class TrainBench implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--sizes",
      split = ",",
      paramLabel = "S,S,..",
      description = "Default ${DEFAULT-VALUE}.")
  List<Integer> sizes = List.of(64, 96, 128);

  @Option(names = "--batch", paramLabel = "B", description = "Default ${DEFAULT-VALUE}.")
  int batch = 32;

  @Option(
      names = "--steps",
      paramLabel = "N",
      description = "Measured steps per size (default ${DEFAULT-VALUE}).")
  int steps = 3;

  @Option(
      names = "--threads",
      paramLabel = "T",
      description = "PyTorch threads (default: all cores).")
  Integer threads;

  @Option(names = "--width-divisor", paramLabel = "N", hidden = true)
  int widthDivisor = 1;

  @Option(names = "--blocks", split = ",", paramLabel = "N,N,N,N", hidden = true)
  int[] blocks = {3, 4, 6, 3};

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (threads != null) {
      System.setProperty("ai.djl.pytorch.num_threads", threads.toString());
      System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }
    if (batch < 2 || steps < 1) {
      spec.commandLine().getErr().println("cordwatch bench train: --batch >= 2 and --steps >= 1");
      return 2;
    }
    LayerSpec layers = LayerSpec.bottleneck(3, widthDivisor, blocks);
    int k = 6;
    int d = layers.embeddingWidth();
    DjlResNet.engine();
    out.printf(
        Locale.ROOT,
        "training throughput, %s, batch %d, %d measured steps per size, %d cores, PyTorch CPU%n",
        layers.equals(LayerSpec.resnet50(3)) ? "ResNet50" : "ResNet " + layers.stages(),
        batch,
        steps,
        Runtime.getRuntime().availableProcessors());
    out.println("size  images/s  s/step");
    out.flush();
    Random random = new Random(1);
    for (int size : sizes) {
      try (ProtoNet net = ProtoNet.of(Weights.heNormal(layers, 1), gaussian(random, k, d))) {
        Sgd sgd = new Sgd(Sgd.Settings.published(), net.trainables());
        float[] x = new float[batch * 3 * size * size];
        for (int i = 0; i < x.length; i++) {
          x[i] = (float) random.nextGaussian();
        }
        float[] oneHot = new float[batch * k];
        for (int j = 0; j < batch; j++) {
          oneHot[j * k + random.nextInt(k)] = 1;
        }
        float[] weights = {0.2f, 0.9f, 0.9f, 0.95f, 0.95f, 0.95f};
        float[] start = new float[batch * d];
        for (int i = 0; i < start.length; i++) {
          start[i] = (float) random.nextGaussian();
        }
        long t0 = 0;
        for (int s = 0; s <= steps; s++) {
          if (s == 1) {
            t0 = System.nanoTime();
          }
          try (NDManager scope = net.backbone().manager().newSubManager()) {
            NDArray input = scope.create(x, new Shape(batch, 3, size, size));
            try (GradientCollector gc = DjlResNet.engine().newGradientCollector()) {
              NDArray e = net.embed(input, true);
              Losses.Terms t =
                  Losses.terms(
                      e,
                      net.prototypes(),
                      scope.create(oneHot, new Shape(batch, k)),
                      scope.create(weights),
                      Losses.Weights.published(),
                      scope.create(start, new Shape(batch, d)),
                      scope);
              gc.backward(t.total());
            }
            sgd.step();
          }
        }
        double seconds = (System.nanoTime() - t0) / 1e9 / steps;
        out.printf(Locale.ROOT, "%4d  %8.2f  %6.2f%n", size, batch / seconds, seconds);
        out.flush();
      }
    }
    return 0;
  }

  private static float[][] gaussian(Random random, int k, int d) {
    float[][] p = new float[k][d];
    for (float[] row : p) {
      for (int i = 0; i < d; i++) {
        row[i] = (float) random.nextGaussian();
      }
    }
    return p;
  }
}
