package io.cordwatch.infer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cordwatch.infer.BundleException.Code;
import io.cordwatch.infer.BundleManifest.Backbone;
import io.cordwatch.infer.BundleManifest.Calibration;
import io.cordwatch.infer.BundleManifest.FileRef;
import io.cordwatch.infer.BundleManifest.Head;
import io.cordwatch.infer.BundleManifest.ProvenanceEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Writes bundles: assembles a new one from a {@link Bundles.Recipe}, or puts a localizer or
 * calibration slices into an existing folder. bundle.json goes out as a {@link BundleManifest} (so
 * its keys are the ones the reader knows), and every bundle written is verified by loading it back;
 * one that does not verify is not left behind looking like a bundle.
 */
final class BundleWriter {
  private static final Logger LOG = Logger.getLogger(BundleWriter.class.getName());

  private static final ObjectMapper JSON = BundleManifestReader.JSON;

  /** The names {@link #create} gives the files it copies in (bundle.json records them). */
  private static final String BACKBONE_FILE = "backbone.onnx";

  static final String PROTOTYPES_FILE = "prototypes.f32";

  private BundleWriter() {}

  /**
   * Copies the recipe's files into {@code out} (created; must not exist or be empty), writes
   * bundle.json with their checksums and the backbone's measured D, and verifies the result.
   */
  static Bundles.Verified create(Path out, Bundles.Recipe r) {
    boolean existed = requireNewFolder(out);
    try {
      return assemble(out, r);
    } catch (RuntimeException e) {
      // A bundle that failed its own check must not be left looking like one.
      for (String name : List.of(Bundles.MANIFEST, BACKBONE_FILE, PROTOTYPES_FILE)) {
        try {
          Files.deleteIfExists(out.resolve(name));
        } catch (IOException ignored) {
          // best effort: the original failure is what the caller needs to see
        }
      }
      if (!existed) {
        try {
          Files.deleteIfExists(out);
        } catch (IOException ignored) {
          // a folder that is not empty is left as it is
        }
      }
      throw e;
    }
  }

  /**
   * Refuses a folder that holds anything: a bundle is created in a new folder.
   *
   * @return whether the (empty) folder exists already
   */
  static boolean requireNewFolder(Path out) {
    boolean existed = Files.exists(out);
    try {
      if (existed) {
        try (Stream<Path> s = Files.list(out)) {
          if (s.findAny().isPresent()) {
            throw new BundleException(
                Code.BAD_VALUE, out + ": not empty; a bundle is created in a new folder");
          }
        }
      }
    } catch (IOException e) {
      throw new BundleException(Code.MISSING_FILE, out + ": cannot read: " + e, e);
    }
    return existed;
  }

  /**
   * Puts a canal localizer into a bundle folder: checks that {@code onnx} runs with {@code spec},
   * copies it to {@value Bundles#LOCALIZER_FILE}, records it in bundle.json (replacing an earlier
   * {@code localizer} entry, including one written before the run-time keys existed) and verifies
   * the bundle. If the result does not verify, bundle.json is put back as it was.
   *
   * @throws BundleException naming the problem; {@code MISSING_FILE} for a .zip (unpack it first)
   */
  static Bundles.Verified addLocalizer(Path bundleDir, Path onnx, LocalizerSpec spec) {
    Objects.requireNonNull(spec, "spec");
    return amend(
        bundleDir,
        "a localizer",
        () -> {
          // Refuse a model that does not fit its spec before the bundle is touched.
          OnnxLocalizer.open(onnx, spec).close();
          ObjectNode entry = copyIn(bundleDir, onnx, Bundles.LOCALIZER_FILE, spec);
          return m -> m.withLocalizer(entry);
        },
        (old, now) ->
            String.format(
                Locale.ROOT,
                "canal localizer %s %s (SHA-256 %.12s, box threshold %s, %d refinement(s))",
                Bundles.LOCALIZER_FILE,
                old.localizer() == null ? "added" : "replaced",
                now.localizer().path(FileRef.SHA256).asText(),
                spec.threshold(),
                spec.refinements()));
  }

