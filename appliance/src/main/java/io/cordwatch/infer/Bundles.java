package io.cordwatch.infer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cordwatch.infer.BundleException.Code;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.logging.Logger;

/**
 * Reads, checks and writes model bundles (docs/model-bundle.md).
 *
 * <p>A bundle is what decides a patient's grade, so loading is strict: every file is checked
 * against its sha256 before anything is parsed, unknown keys are errors (a misspelt {@code
 * temprature} must not silently fall back to a default), and every problem is a {@link
 * BundleException} whose message names the file and the key or numbers involved, since the person
 * reading it is a site engineer with a bundle in hand, not a developer.
 *
 * <p>Loading does not need ONNX Runtime: a bundle can be inspected on any machine. {@link #verify}
 * adds what only a runtime can tell (the graph loads, its input layout, its real output width).
 *
 * <p>A .zip is unpacked first by {@link BundleZip}, which refuses entries that would land outside
 * its folder and archives too large to be a bundle.
 */
public final class Bundles {
  private static final Logger LOG = Logger.getLogger(Bundles.class.getName());

  public static final String MANIFEST = "bundle.json";
  public static final int FORMAT_VERSION = 1;

  /**
   * The key of an ONNX file's {@code metadata_props} entry in which the trainer stores the
   * localizer's {@link LocalizerSpec}, as the JSON object bundle.json's {@code localizer} holds
   * (without {@code file} and {@code sha256}).
   */
  public static final String LOCALIZER_METADATA_KEY = "cordwatch.localizer";

  /** The file name a localizer gets inside a bundle made or changed here. */
  public static final String LOCALIZER_FILE = "localizer.onnx";

  /**
   * The ONNX metadata key under which the trainer stores a segmenter's view spec ({@code
   * input_size}, {@code context}, {@code classes}, the window percentiles; no veto threshold).
   */
  public static final String SEGMENTER_METADATA_KEY = "cordwatch.segmenter";

  /** The file name a segmenter gets inside a bundle made or changed here. */
  public static final String SEGMENTER_FILE = "segmenter.onnx";

  private static final ObjectMapper JSON = BundleManifestReader.JSON;

  private Bundles() {}

  /**
   * Loads and checks a bundle folder or .zip without running the backbone.
   *
   * @throws BundleException naming the problem and the file
   */
  public static Bundle load(Path path) {
    return load(path, null);
  }

  /**
   * Loads and checks a bundle as {@link #load(Path)} does, after checking its signature against
   * {@code trust} over the very bytes of bundle.json that are then parsed ({@link BundleTrust} says
   * what passes); {@link Bundle#signature()} says what the check found.
   *
   * @param trust the trusted keys and the unsigned-bundle setting; null: no check ({@link
   *     SignatureStatus#NOT_CHECKED})
   * @throws BundleException naming the problem and the file; {@code UNSIGNED}, {@code
   *     BAD_SIGNATURE} or {@code UNTRUSTED_SIGNATURE} when the signature check refuses it
   */
  public static Bundle load(Path path, BundleTrust trust) {
    Objects.requireNonNull(path, "path");
    if (Files.isDirectory(path)) {
      return loadDirectory(path, path, trust);
    }
    if (Files.isRegularFile(path)) {
      return loadDirectory(BundleZip.unpack(path), path, trust);
    }
    throw new BundleException(Code.MISSING_FILE, path + ": no such bundle folder or .zip");
  }

  /** A bundle whose backbone has been run once by ONNX Runtime. */
  public record Verified(Bundle bundle, String engine, InputShape inputShape, int embeddingWidth) {}

  /**
   * Loads a bundle and proves its backbone (and localizer and segmenter, if any) load in ONNX
   * Runtime, with the input layout we can feed and the embedding width bundle.json states.
   */
  public static Verified verify(Path path) {
    Bundle bundle = load(path);
    try (BackboneEngine engine = openEngine(bundle)) {
      bundle.localizer().ifPresent(l -> OnnxLocalizer.open(l.path(), l.spec()).close());
      bundle.segmenter().ifPresent(g -> OnnxSegmenter.open(g.path(), g.spec()).close());
      return new Verified(bundle, engine.name(), engine.inputShape(), engine.embeddingWidth());
    }
  }

