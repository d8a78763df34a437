package io.cordwatch.cli;

import io.cordwatch.grade.HighDecision;
import io.cordwatch.grade.SeriesGrader;
import io.cordwatch.infer.Bundle;
import io.cordwatch.infer.BundleCalibration;
import io.cordwatch.infer.BundleException;
import io.cordwatch.infer.BundleTrust;
import io.cordwatch.infer.Bundles;
import io.cordwatch.infer.CalibrationCapture;
import io.cordwatch.infer.EngineException;
import io.cordwatch.infer.LocalizerSpec;
import io.cordwatch.infer.ObservedEngine;
import io.cordwatch.infer.OnnxLocalizer;
import io.cordwatch.infer.PreprocessingSpec;
import io.cordwatch.infer.Provenance;
import io.cordwatch.infer.SeriesBaseline;
import io.cordwatch.infer.SignatureStatus;
import io.cordwatch.infer.VerdictLimits;
import io.cordwatch.roi.BoxFileException;
import io.cordwatch.roi.ConfiguredBoxes;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cordwatch bundle info|verify|create|add-localizer|add-segmenter|add-calibration}: what a
 * site engineer or a research group does with a model bundle before the appliance runs it. Exit
 * status 0 when the bundle is usable, 1 with the loader's message when not.
 */
@Command(
    name = "bundle",
    description = "Model bundles: inspect, check, assemble, sign, install, switch, shadow.",
    mixinStandardHelpOptions = true,
    versionProvider = Main.VersionProvider.class,
    subcommands = {
      BundleCommand.Info.class,
      BundleCommand.Verify.class,
      BundleCommand.Create.class,
      BundleCommand.AddLocalizer.class,
      BundleAddSegmenter.class,
      BundleCommand.AddCalibration.class,
      BundleHighThreshold.class,
      BundleConfidentBand.class,
      BundleRuleOut.class,
      BundleBaseline.class,
      BundleLifecycleCommands.Keygen.class,
      BundleLifecycleCommands.Sign.class,
      BundleLifecycleCommands.Install.class,
      BundleLifecycleCommands.ListCommand.class,
      BundleLifecycleCommands.Activate.class,
      BundleLifecycleCommands.Rollback.class,
      ShadowCommands.Shadow.class,
      ShadowCommands.Report.class
    })
