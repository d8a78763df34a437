package io.cordwatch.infer;

import static io.cordwatch.infer.BundleManifest.BACKBONE;
import static io.cordwatch.infer.BundleManifest.CALIBRATION;
import static io.cordwatch.infer.BundleManifest.HEAD;
import static io.cordwatch.infer.BundleManifest.LOCALIZER;
import static io.cordwatch.infer.BundleManifest.PROVENANCE;
import static io.cordwatch.infer.BundleManifest.SEGMENTER;
import static io.cordwatch.infer.BundleManifest.path;

import io.cordwatch.infer.BundleException.Code;
import io.cordwatch.infer.BundleManifest.Backbone;
import io.cordwatch.infer.BundleManifest.Calibration;
import io.cordwatch.infer.BundleManifest.FileRef;
import io.cordwatch.infer.BundleManifest.Head;
import io.cordwatch.infer.BundleManifest.ProvenanceEntry;
import io.cordwatch.infer.BundleManifestReader.LocalizerEntry;
import io.cordwatch.infer.BundleManifestReader.SegmenterEntry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Turns a {@link BundleManifest} that has been read into a {@link Bundle} that can be trusted:
 * value ranges ({@code BAD_VALUE}), every named file inside the folder with its sha256 ({@code
 * MISSING_FILE}, {@code CHECKSUM_MISMATCH}), and the shapes of the prototypes and calibration
 * slices against the manifest. Manifest values are checked before any file is hashed, since a
 * manifest error is cheaper to report than hashing a 100 MB graph first.
 */
final class BundleChecks {
  private BundleChecks() {}

  /**
   * @param dir the folder the files lie in
   * @param source what was loaded (the folder or the .zip), for messages and {@link
   *     Bundle#source()}
   * @param manifestSha256 the SHA-256 of the bundle.json bytes {@code m} was read from
   */
  static Bundle check(BundleManifest m, Path dir, Path source, String manifestSha256) {
    Values v = new Values(source);
    String name = m.name() != null ? m.name() : dir.getFileName().toString();
    int d = m.backbone().embeddingWidth();
    if (d < 1) {
      throw v.bad(path(BACKBONE, Backbone.EMBEDDING_WIDTH), "must be >= 1, got " + d);
    }
    Optional<LocalizerEntry> localizer =
        Optional.ofNullable(m.localizer()).map(l -> BundleManifestReader.localizer(l, v.where()));
    Optional<SegmenterEntry> segmenter =
        Optional.ofNullable(m.segmenter()).map(e -> BundleManifestReader.segmenter(e, v.where()));

    Head head = m.head();
    List<String> classes = head.classes() != null ? head.classes() : Bundle.DEFAULT_CLASSES;
    List<String> highGrade =
        head.highGrade() != null ? head.highGrade() : Bundle.DEFAULT_HIGH_GRADE;
    if (classes.isEmpty() || new HashSet<>(classes).size() != classes.size()) {
      throw v.bad(path(HEAD, Head.CLASSES), "must be non-empty and distinct, got " + classes);
    }
    for (String h : highGrade) {
      if (!classes.contains(h)) {
        throw v.bad(
            path(HEAD, Head.HIGH_GRADE),
            "names class '" + h + "', which is not in classes " + classes);
      }
    }
    double temperature = head.temperature();
    if (!(temperature > 0 && Double.isFinite(temperature))) {
      throw v.bad(path(HEAD, Head.TEMPERATURE), "must be a finite number > 0, got " + temperature);
    }
    double oodScale = head.oodScale() != null ? head.oodScale() : 1.0;
    if (!(oodScale > 0 && Double.isFinite(oodScale))) {
      throw v.bad(path(HEAD, Head.OOD_SCALE), "must be a finite number > 0, got " + oodScale);
    }
    double oodThreshold = Double.POSITIVE_INFINITY;
    if (head.oodThreshold() != null) {
      oodThreshold = head.oodThreshold();
      if (!(oodThreshold > 0 && Double.isFinite(oodThreshold))) {
        throw v.bad(
            path(HEAD, Head.OOD_THRESHOLD),
            "must be a finite number > 0 or null (off), got " + oodThreshold);
      }
    }
    OptionalDouble highThreshold = OptionalDouble.empty();
    if (head.highThreshold() != null) {
      double t = head.highThreshold();
      if (!(t > 0 && t < 1)) {
        throw v.bad(
            path(HEAD, Head.HIGH_THRESHOLD),
            "must be a probability strictly between 0 and 1, got " + t);
      }
      highThreshold = OptionalDouble.of(t);
    }
    double confidentHigh =
        v.besideTriage(
            Head.CONFIDENT_HIGH_THRESHOLD,
            head.confidentHighThreshold(),
            highThreshold,
            "it bounds the band above it",
            (x, t) -> x >= t && x < 1,
            "must be at least ",
            " and below 1");
    double ruleOut =
        v.besideTriage(
            Head.RULE_OUT_THRESHOLD,
            head.ruleOutThreshold(),
            highThreshold,
            "it bounds the rule-out threshold",
            (x, t) -> x > 0 && x <= t,
            "must be above 0 and at most ",
            "");
    VerdictLimits limits =
        new VerdictLimits(
            v.fraction(
                path(HEAD, Head.MAX_UNCERTAIN_FRACTION),
                head.maxUncertainFraction(),
                VerdictLimits.DEFAULT_MAX_UNCERTAIN_FRACTION),
            v.fraction(
                path(HEAD, Head.MAX_NO_ROI_FRACTION),
                head.maxNoRoiFraction(),
                VerdictLimits.DEFAULT_MAX_NO_ROI_FRACTION),
            confidentHigh,
            ruleOut,
            seriesBaseline(v, head, highThreshold));

    PreprocessingSpec pre = m.preprocessing();
    if (m.calibration() != null) {
      int slices = m.calibration().slices();
      if (slices < 1 || slices > BundleCalibration.MAX_SLICES) {
        throw new BundleException(
            Code.CALIBRATION_SHAPE,
            v.where()
                + " "
                + path(CALIBRATION, Calibration.SLICES)
                + " must be 1.."
                + BundleCalibration.MAX_SLICES
                + ", got "
                + slices);
      }
    }
    Provenance provenance = provenance(m.provenance(), v);

    BundleFile backbone = v.file(dir, m.backbone().ref(), BACKBONE);
    BundleFile protoFile = v.file(dir, head.prototypes(), path(HEAD, Head.PROTOTYPES));
    float[][] vectors = readPrototypes(protoFile, classes, d);
    Optional<BundleLocalizer> bundleLocalizer =
        localizer.map(l -> new BundleLocalizer(v.file(dir, l.file(), LOCALIZER), l.spec()));
    Optional<BundleSegmenter> bundleSegmenter =
        segmenter.map(e -> new BundleSegmenter(v.file(dir, e.file(), SEGMENTER), e.spec()));
    Optional<BundleCalibration> calibration =
        Optional.ofNullable(m.calibration())
            .map(
                c ->
                    new BundleCalibration(
                        v.file(dir, c.ref(), CALIBRATION), c.slices(), pre.inputSize()));
    calibration.ifPresent(BundleCalibration::checkedSize);

    return new Bundle(
        source,
        dir,
        name,
        m.formatVersion(),
        backbone,
        d,
        bundleLocalizer,
        bundleSegmenter,
        protoFile,
        vectors,
        classes,
        highGrade,
        temperature,
        oodScale,
        oodThreshold,
        highThreshold,
        limits,
        pre,
        calibration,
        provenance,
        false,
        manifestSha256,
        SignatureStatus.NOT_CHECKED);
  }

