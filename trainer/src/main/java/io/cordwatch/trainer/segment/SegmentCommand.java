package io.cordwatch.trainer.segment;

import io.cordwatch.infer.LocalizerSpec;
import io.cordwatch.roi.BoxFileException;
import io.cordwatch.trainer.localizer.DjlLocalizer;
import io.cordwatch.trainer.localizer.LocalizerGraph;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cordwatch train-segmenter}: trains the canal segmenter on folders with tissue maps, or
 * loads one trained before, and scores it on other folders.
 *
 * <pre>
 * cordwatch train-segmenter --out DIR (--data DIR... | --weights FILE) [--score DIR[=BOXES]]...
 *     [--epochs N] [--batch N] [--width N] [--size V] [--lr X] [--seed S] [--class-weight C=W]...
 *     [--onnx FILE]
 * </pre>
 *
 * Writes {@code DIR/segmenter.weights} (after training), the ONNX graph with {@code --onnx} ({@link
 * SegmenterOnnx}) and, per {@code --score} folder, {@code DIR/NAME.csv} ({@link SegmentScore}: what
 * the map shows on each slice) with the Dice per class on stdout. {@code =BOXES} names a labels.csv
 * whose boxes the views are centred on instead of the folder's own. Exit status 0 when done, 2 for
 * unusable arguments or data.
 */
@Command(
    name = "train-segmenter",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Train the canal segmenter on folders with tissue maps (--data), or load one trained before"
          + " (--weights), and score it on other folders (--score).",
      "Writes DIR/segmenter.weights after training, the ONNX graph with --onnx and, per --score"
          + " folder, DIR/NAME.csv with the Dice per class on stdout. Exit status 0 when done, 1"
          + " when a file cannot be read or written, 2 for unusable arguments or data."
    })