  /**
   * Opens the bundle's backbone on the CPU engine and checks that its output width is D.
   *
   * @throws BundleException {@code EMBEDDING_WIDTH}, {@code INPUT_LAYOUT}, {@code MODEL_UNLOADABLE}
   */
  public static OnnxRuntimeEngine openEngine(Bundle bundle) {
    OnnxRuntimeEngine engine =
        OnnxRuntimeEngine.open(bundle.backbone().path(), bundle.preprocessing().inputSize());
    if (engine.embeddingWidth() != bundle.embeddingWidth()) {
      engine.close();
      throw new BundleException(
          Code.EMBEDDING_WIDTH,
          bundle.backbone().file()
              + ": the backbone's output width is "
              + engine.embeddingWidth()
              + " but bundle.json backbone.embedding_width (D of the prototypes) is "
              + bundle.embeddingWidth());
    }
    return engine;
  }

  /**
   * Opens the bundle's localizer on ONNX Runtime, checking its layout against bundle.json.
   *
   * @throws BundleException {@code LOCALIZER_LAYOUT}, {@code MODEL_UNLOADABLE}; {@code
   *     MISSING_FILE} when the bundle has no localizer
   */
  public static OnnxLocalizer openLocalizer(Bundle bundle) {
    BundleLocalizer l =
        bundle
            .localizer()
            .orElseThrow(
                () ->
                    new BundleException(
                        Code.MISSING_FILE, bundle.source() + ": the bundle has no localizer"));
    return OnnxLocalizer.open(l.path(), l.spec());
  }

  // ---------------------------------------------------------------------------------------------
  // Reading bundle.json

  private static Bundle loadDirectory(Path dir, Path source, BundleTrust trust) {
    byte[] manifest;
    try {
      manifest = Files.readAllBytes(dir.resolve(MANIFEST));
    } catch (NoSuchFileException e) {
      throw new BundleException(Code.MISSING_FILE, source + ": " + MANIFEST + " is missing");
    } catch (IOException e) {
      throw new BundleException(
          Code.MISSING_FILE, source + ": cannot read " + MANIFEST + ": " + e.getMessage(), e);
    }
    SignatureStatus signature =
        trust == null ? SignatureStatus.NOT_CHECKED : trust.check(dir, manifest, source);
    BundleManifest m = BundleManifestReader.read(manifest, source + ": " + MANIFEST);
    return BundleChecks.check(m, dir, source, sha256(manifest)).withSignature(signature);
  }

  /** A localizer spec as the JSON object bundle.json's {@code localizer} holds (no file keys). */
  public static String localizerSpecJson(LocalizerSpec spec) {
    try {
      return JSON.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(spec);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a localizer spec always serialises", e);
    }
  }

  /**
   * A segmenter's view spec as the trainer stores it in the ONNX file's metadata ({@value
   * #SEGMENTER_METADATA_KEY}): the JSON object of bundle.json's {@code segmenter} without the file
   * keys and without the veto threshold, which is chosen on validation after training and given to
   * {@code cordwatch bundle add-segmenter}.
   */
  public static String segmenterViewJson(SegmenterSpec spec) {
    ObjectNode node = JSON.valueToTree(spec);
    node.remove(SegmenterSpec.VETO_BELOW_MM2);
    try {
      return JSON.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a segmenter spec always serialises", e);
    }
  }

  /**
   * Reads a localizer spec from the JSON {@link #localizerSpecJson} writes, as strictly as
   * bundle.json.
   *
   * @param where names the text's origin in messages (e.g. the ONNX file and metadata key)
   * @throws BundleException {@code MALFORMED_MANIFEST} or {@code BAD_VALUE}, naming the key
   */
  public static LocalizerSpec localizerSpecFromJson(String json, String where) {
    return BundleManifestReader.localizerSpec(json, where + ":");
  }

  private static ObjectNode localizerSpecNode(LocalizerSpec spec) {
    return JSON.valueToTree(spec);
  }

  /** Lower-case hex sha256 of a file. */
  public static String sha256(Path file) {
    return BundleChecks.sha256(file);
  }

  /** Lower-case hex sha256 of bytes already read (so they are the bytes checked). */
  static String sha256(byte[] bytes) {
    return BundleChecks.sha256(bytes);
  }

  // ---------------------------------------------------------------------------------------------
  // Writing

  /**
   * What {@link #create} assembles a bundle from. The backbone's D is read from the graph, so it is
   * not part of the recipe.
   *
   * @param oodThreshold +infinity for no OOD check
   * @param highThreshold the decision threshold on P(high), in (0, 1); NaN for none (nearest
   *     prototype)
   */
  public record Recipe(
      String name,
      Path backbone,
      Path prototypes,
      List<String> classes,
      List<String> highGrade,
      double temperature,
      double oodScale,
      double oodThreshold,
      PreprocessingSpec preprocessing,
      Provenance provenance,
      double highThreshold) {}