  /**
   * The series baseline discount, or null. It discounts the calls of a P(high) threshold, so a
   * bundle calling by the nearest prototype cannot have one; and it needs a rule-out threshold,
   * which reads the undiscounted P(high): that is what keeps a call the discount took back from
   * leaving its series {@code low}.
   */
  private static SeriesBaseline seriesBaseline(Values v, Head head, OptionalDouble triage) {
    if (head.seriesBaseline() == null) {
      return null;
    }
    if (triage.isEmpty()) {
      throw v.bad(
          path(HEAD, Head.SERIES_BASELINE),
          "needs "
              + path(HEAD, Head.HIGH_THRESHOLD)
              + " (the discount raises the triage threshold and the confident band)");
    }
    if (head.ruleOutThreshold() == null) {
      throw v.bad(
          path(HEAD, Head.SERIES_BASELINE),
          "needs "
              + path(HEAD, Head.RULE_OUT_THRESHOLD)
              + " (it reads the undiscounted P(high), so no call the discount takes back leaves a"
              + " series low; cordwatch bundle set-rule-out)");
    }
    return head.seriesBaseline();
  }

  private static Provenance provenance(ProvenanceEntry p, Values v) {
    LocalDate date;
    try {
      date = LocalDate.parse(p.date());
    } catch (DateTimeParseException e) {
      throw v.malformed(
          path(PROVENANCE, ProvenanceEntry.DATE),
          "must be an ISO date (yyyy-mm-dd), got \"" + p.date() + "\"");
    }
    return new Provenance(
        p.trainingData(),
        date,
        p.metrics() == null ? new LinkedHashMap<>() : p.metrics(),
        p.clinicalUse(),
        p.notes() == null ? "" : p.notes(),
        p.parent() == null ? null : new Provenance.Parent(p.parent().name(), p.parent().sha256()));
  }

