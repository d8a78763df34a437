package io.cordwatch.trainer.cli;

import io.cordwatch.grade.bilsky.Grade;
import io.cordwatch.infer.BundleCalibration;
import io.cordwatch.infer.BundleException;
import io.cordwatch.infer.Bundles;
import io.cordwatch.infer.LocalizerSpec;
import io.cordwatch.infer.PreprocessingSpec;
import io.cordwatch.roi.BoxFileException;
import io.cordwatch.trainer.dataset.Artefacts;
import io.cordwatch.trainer.dataset.Augmentation;
import io.cordwatch.trainer.dataset.Dataset;
import io.cordwatch.trainer.dataset.DatasetException;
import io.cordwatch.trainer.dataset.IntensityCurves;
import io.cordwatch.trainer.export.BundleExport;
import io.cordwatch.trainer.localizer.IouStats;
import io.cordwatch.trainer.localizer.LocalizerData;
import io.cordwatch.trainer.localizer.LocalizerTraining;
import io.cordwatch.trainer.localizer.TrainedLocalizer;
import io.cordwatch.trainer.model.LayerSpec;
import io.cordwatch.trainer.model.OnnxWriter;
import io.cordwatch.trainer.model.Weights;
import io.cordwatch.trainer.pretrain.BackboneFile;
import io.cordwatch.trainer.train.BackboneInit;
import io.cordwatch.trainer.train.Losses;
import io.cordwatch.trainer.train.ProtoNet;
import io.cordwatch.trainer.train.TrainingRun;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cordwatch train}: DICOM studies with labels in, a verified model bundle out.
 *
 * <p>Order of work: check the output folder and the data first (seconds), so an unusable label file
 * or an existing bundle is reported before hours of training; then train with a checkpoint per
 * epoch in the work folder ({@code <out>.work} unless {@code --work} says otherwise); then export
 * through the appliance's bundle code and verify; then, unless {@code --no-localizer}, train the
 * spinal-canal localizer on the same data ({@code io.cordwatch.trainer.localizer}, the code behind
 * {@code cordwatch train-localizer}), report its IoU on the held-out studies and add it to the
 * bundle, which is verified again. The localizer's data is loaded with the backbone's, before any
 * training, so a label file it cannot use is reported first too. A run that was stopped continues
 * with {@code --resume} and the same arguments (the localizer, minutes against hours, is trained
 * again from the start).
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
      "Train the prototypical ResNet on DICOM folders with labels (labels.csv with a grade column,"
          + " or LabelImg VOC XML) and write a verified model bundle.",
      "Progress and per-epoch metrics go to stderr and <work>/curves.csv; a checkpoint is written"
          + " after every epoch (continue with --resume)."
    })
