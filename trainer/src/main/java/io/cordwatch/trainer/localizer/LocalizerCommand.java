package io.cordwatch.trainer.localizer;

import io.cordwatch.infer.BundleException;
import io.cordwatch.infer.LocalizerSpec;
import io.cordwatch.roi.BoxFileException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
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
 * {@code cordwatch train-localizer}: trains the canal localizer alone, writes its ONNX graph and,
 * if asked, puts it into a bundle folder.
 *
 * <pre>
 * cordwatch train-localizer --data DIR [--data DIR]... --out FILE.onnx [--val DIR]... [--bundle B]
 *     [--labels FILE|DIR] [--epochs N] [--batch N] [--width N] [--input-size V]
 *     [--per-study N] [--held-out F] [--seed S] [--lr X] [--evaluate-every N]
 *     [--threshold T] [--refinements R] [--threads N]
 * </pre>
 *
 * {@code --data} may be given more than once (e.g. phantoms and real slices); the folders are
 * pooled and split by study; {@code --held-out} of its studies (default 0.1) are never trained on
 * and are scored every {@code --evaluate-every} epochs. Each {@code --val} folder (its own
 * labels.csv or VOC files) is scored once after training, so a second scanner style can be checked
 * in the same run. Progress goes to stderr with an ETA; the summary (training time, IoU statistics
 * per held-out set) to stdout. Exit status 0 when done, 2 for unusable arguments or data.
 */
@Command(
    name = "train-localizer",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Train the canal localizer on folders with canal boxes, write its ONNX graph and, with"
          + " --bundle, put it into a bundle folder.",
      "The --data folders are pooled and split by study: --held-out of the studies are never"
          + " trained on and are scored every --evaluate-every epochs; each --val folder is scored"
          + " once after training. Progress goes to stderr, the summary to stdout. Exit status 0"
          + " when done, 2 for unusable arguments or data."
    })
public final class LocalizerCommand implements Callable<Integer> {
  private static final LocalizerTraining.Options DEFAULTS = LocalizerTraining.Options.defaults();