  private static float[][] readPrototypes(BundleFile f, List<String> classes, int d) {
    long bytes;
    try {
      bytes = Files.size(f.path());
    } catch (IOException e) {
      throw new BundleException(Code.MISSING_FILE, f.file() + ": cannot read: " + e, e);
    }
    long row = 4L * d;
    if (bytes % row != 0) {
      throw new BundleException(
          Code.PROTOTYPES_SHAPE,
          f.file()
              + ": holds "
              + bytes
              + " bytes, which is not a whole number of float32 rows of D = "
              + d
              + " ("
              + row
              + " bytes each); expected K x D = "
              + classes.size()
              + " x "
              + d
              + " = "
              + classes.size() * row
              + " bytes");
    }
    long k = bytes / row;
    if (k != classes.size()) {
      throw new BundleException(
          Code.CLASS_COUNT,
          f.file()
              + ": holds K = "
              + k
              + " prototypes of D = "
              + d
              + ", but head.classes names "
              + classes.size()
              + " classes "
              + classes);
    }
    ByteBuffer buf;
    try {
      buf = ByteBuffer.wrap(Files.readAllBytes(f.path())).order(ByteOrder.LITTLE_ENDIAN);
    } catch (IOException e) {
      throw new BundleException(Code.MISSING_FILE, f.file() + ": cannot read: " + e, e);
    }
    float[][] out = new float[(int) k][d];
    for (int c = 0; c < k; c++) {
      for (int j = 0; j < d; j++) {
        float x = buf.getFloat();
        if (!Float.isFinite(x)) {
          throw new BundleException(
              Code.NON_FINITE_PROTOTYPES,
              f.file()
                  + ": prototype "
                  + c
                  + " (class "
                  + classes.get(c)
                  + ") holds "
                  + x
                  + " at index "
                  + j);
        }
        out[c][j] = x;
      }
    }
    return out;
  }

  /** Messages about one manifest: {@code where} is the bundle and the manifest's name. */
  private record Values(Path source) {
    String where() {
      return source + ": " + Bundles.MANIFEST;
    }

    BundleException malformed(String key, String what) {
      return new BundleException(Code.MALFORMED_MANIFEST, where() + " " + key + " " + what);
    }

    BundleException bad(String key, String what) {
      return new BundleException(Code.BAD_VALUE, where() + " " + key + " " + what);
    }

    /**
     * An optional threshold that lies on one side of {@code head.high_threshold}: 0 when absent.
     * {@code why} says why it needs the triage threshold; {@code holds} tests (value, triage); the
     * message on failure is {@code before + "head.high_threshold (t)" + after}.
     */
    double besideTriage(
        String key,
        Double value,
        OptionalDouble triage,
        String why,
        java.util.function.BiPredicate<Double, Double> holds,
        String before,
        String after) {
      if (value == null) {
        return 0;
      }
      if (triage.isEmpty()) {
        throw bad(path(HEAD, key), "needs " + path(HEAD, Head.HIGH_THRESHOLD) + " (" + why + ")");
      }
      double t = triage.getAsDouble();
      if (!holds.test(value, t)) {
        throw bad(
            path(HEAD, key),
            before + path(HEAD, Head.HIGH_THRESHOLD) + " (" + t + ")" + after + ", got " + value);
      }
      return value;
    }

    /** An optional share in [0, 1]; {@code absent} when the field is not there. */
    double fraction(String key, Double value, double absent) {
      if (value == null) {
        return absent;
      }
      if (!(value >= 0 && value <= 1)) {
        throw bad(key, "must be a share between 0 and 1, got " + value);
      }
      return value;
    }

    /** A named file: it must lie inside the bundle folder and match its sha256. */
    BundleFile file(Path dir, FileRef ref, String entry) {
      String name = ref.file();
      String expected = ref.sha256().toLowerCase(Locale.ROOT);
      if (!expected.matches("[0-9a-f]{64}")) {
        throw malformed(
            path(entry, FileRef.SHA256), "must be 64 hex digits, got \"" + expected + "\"");
      }
      Path p = dir.resolve(name).normalize();
      if (name.isEmpty() || Path.of(name).isAbsolute() || !p.startsWith(dir.normalize())) {
        throw malformed(
            path(entry, FileRef.FILE),
            "must name a file inside the bundle folder, got \"" + name + "\"");
      }
      if (!Files.isRegularFile(p)) {
        throw new BundleException(
            Code.MISSING_FILE,
            source
                + ": "
                + name
                + " is missing ("
                + Bundles.MANIFEST
                + " "
                + path(entry, FileRef.FILE)
                + ")");
      }
      String actual = sha256(p);
      if (!actual.equals(expected)) {
        throw new BundleException(
            Code.CHECKSUM_MISMATCH,
            source
                + ": "
                + name
                + " has sha256 "
                + actual
                + " but "
                + Bundles.MANIFEST
                + " "
                + path(entry, FileRef.SHA256)
                + " says "
                + expected
                + " (the file was changed or damaged after the bundle was made)");
      }
      return new BundleFile(name, actual, p);
    }
  }

  /** Lower-case hex sha256 of a file. */
  static String sha256(Path file) {
    MessageDigest md = sha256Digest();
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
      in.transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      throw new BundleException(Code.MISSING_FILE, file + ": cannot read: " + e.getMessage(), e);
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /** Lower-case hex sha256 of bytes already read (so they are the bytes checked). */
  static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(sha256Digest().digest(bytes));
  }

  private static MessageDigest sha256Digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