final class TrainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin RunOptions run = new RunOptions(30, 224, 5e-3, 0.1, "constant", 0);

  @Option(
      names = "--data",
      required = true,
      paramLabel = "DIR",
      description =
          "Training studies and labels; repeat for several folders (e.g. phantoms and real"
              + " slices), which are joined.")
  List<Path> data;

  @Option(
      names = "--oversample",
      paramLabel = "DIR=N",
      description =
          "Draw this --data folder N times per epoch (e.g. real-train=3 to weigh a few hundred"
              + " real slices against thousands of phantoms); repeatable.")
  Map<Path, Integer> oversample = new LinkedHashMap<>();

  @Option(
      names = "--val",
      paramLabel = "DIR",
      description =
          "Validation studies, repeatable; default: --val-fraction of --data's studies, split by"
              + " study.")
  List<Path> val;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "BUNDLE",
      description = "New bundle folder.")
  Path out;

  @Option(
      names = "--init-backbone",
      paramLabel = "FILE",
      description =
          "Start the backbone from this pretrained file (cordwatch-trainer pretrain --out); the"
              + " prototypes start fresh. Default: He-initialised from --seed.")
  Path initBackbone;

  @Option(names = "--val-fraction", paramLabel = "F", description = "Default ${DEFAULT-VALUE}.")
  double valFraction = 0.2;

  @Option(
      names = "--box-scale",
      split = ",",
      paramLabel = "MIN,MAX",
      description =
          "Area scale range of the random box crop (default 0.8,1.2, the authors'). Wider makes"
              + " the grade less dependent on how tightly a box frames the canal.")
  double[] boxScale;

  @Option(
      names = "--artefacts",
      description =
          "Draw acquisition artefacts on the training crops (k-space truncation, motion blur and"
              + " ghosts, coil bias, growing noise; ranges in the Artefacts class docs).")
  boolean artefacts;

  @Option(
      names = "--intensity-curves",
      description =
          "Map half of the training crops through a random tone curve (a quarter of those not"
              + " monotone), so grades are read from shapes rather than grey levels; see the"
              + " IntensityCurves class docs.")
  boolean intensityCurves;

  @Option(
      names = "--curve-non-monotone",
      paramLabel = "SHARE",
      description =
          "With --intensity-curves: the share of the curves that need not be monotone (default"
              + " ${DEFAULT-VALUE}; 0 keeps the order of grey levels in every crop).")
  double curveNonMonotone = IntensityCurves.standard().nonMonotone();

  @Option(names = "--temperature", paramLabel = "T", description = "Default ${DEFAULT-VALUE}.")
  double temperature = 2;

  @Option(
      names = "--lambda",
      paramLabel = "L",
      description = "Compact regularisation weight (default ${DEFAULT-VALUE}).")
  double lambda = 0.1;

  @Option(names = "--vat-xi", paramLabel = "XI", description = "Default ${DEFAULT-VALUE}.")
  double vatXi = 0.1;

  @Option(
      names = "--vat-eps",
      paramLabel = "EPS",
      description = "0 turns VAT off (default ${DEFAULT-VALUE}).")
  double vatEps = 0.1;

  @Option(
      names = "--fp16",
      description = "Store the backbone's weights as float16 (half the size).")
  boolean fp16;

  @Option(names = "--ood-threshold", paramLabel = "X", description = "Default ${DEFAULT-VALUE}.")
  double oodThreshold = 4;

  @Option(
      names = "--target-sensitivity",
      paramLabel = "S",
      description =
          "Slice-level sensitivity the bundle's high_threshold on P(high) is chosen for on the"
              + " validation set: the largest threshold reaching it (in (0, 1]; default"
              + " ${DEFAULT-VALUE}). Without validation slices the bundle calls by nearest"
              + " prototype.")
  double targetSensitivity = 0.95;

  @Option(
      names = "--calibration-slices",
      paramLabel = "N",
      description =
          "INT8 calibration slices put in the bundle, evenly spaced over the training set"
              + " (0: none; default ${DEFAULT-VALUE}).")
  int calibrationSlices = 256;

  @Option(
      names = "--allow-empty-classes",
      description = "Train even when a class has no training slice.")
  boolean allowEmptyClasses;

  @Option(
      names = "--no-localizer",
      description = "Do not train the canal localizer; the bundle then has none.")
  boolean noLocalizer;

  @Option(
      names = "--localizer-epochs",
      paramLabel = "N",
      description = "Localizer epochs (default 14, as train-localizer).")
  Integer localizerEpochs;

  @Option(
      names = "--localizer-input-size",
      paramLabel = "V",
      description = "Localizer view size V x V (default 64, as train-localizer).")
  Integer localizerInputSize;

  @Option(
      names = "--localizer-width",
      paramLabel = "N",
      hidden = true,
      description = "Localizer channels in its first stage (tests).")
  Integer localizerWidth;

  @Option(
      names = "--name",
      paramLabel = "NAME",
      description = "Bundle name (default: the folder's).")
  String name;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    PrintStream log =
        new PrintStream(new WriterStream(err), true, java.nio.charset.StandardCharsets.UTF_8);
    try {
      return train(log);
    } catch (DatasetException e) {
      err.println("cordwatch train: " + e.getMessage() + " [" + e.code() + "]");
      return 1;
    } catch (BundleException e) {
      err.println(
          "cordwatch train: the bundle failed its check: "
              + e.getMessage()
              + " ["
              + e.code()
              + "]");
      return 1;
    } catch (BoxFileException e) {
      err.println("cordwatch train: localizer labels: " + e.getMessage());
      return 1;
    } catch (IllegalArgumentException | IllegalStateException | IOException e) {
      err.println("cordwatch train: " + e.getMessage());
      return 1;
    } finally {
      log.flush();
      err.flush();
    }
  }

  private int train(PrintStream log) throws IOException {
    requireEmptyOutput(out);
    if (calibrationSlices < 0 || calibrationSlices > BundleCalibration.MAX_SLICES) {
      throw new IllegalArgumentException(
          "--calibration-slices must be 0.."
              + BundleCalibration.MAX_SLICES
              + ", got "
              + calibrationSlices);
    }
    if (!(targetSensitivity > 0 && targetSensitivity <= 1)) {
      throw new IllegalArgumentException(
          "--target-sensitivity must be in (0, 1], got " + targetSensitivity);
    }
    run.applyThreads();
    Path workDir = run.workDir(out);
    PreprocessingSpec pre = run.preprocessing();
    LayerSpec layers = run.layers();
    // Read before the data, so a wrong file is reported in seconds.
    BackboneInit init =
        initBackbone == null ? BackboneInit.he() : BackboneFile.read(initBackbone, layers);
    Augmentation augmentation = Augmentation.standard();
    if (boxScale != null) {
      if (boxScale.length != 2) {
        throw new IllegalArgumentException(
            "--box-scale takes MIN,MAX, got " + boxScale.length + " value(s)");
      }
      augmentation = augmentation.withScale(boxScale[0], boxScale[1]);
    }
    if (artefacts) {
      augmentation = augmentation.withArtefacts(Artefacts.standard());
    }
    if (intensityCurves) {
      IntensityCurves c = IntensityCurves.standard();
      augmentation =
          augmentation.withCurves(
              new IntensityCurves(c.probability(), curveNonMonotone, c.knots()));
    }
    run.schedule(); // an unknown --lr-schedule is refused before the data is read
    List<String> classes = Grade.labels();

    List<Dataset> parts = new ArrayList<>();
    for (Path dir : oversample.keySet()) {
      if (!data.contains(dir)) {
        throw new IllegalArgumentException(
            "--oversample " + dir + ": not one of the --data folders " + data);
      }
    }
    for (Path dir : data) {
      Dataset loaded = Dataset.load(dir, classes, pre, augmentation, log::println);
      parts.add(loaded.repeated(oversample.getOrDefault(dir, 1)));
    }
    Dataset all = Dataset.concat(parts);
    Dataset trainSet;
    Dataset valSet;
    if (val != null) {
      trainSet = all;
      List<Dataset> valParts = new ArrayList<>();
      for (Path v : val) {
        valParts.add(Dataset.load(v, classes, pre, augmentation, log::println));
      }
      valSet = Dataset.concat(valParts);
    } else {
      Dataset.Split split = all.splitByStudy(valFraction, run.seed);
      trainSet = split.train();
      valSet = split.validation();
    }
    if (allowEmptyClasses) {
      log.println("per class (training): " + trainSet.classCountsText());
    } else {
      trainSet.requireEveryClass("the training set");
    }
    LocalizerRun localizerRun = noLocalizer ? null : localizerRun(log);

    TrainingRun.Config config =
        new TrainingRun.Config(
            run.settings(out),
            new Losses.Weights(temperature, lambda, vatXi, vatEps),
            augmentation,
            Grade.highLabels(),
            init);
    TrainingRun.Result result = new TrainingRun(config, trainSet, valSet, log).run();
    BundleExport.Written written;
    try (ProtoNet net = result.net()) {
      Weights weights = net.weights(Weights.DEFAULT_EPS);
      float[][] prototypes = net.prototypeRows();
      String trainingData =
          trainSet.description()
              + (valSet.size() == 0 ? "" : "; validated on " + valSet.description());
      written =
          BundleExport.write(
              new BundleExport.Request(
                  out,
                  workDir,
                  name == null ? out.getFileName().toString() : name,
                  weights,
                  prototypes,
                  config,
                  trainSet,
                  valSet,
                  result.history(),
                  result.imagesPerSecond(),
                  fp16 ? OnnxWriter.Precision.FLOAT16 : OnnxWriter.Precision.FLOAT32,
                  oodThreshold,
                  trainingData,
                  commandLine(),
                  calibrationSlices,
                  targetSensitivity),
              log);
    }

    // The spinal-canal localizer joins the bundle through BundleExport.addLocalizer, which records
    // it in bundle.json with its run-time spec and verifies the bundle again.
    if (localizerRun != null) {
      TrainedLocalizer localizer = trainLocalizer(localizerRun, log);
      Path onnx = workDir.resolve("localizer.onnx");
      long bytes = localizer.export(onnx);
      written =
          new BundleExport.Written(
              BundleExport.addLocalizer(out, onnx, localizer.spec()),
              written.validation(),
              written.oodScale(),
              written.fp16MaxRelativeError(),
              written.backboneBytes(),
              written.highThreshold());
      log.printf(Locale.ROOT, "localizer added to the bundle (%d bytes)%n", bytes);
      appendToModelCard(localizer);
    }

    Bundles.Verified v = written.verified();
    log.printf(
        Locale.ROOT,
        "bundle %s verified: %s runs the backbone, input %s, embedding width %d%n",
        out,
        v.engine(),
        v.inputShape(),
        v.embeddingWidth());
    spec.commandLine().getOut().println(out.toAbsolutePath());
    spec.commandLine().getOut().flush();
    return 0;
  }

  /** The localizer's options and data, checked before any training. */
  private record LocalizerRun(
      LocalizerTraining.Options options, LocalizerData train, Map<String, LocalizerData> heldOut) {}

  private LocalizerRun localizerRun(PrintStream log) {
    LocalizerTraining.Options o = LocalizerTraining.Options.defaults().withSeed(run.seed);
    if (localizerEpochs != null) {
      if (localizerEpochs < 1) {
        throw new IllegalArgumentException(
            "--localizer-epochs must be at least 1, got " + localizerEpochs);
      }
      o = o.withEpochs(localizerEpochs);
    }
    if (localizerWidth != null) {
      o = o.withWidth(localizerWidth);
    }
    LocalizerSpec spec = o.spec();
    if (localizerInputSize != null) {
      spec = spec.withInputSize(localizerInputSize);
    }
    o = o.withSpec(spec);
    LocalizerData all = LocalizerData.load(data, null, spec, 0, line -> log.println("  " + line));
    Map<String, LocalizerData> heldOut = new LinkedHashMap<>();
    LocalizerData train;
    if (val != null) {
      train = all;
      for (Path v : val) {
        heldOut.put(
            "validation " + v.getFileName(), LocalizerData.load(v, null, spec, 0, line -> {}));
      }
    } else {
      // The same fraction as the backbone's validation, by study and seeded like it (the studies
      // drawn may differ: the two data sets are shuffled by their own code).
      LocalizerData.Split split = all.split(valFraction, run.seed);
      train = split.train();
      if (split.heldOut().size() > 0) {
        heldOut.put("held-out " + LocalizerData.names(data), split.heldOut());
      }
    }
    log.printf(
        Locale.ROOT,
        "localizer: %d training slices, %s held out%n",
        train.size(),
        heldOut.isEmpty()
            ? "none"
            : heldOut.values().stream().mapToInt(LocalizerData::size).sum() + " slices");
    return new LocalizerRun(o, train, heldOut);
  }

  private static TrainedLocalizer trainLocalizer(LocalizerRun run, PrintStream log) {
    TrainedLocalizer model =
        LocalizerTraining.train(
            run.train(),
            run.heldOut(),
            run.options(),
            new LocalizerTraining.Progress() {
              @Override
              public void step(LocalizerTraining.Step s) {}

              @Override
              public void epoch(LocalizerTraining.Epoch e) {
                log.printf(
                    Locale.ROOT,
                    "localizer epoch %d/%d loss %.4f, %.1f views/s, eta %s%n",
                    e.epoch(),
                    e.epochs(),
                    e.loss(),
                    e.viewsPerSecond(),
                    minutes(e.eta()));
                e.heldOut().forEach((k, v) -> log.println("  localizer " + k + ": " + v));
              }
            });
    TrainedLocalizer.Report r = model.report();
    log.printf(
        Locale.ROOT,
        "localizer trained: %d slices, %d epochs, %s%n",
        r.slices(),
        r.epochs(),
        minutes(r.duration()));
    for (Map.Entry<String, IouStats> e : r.heldOut().entrySet()) {
      log.println("localizer IoU, " + e.getKey() + ": " + e.getValue());
    }
    return model;
  }

  private void appendToModelCard(TrainedLocalizer localizer) throws IOException {
    TrainedLocalizer.Report r = localizer.report();
    StringBuilder b = new StringBuilder();
    b.append("\n## Canal localizer\n\n");
    b.append(
        String.format(
            Locale.ROOT,
            "Trained on %s: %d slices, %d epochs, %d px views. IoU of the located box with the"
                + " label (a slice without a box counts as 0):%n%n",
            r.data(),
            r.slices(),
            r.epochs(),
            localizer.spec().inputSize()));
    if (r.heldOut().isEmpty()) {
      b.append("- no held-out slices: not measured\n");
    }
    r.heldOut().forEach((k, v) -> b.append("- ").append(k).append(": ").append(v).append('\n'));
    Path card = out.resolve(BundleExport.MODEL_CARD);
    // The card was written before the localizer existed; its one-line summary says so.
    String text =
        Files.readString(card, StandardCharsets.UTF_8)
            .replaceFirst(
                "(?m)^- Localizer: .*$",
                "- Localizer: localizer.onnx, trained with the backbone on the same data (below).");
    Files.writeString(card, text + b, StandardCharsets.UTF_8);
  }

  private static String minutes(Duration d) {
    long s = d.toSeconds();
    return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
  }

  private static void requireEmptyOutput(Path out) throws IOException {
    if (Files.isDirectory(out)) {
      try (Stream<Path> s = Files.list(out)) {
        if (s.findAny().isPresent()) {
          throw new IllegalArgumentException(
              "--out " + out + " exists and is not empty; a bundle is written to a new folder");
        }
      }
    } else if (Files.exists(out)) {
      throw new IllegalArgumentException("--out " + out + " exists and is not a folder");
    }
  }

  private String commandLine() {
    StringBuilder b = new StringBuilder("cordwatch");
    for (String a : spec.commandLine().getParseResult().originalArgs()) {
      b.append(' ').append(a);
    }
    return b.toString();
  }
}