public final class SegmentCommand implements Callable<Integer> {
  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "Where the weights and the score tables go.")
  Path dir;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description = "Training studies with tissue maps (phantom --masks); repeatable.")
  List<Path> data = new ArrayList<>();

  @Option(
      names = "--weights",
      paramLabel = "FILE",
      description = "A segmenter trained before, to score instead of training.")
  Path weights;

  @Option(
      names = "--score",
      paramLabel = "DIR[=BOXES]",
      description =
          "A folder to score; =BOXES names a labels.csv whose boxes the views are centred on"
              + " instead of the folder's own. Repeatable.")
  List<String> score = new ArrayList<>();

  @Option(names = "--onnx", paramLabel = "FILE", description = "Also write the ONNX graph.")
  Path onnx;

  @Option(names = "--epochs", paramLabel = "N", description = "Default ${DEFAULT-VALUE}.")
  int epochs = 8;

  @Option(names = "--batch", paramLabel = "N", description = "Default ${DEFAULT-VALUE}.")
  int batch = 16;

  @Option(
      names = "--width",
      paramLabel = "N",
      description = "Channels of the first stage (default ${DEFAULT-VALUE}).")
  int width = 12;

  @Option(
      names = "--size",
      paramLabel = "V",
      description = "View side in pixels (default ${DEFAULT-VALUE}).")
  int size = 64;

  @Option(names = "--lr", paramLabel = "X", description = "Default ${DEFAULT-VALUE}.")
  double lr = 2e-3;

  @Option(names = "--seed", paramLabel = "S", description = "Default ${DEFAULT-VALUE}.")
  long seed = 7;

  @Option(
      names = "--class-weight",
      paramLabel = "NAME=W",
      description =
          "One class's loss weight (outside, epidural, dura, csf, cord, tumour); repeatable.")
  List<String> classWeight = new ArrayList<>();

  private final PrintStream out;
  private final PrintStream err;

  private SegmentCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the command; returns the exit status. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    return new CommandLine(new SegmentCommand(out, err))
        .setOut(new PrintWriter(out, true, StandardCharsets.UTF_8))
        .setErr(new PrintWriter(err, true, StandardCharsets.UTF_8))
        .execute(args);
  }

  @Override
  public Integer call() {
    Path weights = this.weights;
    try {
      if (data.isEmpty() == (weights == null)) {
        throw new IllegalArgumentException(
            "give either --data (to train) or --weights (to score): one of the two");
      }
      float[] classWeights = SegmenterTraining.Options.defaultClassWeights();
      for (String v : classWeight) {
        classWeight(classWeights, v);
      }
      LocalizerSpec spec = LocalizerSpec.defaults();
      Files.createDirectories(dir);
      Map<String, float[]> trained;
      if (weights == null) {
        SegmenterTraining.Options o =
            new SegmenterTraining.Options(epochs, batch, width, size, lr, 1e-4, seed, classWeights);
        SegmentData train = SegmentData.load(data, spec, err::println);
        long start = System.nanoTime();
        trained = SegmenterTraining.train(train, o, err::println);
        weights = dir.resolve("segmenter.weights");
        write(weights, width, size, trained);
        out.printf(
            Locale.ROOT,
            "trained on %s in %.1f min: %s%n",
            train.description(),
            (System.nanoTime() - start) / 60e9,
            weights);
      }
      Loaded loaded = read(weights);
      if (onnx != null) {
        long bytes = SegmenterOnnx.write(loaded.width, loaded.size, loaded.values, onnx);
        out.printf(Locale.ROOT, "ONNX graph: %s (%d bytes)%n", onnx, bytes);
      }
      try (DjlLocalizer net =
          DjlLocalizer.of(
              LocalizerGraph.of(loaded.width, SegmentData.CLASSES.size()), loaded.values)) {
        for (String s : score) {
          int eq = s.indexOf('=');
          Path folder = Path.of(eq < 0 ? s : s.substring(0, eq));
          Path boxes = eq < 0 ? null : Path.of(s.substring(eq + 1));
          SegmentData d = SegmentData.load(folder, boxes, spec, err::println);
          Path csv = dir.resolve(folder.getFileName() + ".csv");
          SegmentScore.Dice dice = SegmentScore.score(net, d, loaded.size, csv);
          StringBuilder line = new StringBuilder(folder + ": " + csv);
          if (dice.slices() > 0) {
            line.append(", Dice over ").append(dice.slices()).append(" mapped slices:");
            for (int c = 0; c < SegmentData.CLASSES.size(); c++) {
              line.append(
                  String.format(
                      Locale.ROOT, " %s %.3f", SegmentData.CLASSES.get(c), dice.perClass()[c]));
            }
          }
          out.println(line);
          if (dice.slices() > 0) {
            out.println(confusion(dice.confusion()));
          }
        }
      }
      return 0;
    } catch (IllegalArgumentException | BoxFileException e) {
      err.println("train-segmenter: " + e.getMessage());
      return 2;
    } catch (IOException e) {
      err.println("train-segmenter: " + e.getMessage());
      return 1;
    }
  }

  /** Sets one class's loss weight from "NAME=W". */
  private static void classWeight(float[] weights, String v) {
    int eq = v.indexOf('=');
    int c = eq < 0 ? -1 : SegmentData.CLASSES.indexOf(v.substring(0, eq));
    if (c < 0) {
      throw new IllegalArgumentException(
          "--class-weight wants NAME=W with NAME one of " + SegmentData.CLASSES + ", got " + v);
    }
    try {
      weights[c] = Float.parseFloat(v.substring(eq + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--class-weight " + v + ": the weight is not a number");
    }
  }

  /** The pixel confusion as text: per true class, the share called each class. */
  static String confusion(long[][] c) {
    StringBuilder b = new StringBuilder("  true \\ called:");
    for (String name : SegmentData.CLASSES) {
      b.append(String.format(Locale.ROOT, " %8s", name));
    }
    for (int t = 0; t < c.length; t++) {
      long n = 0;
      for (long v : c[t]) {
        n += v;
      }
      b.append(String.format(Locale.ROOT, "%n  %-13s", SegmentData.CLASSES.get(t)));
      for (long v : c[t]) {
        b.append(String.format(Locale.ROOT, " %8.3f", n == 0 ? 0 : (double) v / n));
      }
    }
    return b.toString();
  }

  private record Loaded(int width, int size, Map<String, float[]> values) {}

  private static final int MAGIC = 0x43575347; // "CWSG"

  static void write(Path file, int width, int size, Map<String, float[]> values)
      throws IOException {
    try (DataOutputStream o =
        new DataOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(file)))) {
      o.writeInt(MAGIC);
      o.writeInt(width);
      o.writeInt(size);
      o.writeInt(values.size());
      for (Map.Entry<String, float[]> e : values.entrySet()) {
        o.writeUTF(e.getKey());
        o.writeInt(e.getValue().length);
        for (float f : e.getValue()) {
          o.writeFloat(f);
        }
      }
    }
  }

  static Loaded read(Path file) throws IOException {
    try (DataInputStream in =
        new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(file)))) {
      if (in.readInt() != MAGIC) {
        throw new IllegalArgumentException(file + ": not a segmenter weights file");
      }
      int width = in.readInt();
      int size = in.readInt();
      int n = in.readInt();
      Map<String, float[]> values = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        String name = in.readUTF();
        float[] v = new float[in.readInt()];
        for (int j = 0; j < v.length; j++) {
          v[j] = in.readFloat();
        }
        values.put(name, v);
      }
      return new Loaded(width, size, values);
    }
  }
}