  @Option(
      names = "--data",
      required = true,
      paramLabel = "DIR",
      description = "Studies with canal boxes (labels.csv or VOC XML); repeatable.")
  List<Path> data;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE.onnx",
      description = "The localizer's ONNX graph.")
  Path onnx;

  @Option(
      names = "--val",
      paramLabel = "DIR",
      description = "A folder scored once after training (its own labels); repeatable.")
  List<Path> val = new ArrayList<>();

  @Option(
      names = "--bundle",
      paramLabel = "B",
      description = "Also put the localizer into this bundle folder (verified after).")
  Path bundle;

  @Option(
      names = "--labels",
      paramLabel = "FILE|DIR",
      description = "The boxes of the one --data folder, when they are not inside it.")
  Path labels;

  @Option(names = "--epochs", paramLabel = "N", description = "Default ${DEFAULT-VALUE}.")
  int epochs = DEFAULTS.epochs();

  @Option(
      names = "--batch",
      paramLabel = "N",
      description = "Views per step (default ${DEFAULT-VALUE}).")
  int batch = DEFAULTS.batch();

  @Option(
      names = "--width",
      paramLabel = "N",
      description = "Channels of the network's first stage (default ${DEFAULT-VALUE}).")
  int width = DEFAULTS.width();

  @Option(
      names = "--input-size",
      paramLabel = "V",
      description = "View side in pixels (default ${DEFAULT-VALUE}).")
  int inputSize = DEFAULTS.spec().inputSize();

  @Option(
      names = "--per-study",
      paramLabel = "N",
      description = "At most this many slices per study; 0 for all (default).")
  int perStudy;

  @Option(
      names = "--held-out",
      paramLabel = "F",
      description = "Share of the studies never trained on, in [0, 1) (default ${DEFAULT-VALUE}).")
  double heldOut = 0.1;

  @Option(names = "--seed", paramLabel = "S", description = "Default ${DEFAULT-VALUE}.")
  long seed = DEFAULTS.seed();

  @Option(
      names = "--lr",
      paramLabel = "X",
      description = "Peak AdamW learning rate (default ${DEFAULT-VALUE}).")
  double lr = DEFAULTS.learningRate();

  @Option(
      names = "--evaluate-every",
      paramLabel = "N",
      description = "Score the held-out studies every N epochs (default ${DEFAULT-VALUE}).")
  int evaluateEvery = DEFAULTS.evaluateEvery();

  @Option(
      names = "--threshold",
      paramLabel = "T",
      description = "The decoding threshold written with the graph (default ${DEFAULT-VALUE}).")
  double threshold = DEFAULTS.spec().threshold();

  @Option(
      names = "--refinements",
      paramLabel = "R",
      description = "Close views after the first (default ${DEFAULT-VALUE}).")
  int refinements = DEFAULTS.spec().refinements();

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "PyTorch threads; 0 for its own default (default).")
  int threads;

  private final PrintStream out;
  private final PrintStream err;

  private LocalizerCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the command; returns the exit status. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    return new CommandLine(new LocalizerCommand(out, err))
        .setOut(new PrintWriter(out, true, StandardCharsets.UTF_8))
        .setErr(new PrintWriter(err, true, StandardCharsets.UTF_8))
        .execute(args);
  }

  @Override
  public Integer call() {
    LocalizerSpec spec;
    LocalizerTraining.Options o;
    try {
      if (labels != null && data.size() > 1) {
        throw new IllegalArgumentException(
            "--labels names the labels of one --data folder; with "
                + data.size()
                + " folders give each its own labels.csv");
      }
      if (!(heldOut >= 0 && heldOut < 1)) {
        throw new IllegalArgumentException("--held-out must be 0 <= F < 1, got " + heldOut);
      }
      if (threads < 0) {
        throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
      }
      spec =
          DEFAULTS
              .spec()
              .withInputSize(inputSize)
              .withThreshold(threshold)
              .withRefinements(refinements);
      o =
          new LocalizerTraining.Options(
              epochs, batch, width, lr, DEFAULTS.weightDecay(), seed, spec, evaluateEvery);
    } catch (IllegalArgumentException e) {
      err.println("train-localizer: " + e.getMessage());
      return 2;
    }

    if (threads > 0) {
      // Read by DJL when the PyTorch engine starts (the first network built below). On a machine
      // shared with other jobs, PyTorch's default of one busy-waiting thread per core can run ten
      // times slower than a single thread.
      System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
      System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }
    long t0 = System.nanoTime();
    LocalizerData all;
    Map<String, LocalizerData> during = new LinkedHashMap<>();
    Map<String, LocalizerData> after = new LinkedHashMap<>();
    LocalizerData.Split split;
    try {
      all = LocalizerData.load(data, labels, spec, perStudy, line -> err.println("  " + line));
      split = all.split(heldOut, o.seed());
      if (split.heldOut().size() > 0 && heldOut > 0) {
        during.put("held-out " + LocalizerData.names(data), split.heldOut());
      }
      for (Path v : val) {
        after.put(v.getFileName().toString(), LocalizerData.load(v, null, spec, 0, line -> {}));
      }
    } catch (IllegalArgumentException | BoxFileException e) {
      err.println("train-localizer: " + e.getMessage());
      return 2;
    }
    LocalizerData train = heldOut > 0 ? split.train() : all;
    err.printf(
        Locale.ROOT,
        "train-localizer: %d training slices; scored during training: %s; after: %s (loaded in"
            + " %.0f s)%n",
        train.size(),
        during.isEmpty() ? "none" : describe(during),
        after.isEmpty() ? "none" : describe(after),
        (System.nanoTime() - t0) / 1e9);

    TrainedLocalizer model = LocalizerTraining.train(train, during, o, new Bar(err));
    try {
      long bytes = model.export(onnx);
      out.printf(Locale.ROOT, "localizer written to %s (%d bytes)%n", onnx, bytes);
      if (bundle != null) {
        model.addToBundle(bundle);
        out.println("added to bundle " + bundle + " (verified)");
      }
    } catch (IOException e) {
      err.println("train-localizer: cannot write " + onnx + ": " + e.getMessage());
      return 2;
    } catch (BundleException e) {
      err.println("train-localizer: " + e.getMessage());
      return 2;
    }
    TrainedLocalizer.Report r = model.report();
    out.printf(
        Locale.ROOT,
        "trained on %s: %d slices, %d epochs, %d steps, %s, final loss %.4f, width %d, views %d px,"
            + " seed %d%n",
        r.data(),
        r.slices(),
        r.epochs(),
        r.steps(),
        format(r.duration()),
        r.finalLoss(),
        o.width(),
        spec.inputSize(),
        o.seed());
    r.heldOut().forEach((name, s) -> out.println("  " + name + ": " + s));
    after.forEach((name, set) -> out.println("  " + name + ": " + model.evaluate(set)));
    return 0;
  }

  private static String describe(Map<String, LocalizerData> sets) {
    StringBuilder b = new StringBuilder();
    sets.forEach(
        (k, v) -> b.append(b.isEmpty() ? "" : ", ").append(k).append(" ").append(v.size()));
    return b.toString();
  }

  static String format(Duration d) {
    long s = d.toSeconds();
    return s >= 3600
        ? String.format(Locale.ROOT, "%dh%02dm%02ds", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
  }

  /** A one-line progress bar with ETA, redrawn at most twice a second, and a line per epoch. */
  private static final class Bar implements LocalizerTraining.Progress {
    private final PrintStream err;
    private final boolean terminal = System.console() != null;
    private long lastDraw;

    Bar(PrintStream err) {
      this.err = err;
    }

    @Override
    public void step(LocalizerTraining.Step s) {
      long now = System.nanoTime();
      // A terminal gets a bar redrawn in place; a log file a line every half minute.
      if (now - lastDraw < (terminal ? 500_000_000L : 30_000_000_000L)) {
        return;
      }
      lastDraw = now;
      int width = 30;
      int filled = (int) ((long) width * s.step() / s.steps());
      err.printf(
          Locale.ROOT,
          "%sepoch %d/%d [%s%s] %d/%d loss %.4f elapsed %s eta %s %s",
          terminal ? "\r" : "",
          s.epoch(),
          s.epochs(),
          "#".repeat(filled),
          ".".repeat(width - filled),
          s.step(),
          s.steps(),
          s.loss(),
          format(s.elapsed()),
          format(s.eta()),
          terminal ? "" : "\n");
    }

    @Override
    public void epoch(LocalizerTraining.Epoch e) {
      err.printf(
          Locale.ROOT,
          "%sepoch %d/%d loss %.4f, %.1f views/s, elapsed %s, eta %s%n",
          terminal ? "\r" : "",
          e.epoch(),
          e.epochs(),
          e.loss(),
          e.viewsPerSecond(),
          format(e.elapsed()),
          format(e.eta()));
      e.heldOut().forEach((k, v) -> err.println("  " + k + ": " + v));
    }
  }
}