final class BundleCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Prints what a person needs to know before trusting a bundle. */
  @Command(
      name = "info",
      mixinStandardHelpOptions = true,
      versionProvider = Main.VersionProvider.class,
      description = "Show a bundle's classes, shapes, head, preprocessing and provenance.")
  static final class Info implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "BUNDLE", description = "Bundle folder or .zip.")
    Path bundle;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      try {
        Bundle b = Bundles.load(bundle, BundleTrust.anyBundle());
        describe(b, out);
        out.println(
            "signature: "
                + (b.signature().state() == SignatureStatus.State.UNTRUSTED
                    ? "by key " + b.signature().keyId() + " (bundle verify --trust KEYS checks it)"
                    : b.signature().describe()));
        return 0;
      } catch (BundleException e) {
        err.println("cordwatch bundle info: " + e.getMessage() + " [" + e.code() + "]");
        return 1;
      } finally {
        out.flush();
        err.flush();
      }
    }
  }

  /** Loads everything, including the backbone in ONNX Runtime. */
  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      versionProvider = Main.VersionProvider.class,
      description = {
        "Check a bundle: checksums, bundle.json, prototypes, and that ONNX Runtime loads and runs"
            + " the backbone with the declared embedding width.",
        "Exit status 0 when usable, 1 with the reason when not."
      })
  static final class Verify implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "BUNDLE", description = "Bundle folder or .zip.")
    Path bundle;

    @Option(
        names = "--trust",
        paramLabel = "KEYS",
        description =
            "Folder of trusted public keys (*.pem): the bundle must also be signed by one of them"
                + " (as an appliance with bundle-trusted-keys: KEYS and allow-unsigned-bundles:"
                + " off requires). Without it the signature is reported, and only a broken one"
                + " fails.")
    Path trust;

    @Override
    public Integer call() {
      return verifyAndReport(
          spec,
          "verify",
          () -> {
            Bundles.Verified v = Bundles.verify(bundle);
            SignatureStatus s =
                Bundles.load(
                        bundle,
                        trust == null ? BundleTrust.anyBundle() : BundleTrust.load(trust, false))
                    .signature();
            PrintWriter out = spec.commandLine().getOut();
            out.println(
                "signature: "
                    + (trust == null && s.state() == SignatureStatus.State.UNTRUSTED
                        ? "valid, by key "
                            + s.keyId()
                            + " (give --trust KEYS to check it is one you trust)"
                        : s.describe()));
            return v;
          });
    }
  }

  /** Assembles a bundle from a backbone graph and a prototypes file. */
  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      versionProvider = Main.VersionProvider.class,
      description = {
        "Assemble a bundle folder from an ONNX backbone (e.g. torch.onnx.export output) and a"
            + " [K, D] float32 little-endian prototypes file; D is read from the backbone.",
        "The new bundle is verified like 'bundle verify'. Exit status 0 when usable, 1 when not."
      })
  static final class Create implements Callable<Integer> {
    private static final PreprocessingSpec DEFAULTS = PreprocessingSpec.defaults();

    @Spec CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "New folder.")
    Path out;

    @Option(names = "--backbone", required = true, paramLabel = "FILE.onnx")
    Path backbone;

    @Option(names = "--prototypes", required = true, paramLabel = "FILE")
    Path prototypes;

    @Option(
        names = "--classes",
        split = ",",
        paramLabel = "NAMES",
        description = "Class names in prototype order (default ${DEFAULT-VALUE}).",
        defaultValue = "0,1a,1b,1c,2,3")
    List<String> classes;

    @Option(
        names = "--high",
        split = ",",
        paramLabel = "NAMES",
        description = "High-grade classes (default ${DEFAULT-VALUE}).",
        defaultValue = "1c,2,3")
    List<String> high;

    @Option(names = "--temperature", required = true, paramLabel = "T")
    double temperature;

    @Option(names = "--input-size", paramLabel = "S", description = "Default 224.")
    Integer inputSize;

    @Option(names = "--mean", paramLabel = "M", description = "Default 0.1937.")
    Double mean;

    @Option(names = "--std", paramLabel = "S", description = "Default 0.1420.")
    Double std;

    @Option(names = "--roi-margin", paramLabel = "F", description = "Default 0.1.")
    Double roiMargin;

    @Option(
        names = "--ood-threshold",
        paramLabel = "X",
        description = "OOD score above which a slice is uncertain (default: no OOD check).")
    Double oodThreshold;

    @Option(names = "--ood-scale", paramLabel = "S", description = "Default 1.")
    double oodScale = 1;

    @Option(
        names = "--clinical-use",
        arity = "1",
        paramLabel = "BOOL",
        description = "Whether the model may inform patient care (default false).")
    boolean clinicalUse;

    @Option(names = "--training-data", paramLabel = "TEXT", defaultValue = "not stated")
    String trainingData;

    @Option(names = "--name", paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      return verifyAndReport(
          spec,
          "create",
          () -> {
            PreprocessingSpec pre;
            try {
              pre =
                  new PreprocessingSpec(
                      inputSize == null ? DEFAULTS.inputSize() : inputSize,
                      DEFAULTS.windowLowPercentile(),
                      DEFAULTS.windowHighPercentile(),
                      roiMargin == null ? DEFAULTS.roiMargin() : roiMargin,
                      PreprocessingSpec.BILINEAR,
                      mean == null ? DEFAULTS.mean() : mean,
                      std == null ? DEFAULTS.std() : std);
            } catch (IllegalArgumentException e) {
              throw new BundleException(BundleException.Code.BAD_VALUE, e.getMessage(), e);
            }
            Bundles.Recipe recipe =
                new Bundles.Recipe(
                    name,
                    backbone,
                    prototypes,
                    classes,
                    high,
                    temperature,
                    oodScale,
                    oodThreshold == null ? Double.POSITIVE_INFINITY : oodThreshold,
                    pre,
                    new Provenance(
                        trainingData,
                        LocalDate.now(),
                        Map.of(),
                        clinicalUse,
                        "cordwatch bundle create"),
                    Double.NaN);
            return Bundles.create(out, recipe);
          });
    }
  }

  /** Puts a trained canal localizer into a bundle folder. */
  @Command(
      name = "add-localizer",
      mixinStandardHelpOptions = true,
      versionProvider = Main.VersionProvider.class,
      description = {
        "Put a canal localizer (e.g. from 'cordwatch train-localizer') into a bundle folder as"
            + " localizer.onnx, replacing any earlier one. How to run it (view size, window,"
            + " threshold) is read from the model's metadata, where the trainer stores it;"
            + " --threshold and --refinements override the stored decoding.",
        "The bundle is verified afterwards; if it does not verify, bundle.json is left as it was."
            + " Exit status 0 when usable, 1 when not."
      })
  static final class AddLocalizer implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "BUNDLE", description = "Bundle folder.")
    Path bundle;

    @Parameters(index = "1", paramLabel = "LOCALIZER", description = "Localizer ONNX file.")
    Path onnx;

    @Option(
        names = "--threshold",
        paramLabel = "T",
        description = "Box-probability threshold instead of the stored one (0 < T < 1).")
    Double threshold;

    @Option(
        names = "--refinements",
        paramLabel = "R",
        description = "Close views after the whole-slice view instead of the stored number (0..4).")
    Integer refinements;

    @Override
    public Integer call() {
      return verifyAndReport(
          spec,
          "add-localizer",
          () -> {
            LocalizerSpec stored =
                OnnxLocalizer.storedSpec(onnx)
                    .orElseThrow(
                        () ->
                            new BundleException(
                                BundleException.Code.MALFORMED_MANIFEST,
                                onnx
                                    + ": carries no "
                                    + Bundles.LOCALIZER_METADATA_KEY
                                    + " metadata (view size, window, threshold); it was not"
                                    + " written by cordwatch train-localizer"));
            LocalizerSpec spec;
            try {
              spec =
                  stored
                      .withThreshold(threshold == null ? stored.threshold() : threshold)
                      .withRefinements(refinements == null ? stored.refinements() : refinements);
            } catch (IllegalArgumentException e) {
              throw new BundleException(BundleException.Code.BAD_VALUE, "--" + e.getMessage());
            }
            return Bundles.addLocalizer(bundle, onnx, spec);
          });
    }
  }

  /** Samples INT8 calibration slices from studies graded with the bundle, into the bundle. */
  @Command(
      name = "add-calibration",
      mixinStandardHelpOptions = true,
      versionProvider = Main.VersionProvider.class,
      description = {
        "Grade DICOM studies with the bundle on the CPU, exactly as the appliance would (series"
            + " selection, canal boxes from --boxes or the bundle's localizer), and keep an even"
            + " random sample of the slices the backbone was fed as the bundle's INT8 calibration"
            + " slices (calibration.u16), replacing any earlier ones. TensorRT calibrates an INT8"
            + " engine on them when a device profile asks for int8.",
        "Use studies like those the appliance will grade, from all grades; a few hundred slices"
            + " are plenty. The bundle is verified afterwards; if it does not verify, bundle.json"
            + " is left as it was. Exit status 0 when usable, 1 when not, 2 for bad arguments."
      })
  static final class AddCalibration implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "BUNDLE", description = "Bundle folder.")
    Path bundle;

    @Parameters(
        index = "1..*",
        arity = "1..*",
        paramLabel = "PATH",
        description = "DICOM files or folders of studies.")
    List<Path> paths;

    @Option(
        names = "--boxes",
        paramLabel = "FILE|DIR",
        description = "Canal boxes: a labels.csv, or a folder of LabelImg VOC XML.")
    Path boxesPath;

    @Option(
        names = "--slices",
        paramLabel = "N",
        defaultValue = "128",
        description = "Slices to keep (default ${DEFAULT-VALUE}).")
    int slices;

    @Option(
        names = "--seed",
        paramLabel = "S",
        defaultValue = "7",
        description = "Seed of the sample (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      if (slices < 1 || slices > BundleCalibration.MAX_SLICES) {
        err.println(
            "cordwatch bundle add-calibration: --slices must be 1.."
                + BundleCalibration.MAX_SLICES
                + ", got "
                + slices);
        err.flush();
        return 2;
      }
      return InputFiles.readingQuietly(
          out,
          err,
          (o, e) -> {
            InputFiles input = InputFiles.collect(paths, "cordwatch bundle add-calibration", e);
            if (input.existing() == 0) {
              return 2;
            }
            return verifyAndReport(spec, "add-calibration", () -> sampleAndAdd(o, input));
          });
    }

    private Bundles.Verified sampleAndAdd(PrintWriter out, InputFiles input) {
      Bundle b = Bundles.load(bundle);
      List<short[]> planes;
      CalibrationCapture capture = new CalibrationCapture(b.preprocessing(), slices, seed);
      try (ConfiguredBoxes boxes = ConfiguredBoxes.open(b, boxesPath);
          ObservedEngine engine = ObservedEngine.owning(Bundles.openEngine(b), capture)) {
        SeriesGrader grader = new SeriesGrader(b, engine, boxes.source());
        GradeCommand.Graded graded =
            GradeCommand.gradeAll(
                grader,
                input.files(),
                input.notRead(),
                (done, total) -> {
                  out.printf(
                      "study %d/%d graded; %d slices fed to the backbone so far%n",
                      done, total, capture.seen());
                  out.flush();
                });
        for (String n : input.notRead()) {
          out.println("not read: " + n);
        }
        if (graded.engineFailed()) {
          throw new BundleException(
              BundleException.Code.MODEL_UNLOADABLE,
              "the engine failed on a series; no calibration slices were written");
        }
        planes = capture.planes();
        out.printf(
            "kept %d of %d slices (seed %d) as calibration slices of %d x %d%n",
            planes.size(),
            capture.seen(),
            seed,
            b.preprocessing().inputSize(),
            b.preprocessing().inputSize());
      } catch (BoxFileException e) {
        throw new BundleException(BundleException.Code.BAD_VALUE, e.getMessage(), e);
      }
      return Bundles.addCalibration(bundle, planes);
    }
  }

  static int verifyAndReport(
      CommandSpec spec, String verb, java.util.function.Supplier<Bundles.Verified> action) {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      Bundles.Verified v = action.get();
      describe(v.bundle(), out);
      out.printf(
          "verified: %s runs the backbone, input %s, embedding width %d%n",
          v.engine(), v.inputShape(), v.embeddingWidth());
      v.bundle()
          .localizer()
          .ifPresent(
              l ->
                  out.printf(
                      "verified: the localizer runs, views [N, 1, %d, %d] -> %s%n",
                      l.spec().inputSize(), l.spec().inputSize(), l.spec().output()));
      v.bundle()
          .segmenter()
          .ifPresent(
              g ->
                  out.printf(
                      "verified: the segmenter runs, views [N, 1, %d, %d] -> [N, %d, %d, %d]%n",
                      g.spec().inputSize(),
                      g.spec().inputSize(),
                      g.spec().classes().size(),
                      g.spec().inputSize(),
                      g.spec().inputSize()));
      out.println("OK");
      return 0;
    } catch (BundleException e) {
      err.println("cordwatch bundle " + verb + ": " + e.getMessage() + " [" + e.code() + "]");
      return 1;
    } catch (EngineException e) {
      err.println("cordwatch bundle " + verb + ": " + e.getMessage() + " [" + e.code() + "]");
      return 1;
    } finally {
      out.flush();
      err.flush();
    }
  }

  /** How a slice is called high: the triage threshold, or the nearest prototype without one. */
  private static String decision(Bundle b) {
    String rule = HighDecision.of(b).formula();
    return b.highThreshold().isPresent()
        ? "a slice is high when " + rule + " (head.high_threshold, triage)"
        : "a slice is high when its " + rule + " (no head.high_threshold)";
  }

  static void describe(Bundle b, PrintWriter out) {
    Provenance p = b.provenance();
    if (!p.clinicalUse()) {
      out.println("*** NOT FOR CLINICAL USE: clinical_use is false (research / phantom model) ***");
    }
    out.printf("bundle: %s (%s), format_version %d%n", b.name(), b.source(), b.formatVersion());
    out.printf(
        "backbone: %s sha256 %s, embedding width D = %d, input [N, C, %d, %d]%n",
        b.backbone().file(),
        b.backbone().sha256(),
        b.embeddingWidth(),
        b.preprocessing().inputSize(),
        b.preprocessing().inputSize());
    out.printf(
        "localizer: %s%n",
        b.localizer()
            .map(
                l ->
                    String.format(
                        java.util.Locale.ROOT,
                        "%s sha256 %s, %d px views, window %s-%s %% per slice, threshold %s,"
                            + " context %s, %d refinement(s)",
                        l.file(),
                        l.sha256(),
                        l.spec().inputSize(),
                        l.spec().windowLowPercentile(),
                        l.spec().windowHighPercentile(),
                        l.spec().threshold(),
                        l.spec().context(),
                        l.spec().refinements()))
            .orElse("none (canal boxes must be supplied)"));
    out.printf(
        "segmenter: %s%n",
        b.segmenter()
            .map(
                g ->
                    String.format(
                        java.util.Locale.ROOT,
                        "%s sha256 %s, %d px views %s x the canal box, classes %s; a high call"
                            + " below the confident band is withdrawn when under %s mm² of tumour"
                            + " lies in the box",
                        g.file(),
                        g.model().sha256(),
                        g.spec().inputSize(),
                        g.spec().context(),
                        String.join(", ", g.spec().classes()),
                        g.spec().vetoBelowMm2()))
            .orElse("none (high calls are not checked against the canal's tissue)"));
    out.printf(
        "calibration: %s%n",
        b.calibration()
            .map(
                c ->
                    String.format(
                        java.util.Locale.ROOT,
                        "%s sha256 %s, %d slices of %d x %d (INT8 engines calibrate on them)",
                        c.data().file(),
                        c.data().sha256(),
                        c.slices(),
                        c.size(),
                        c.size()))
            .orElse("none (an int8 device profile builds fp16 instead)"));
    out.printf("classes: K = %d %s, high grade %s%n", b.classCount(), b.classes(), b.highGrade());
    out.printf(
        "prototypes: %s [%d, %d] float32 LE%n",
        b.prototypesFile().file(), b.classCount(), b.embeddingWidth());
    out.printf("temperature: T = %s%n", b.temperature());
    out.printf(
        "ood: score = nearest squared distance / %s; %s%n",
        b.oodScale(),
        b.oodEnabled() ? "uncertain above " + b.oodThreshold() : "threshold off (never uncertain)");
    out.println("decision: " + decision(b));
    VerdictLimits v = b.verdictLimits();
    out.printf(
        java.util.Locale.ROOT,
        "verdict: indeterminate above %s of graded slices uncertain or %s of slices without a canal"
            + " box%s%n",
        v.maxUncertainFraction(),
        v.maxNoRoiFraction(),
        v.confidentHighThreshold() > 0
            ? String.format(
                java.util.Locale.ROOT,
                "; a series is high only on a slice at P(high) >= %.4f (confident band); high"
                    + " calls only below it make it indeterminate (borderline)",
                v.confidentHighThreshold())
            : "; every high call is confident (no confident band)");
    out.println(
        v.ruleOutThreshold() > 0
            ? String.format(
                java.util.Locale.ROOT,
                "rule-out: a series without high calls is low only if no confident slice reaches"
                    + " P(high) %.4f; one that does is indeterminate (possible high)",
                v.ruleOutThreshold())
            : "rule-out: none (a series without high calls is low)");
    SeriesBaseline sb = v.seriesBaseline();
    out.println(
        sb == null
            ? "series baseline: none (no series is discounted)"
            : String.format(
                java.util.Locale.ROOT,
                "series baseline: a series of at least %d graded slices whose %s quantile of logit"
                    + " P(high) lies above %.4f (P(high) %.4f) has the difference taken off before"
                    + " the triage threshold and the confident band (not the rule-out)",
                sb.minSlices(),
                sb.quantile(),
                sb.referenceLogit(),
                SeriesBaseline.probability(sb.referenceLogit())));
    PreprocessingSpec s = b.preprocessing();
    out.printf(
        "preprocessing: window %s-%s %% per series, roi margin %s, %s to %dx%d, mean %s std %s%n",
        s.windowLowPercentile(),
        s.windowHighPercentile(),
        s.roiMargin(),
        s.resize(),
        s.inputSize(),
        s.inputSize(),
        s.mean(),
        s.std());
    out.printf("provenance: trained on %s, %s%n", p.trainingData(), p.date());
    if (!p.metrics().isEmpty()) {
      out.printf("metrics: %s%n", p.metrics());
    }
    if (!p.notes().isEmpty()) {
      out.printf("notes: %s%n", p.notes());
    }
    out.printf("clinical_use: %s%n", p.clinicalUse() ? "true" : "FALSE");
  }
}