  /** See {@link Bundles#addSegmenter}. */
  static Bundles.Verified addSegmenter(Path bundleDir, Path onnx, SegmenterSpec spec) {
    Objects.requireNonNull(spec, "spec");
    return amend(
        bundleDir,
        "a segmenter",
        () -> {
          OnnxSegmenter.open(onnx, spec).close();
          ObjectNode entry = copyIn(bundleDir, onnx, Bundles.SEGMENTER_FILE, spec);
          return m -> m.withSegmenter(entry);
        },
        (old, now) ->
            String.format(
                Locale.ROOT,
                "canal segmenter %s %s (SHA-256 %.12s, %d x %d views, high calls withdrawn below"
                    + " %s mm² of tumour in the canal box)",
                Bundles.SEGMENTER_FILE,
                old.segmenter() == null ? "added" : "replaced",
                now.segmenter().path(FileRef.SHA256).asText(),
                spec.inputSize(),
                spec.inputSize(),
                spec.vetoBelowMm2()));
  }

  /**
   * Copies a model into the bundle folder as {@code name} (unless it already is that file) and
   * returns its bundle.json entry: the file keys, then the spec's.
   */
  private static ObjectNode copyIn(Path bundleDir, Path onnx, String name, Object spec) {
    Path target = bundleDir.resolve(name);
    try {
      if (!(Files.exists(target) && Files.isSameFile(onnx, target))) {
        Files.copy(onnx, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new BundleException(Code.MISSING_FILE, target + ": cannot write: " + e, e);
    }
    ObjectNode entry = JSON.valueToTree(new FileRef(name, BundleChecks.sha256(target)));
    entry.setAll((ObjectNode) JSON.valueToTree(spec));
    return entry;
  }

  /**
   * Puts INT8 calibration slices into a bundle folder: writes them to {@value
   * BundleCalibration#FILE} ({@link BundleCalibration} gives the layout), records them in
   * bundle.json's {@code calibration} entry (replacing an earlier one) and verifies the bundle. If
   * the result does not verify, bundle.json is put back as it was.
   *
   * @param planes unit planes of S x S (the bundle's input size) as {@code round(x * 65535)}
   * @throws BundleException naming the problem; {@code MISSING_FILE} for a .zip (unpack it first)
   */
  static Bundles.Verified addCalibration(Path bundleDir, List<short[]> planes) {
    if (planes.isEmpty() || planes.size() > BundleCalibration.MAX_SLICES) {
      throw new BundleException(
          Code.CALIBRATION_SHAPE,
          "calibration needs 1.."
              + BundleCalibration.MAX_SLICES
              + " slices, got "
              + planes.size()
              + " (no graded slice was found in the studies given?)");
    }
    return amend(
        bundleDir,
        "calibration slices",
        () -> {
          int size = Bundles.load(bundleDir).preprocessing().inputSize();
          ByteBuffer out =
              ByteBuffer.allocate(Math.toIntExact(BundleCalibration.bytes(planes.size(), size)))
                  .order(ByteOrder.LITTLE_ENDIAN);
          for (short[] p : planes) {
            if (p.length != size * size) {
              throw new BundleException(
                  Code.CALIBRATION_SHAPE,
                  "a calibration plane of " + p.length + " values is not " + size + " x " + size);
            }
            out.asShortBuffer().put(p);
            out.position(out.position() + 2 * p.length);
          }
          Path target = bundleDir.resolve(BundleCalibration.FILE);
          Path partial = bundleDir.resolve(BundleCalibration.FILE + ".partial");
          try {
            Files.write(partial, out.array());
            Files.move(
                partial,
                target,
                StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
          } catch (IOException e) {
            throw new BundleException(Code.MISSING_FILE, target + ": cannot write: " + e, e);
          }
          Calibration entry =
              new Calibration(BundleCalibration.FILE, BundleChecks.sha256(target), planes.size());
          return m -> m.withCalibration(entry);
        },
        (old, now) ->
            planes.size()
                + " INT8 calibration slices written to "
                + BundleCalibration.FILE
                + (old.calibration() == null
                    ? ""
                    : " (replacing " + old.calibration().slices() + ")"));
  }

  /**
   * Sets {@code head.confident_high_threshold} of a bundle folder: the P(high) from which a high
   * call counts as confident (docs/grading.md). The bundle must have a {@code high_threshold} at or
   * below it; bundle.json is left as it was if the result does not verify. {@code basis} (how the
   * value was chosen, with its figures) goes into the model card's line.
   */
  static Bundles.Verified setConfidentHighThreshold(
      Path bundleDir, double threshold, String basis) {
    return amend(
        bundleDir,
        "a confident-high threshold",
        () -> m -> m.withHead(m.head().withConfidentHighThreshold(threshold)),
        (old, now) ->
            change(
                Head.CONFIDENT_HIGH_THRESHOLD,
                threshold,
                old.head().confidentHighThreshold(),
                "",
                basis));
  }

  /**
   * Writes {@code head.high_threshold} (the triage threshold) into a bundle folder; a {@code
   * confident_high_threshold} below it is removed. bundle.json is left as it was if the result does
   * not verify. {@code basis} (how the value was chosen, with its figures) goes into the model
   * card's line.
   */
  static Bundles.Verified setHighThreshold(Path bundleDir, double threshold, String basis) {
    return amend(
        bundleDir,
        "a high threshold",
        () -> m -> m.withHead(m.head().withHighThreshold(threshold)),
        (old, now) -> {
          // Head.withHighThreshold decides whether the band and the rule-out threshold stay; the
          // line says what it did.
          String dropped =
              dropped(
                      Head.CONFIDENT_HIGH_THRESHOLD,
                      "below",
                      old.head().confidentHighThreshold(),
                      now.head().confidentHighThreshold())
                  + dropped(
                      Head.RULE_OUT_THRESHOLD,
                      "above",
                      old.head().ruleOutThreshold(),
                      now.head().ruleOutThreshold())
                  + (old.head().seriesBaseline() != null && now.head().seriesBaseline() == null
                      ? "; head." + Head.SERIES_BASELINE + " went with the rule-out threshold"
                      : "");
          return change(Head.HIGH_THRESHOLD, threshold, old.head().highThreshold(), dropped, basis);
        });
  }

  /** "; head.KEY 0.9 lay SIDE it and was removed" when a value was there and is gone, else "". */
  private static String dropped(String key, String side, Double was, Double now) {
    return was != null && now == null
        ? String.format(Locale.ROOT, "; head.%s %.4f lay %s it and was removed", key, was, side)
        : "";
  }

  /**
   * Writes {@code head.rule_out_threshold} into a bundle folder; bundle.json is left as it was if
   * the result does not verify (it must lie in (0, high_threshold]). {@code basis} goes into the
   * model card's line.
   */
  static Bundles.Verified setRuleOutThreshold(Path bundleDir, double threshold, String basis) {
    return amend(
        bundleDir,
        "a rule-out threshold",
        () -> m -> m.withHead(m.head().withRuleOutThreshold(threshold)),
        (old, now) ->
            change(Head.RULE_OUT_THRESHOLD, threshold, old.head().ruleOutThreshold(), "", basis));
  }

  /**
   * Writes {@code head.series_baseline} into a bundle folder; bundle.json is left as it was if the
   * result does not verify (it needs a high_threshold). {@code basis} goes into the model card's
   * line.
   */
  static Bundles.Verified setSeriesBaseline(Path bundleDir, SeriesBaseline b, String basis) {
    return amend(
        bundleDir,
        "a series baseline",
        () -> m -> m.withHead(m.head().withSeriesBaseline(b)),
        (old, now) ->
            String.format(
                Locale.ROOT,
                "head.%s quantile %s, min_slices %d, reference_logit %.4f (was %s)%s",
                Head.SERIES_BASELINE,
                b.quantile(),
                b.minSlices(),
                b.referenceLogit(),
                old.head().seriesBaseline() == null
                    ? "none"
                    : String.format(
                        Locale.ROOT,
                        "reference_logit %.4f",
                        old.head().seriesBaseline().referenceLogit()),
                basis == null || basis.isBlank() ? "" : ": " + basis.strip()));
  }

  /** "head.KEY 0.1956 (was 0.2585)" with what else changed and why. */
  private static String change(String key, double now, Double was, String also, String basis) {
    return String.format(
        Locale.ROOT,
        "head.%s %.4f (was %s)%s%s",
        key,
        now,
        was == null ? "none" : String.format(Locale.ROOT, "%.4f", was),
        also,
        basis == null || basis.isBlank() ? "" : ": " + basis.strip());
  }

  /**
   * Changes one entry of a bundle folder's bundle.json: {@code change} makes the new entry (and any
   * file it names) once the manifest has been read, and says how it goes into the manifest. The
   * bundle is then verified; if it does not, bundle.json is put back as it was. Once it does, the
   * model card gains the line {@code cardLine} makes from the manifest as it was and as it is now
   * ({@link BundleCard}).
   */
  private static Bundles.Verified amend(
      Path bundleDir,
      String what,
      Supplier<UnaryOperator<BundleManifest>> change,
      BiFunction<BundleManifest, BundleManifest, String> cardLine) {
    if (!Files.isDirectory(bundleDir)) {
      throw new BundleException(
          Code.MISSING_FILE,
          bundleDir + ": " + what + " is added to a bundle folder (unpack a .zip first)");
    }
    Path manifest = bundleDir.resolve(Bundles.MANIFEST);
    byte[] before;
    try {
      before = Files.readAllBytes(manifest);
    } catch (NoSuchFileException e) {
      throw new BundleException(
          Code.MISSING_FILE, bundleDir + ": " + Bundles.MANIFEST + " is missing");
    } catch (IOException e) {
      throw new BundleException(
          Code.MISSING_FILE,
          bundleDir + ": cannot read " + Bundles.MANIFEST + ": " + e.getMessage(),
          e);
    }
    BundleManifest old = BundleManifestReader.read(before, bundleDir + ": " + Bundles.MANIFEST);
    BundleManifest changed = change.get().apply(old);
    write(manifest, changed);
    Bundles.Verified verified;
    try {
      verified = Bundles.verify(bundleDir);
    } catch (RuntimeException e) {
      try {
        Files.write(manifest, before);
      } catch (IOException restore) {
        e.addSuppressed(restore);
      }
      throw e;
    }
    dropStaleSignature(bundleDir);
    try {
      BundleCard.record(bundleDir, LocalDate.now(ZoneOffset.UTC), cardLine.apply(old, changed));
    } catch (BundleException e) {
      // bundle.json is changed and verified; the card is for people, so its failure is told, not
      // turned into a failed change.
      LOG.warning(what + " written, but the model card was not updated: " + e.getMessage());
    }
    return verified;
  }

  /**
   * A signature over the bundle.json just replaced no longer matches it, and an appliance refuses a
   * bundle whose signature does not match even where unsigned bundles may run; so it is removed,
   * which leaves an unsigned bundle to be signed again.
   */
  private static void dropStaleSignature(Path bundleDir) {
    Path sig = bundleDir.resolve(BundleSignature.FILE);
    try {
      if (Files.deleteIfExists(sig)) {
        LOG.warning(
            sig
                + " removed: it signed the bundle.json just changed; sign the bundle again"
                + " (cordwatch bundle sign)");
      }
    } catch (IOException e) {
      throw new BundleException(
          Code.BAD_SIGNATURE,
          sig + ": no longer matches the changed bundle.json and cannot be removed: " + e,
          e);
    }
  }

  static void write(Path manifest, BundleManifest m) {
    try {
      Files.write(manifest, JSON.writeValueAsBytes(m));
    } catch (IOException e) {
      throw new BundleException(Code.MISSING_FILE, manifest + ": cannot write: " + e, e);
    }
  }

  private static Bundles.Verified assemble(Path out, Bundles.Recipe r) {
    int d;
    try (OnnxRuntimeEngine engine =
        OnnxRuntimeEngine.open(r.backbone(), r.preprocessing().inputSize())) {
      d = engine.embeddingWidth();
    }
    try {
      Files.createDirectories(out);
      Files.copy(r.backbone(), out.resolve(BACKBONE_FILE), StandardCopyOption.COPY_ATTRIBUTES);
      Files.copy(r.prototypes(), out.resolve(PROTOTYPES_FILE), StandardCopyOption.COPY_ATTRIBUTES);
    } catch (NoSuchFileException e) {
      throw new BundleException(Code.MISSING_FILE, e.getFile() + ": no such file", e);
    } catch (IOException e) {
      throw new BundleException(Code.MISSING_FILE, out + ": cannot write: " + e, e);
    }
    PreprocessingSpec p = r.preprocessing();
    BundleManifest m =
        new BundleManifest(
            Bundles.FORMAT_VERSION,
            r.name() == null ? out.getFileName().toString() : r.name(),
            new Backbone(BACKBONE_FILE, BundleChecks.sha256(out.resolve(BACKBONE_FILE)), d),
            null,
            null,
            new Head(
                new FileRef(PROTOTYPES_FILE, BundleChecks.sha256(out.resolve(PROTOTYPES_FILE))),
                r.classes(),
                r.highGrade(),
                r.temperature(),
                r.oodScale(),
                r.oodThreshold() == Double.POSITIVE_INFINITY ? null : r.oodThreshold(),
                Double.isNaN(r.highThreshold()) ? null : r.highThreshold(),
                null,
                null,
                null,
                null,
                null),
            p,
            null,
            ProvenanceEntry.of(r.provenance()));
    write(out.resolve(Bundles.MANIFEST), m);
    return Bundles.verify(out);
  }
}