  /**
   * Copies the recipe's files into {@code out} (created; must not exist or be empty), writes
   * bundle.json with their checksums and the backbone's measured D, and verifies the result.
   */
  public static Verified create(Path out, Recipe r) {
    return BundleWriter.create(out, r);
  }

  /**
   * Puts a canal localizer into a bundle folder: checks that {@code onnx} runs with {@code spec},
   * copies it to {@value #LOCALIZER_FILE}, records it in bundle.json (replacing an earlier {@code
   * localizer} entry, including one written before the run-time keys existed) and verifies the
   * bundle. If the result does not verify, bundle.json is put back as it was.
   *
   * @throws BundleException naming the problem; {@code MISSING_FILE} for a .zip (unpack it first)
   */
  public static Verified addLocalizer(Path bundleDir, Path onnx, LocalizerSpec spec) {
    return BundleWriter.addLocalizer(bundleDir, onnx, spec);
  }

  /**
   * Puts a canal segmenter into a bundle folder: checks that {@code onnx} runs with {@code spec},
   * copies it to {@value #SEGMENTER_FILE}, records it in bundle.json's {@code segmenter} entry
   * (replacing an earlier one) and verifies the bundle. If the result does not verify, bundle.json
   * is put back as it was.
   *
   * @throws BundleException naming the problem; {@code MISSING_FILE} for a .zip (unpack it first)
   */
  public static Verified addSegmenter(Path bundleDir, Path onnx, SegmenterSpec spec) {
    return BundleWriter.addSegmenter(bundleDir, onnx, spec);
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
  public static Verified addCalibration(Path bundleDir, List<short[]> planes) {
    return BundleWriter.addCalibration(bundleDir, planes);
  }

  /**
   * Makes a new bundle folder {@code out} from the bundle folder {@code parentDir} with new
   * prototypes (K x D, the parent's classes and width) and OOD scale: the parent's other files are
   * copied, its thresholds kept, and {@code provenance} is written with the parent named by its
   * bundle.json's SHA-256. The result is verified; nothing is left in {@code out} on failure.
   *
   * @throws BundleException naming the problem ({@code out} not empty, parent unreadable, ...)
   */
  public static Verified derive(
      Path parentDir,
      Path out,
      String name,
      float[][] prototypes,
      double oodScale,
      Provenance provenance) {
    return BundleDerivation.derive(parentDir, out, name, prototypes, oodScale, provenance);
  }

  /**
   * Writes the triage threshold {@code head.high_threshold} into a bundle folder, in (0, 1); a
   * confident band below it is removed (choose it again). The bundle must verify afterwards, or
   * bundle.json is put back. The model card (if any) gains a dated line with the old and new value
   * and {@code basis}: how the value was chosen, with its figures.
   */
  public static Verified setHighThreshold(Path bundleDir, double threshold, String basis) {
    return BundleWriter.setHighThreshold(bundleDir, threshold, basis);
  }

  /**
   * Sets a bundle folder's {@code head.confident_high_threshold} (the P(high) from which a high
   * call is confident; docs/grading.md) and verifies it; bundle.json is left as it was on failure.
   * The model card (if any) gains a dated line with the old and new value and {@code basis}.
   */
  public static Verified setConfidentHighThreshold(Path bundleDir, double threshold, String basis) {
    return BundleWriter.setConfidentHighThreshold(bundleDir, threshold, basis);
  }

  /**
   * Sets a bundle folder's {@code head.rule_out_threshold} (the P(high) below which a slice not
   * called high rules high grade out; docs/grading.md) and verifies it; bundle.json is left as it
   * was on failure. The model card (if any) gains a dated line with the old and new value and
   * {@code basis}.
   */
  public static Verified setRuleOutThreshold(Path bundleDir, double threshold, String basis) {
    return BundleWriter.setRuleOutThreshold(bundleDir, threshold, basis);
  }

  /**
   * Writes {@code head.series_baseline} (the series baseline discount, docs/grading.md) into a
   * bundle folder and verifies it; bundle.json is put back as it was on failure (a bundle calling
   * by the nearest prototype cannot take one). The model card (if any) gains a dated line with the
   * values and {@code basis}.
   */
  public static Verified setSeriesBaseline(Path bundleDir, SeriesBaseline b, String basis) {
    return BundleWriter.setSeriesBaseline(bundleDir, b, basis);
  }
}
