package io.cordwatch.trainer.dataset;

import io.cordwatch.dicom.DicomFacts;
import io.cordwatch.dicom.DicomPixels;
import io.cordwatch.dicom.DicomReadException;
import io.cordwatch.dicom.InstanceFacts;
import io.cordwatch.dicom.PixelDecodeException;
import io.cordwatch.infer.Preprocessing;
import io.cordwatch.infer.PreprocessingSpec;
import io.cordwatch.roi.BoxFileException;
import io.cordwatch.roi.CanalBox;
import io.cordwatch.roi.SuppliedBoxes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A set of graded slices read from a folder of DICOM studies and their labels, turned into the
 * tensors the appliance will compute for them.
 *
 * <p><b>The appliance's pixels.</b> Every step of the preprocessing is the appliance's own code
 * ({@link Preprocessing}, {@link DicomPixels}, {@link SuppliedBoxes}), applied as {@link
 * io.cordwatch.grade.SeriesGrader} applies it: each series is decoded whole, its window is taken
 * over every pixel of every slice of the series (labelled or not, as the appliance does), from a
 * histogram of stored values when all frames share one encoding. DatasetTest checks the resulting
 * tensors against what SeriesGrader feeds its engine for the same files.
 *
 * <p><b>Memory.</b> A slice is kept as the windowed pixels of the region around its box that any
 * augmented crop can reach ({@link Sample}), a few thousand floats for a typical canal box, so tens
 * of thousands of slices fit in a few hundred megabytes and are re-cropped every epoch.
 *
 * <p><b>Splits</b> are by study, never by slice: slices of one study are near-copies of each other,
 * and a validation slice whose neighbour was trained on measures memory, not grading.
 */
public final class Dataset {
  private final List<Sample> samples;
  private final List<String> classes;
  private final PreprocessingSpec spec;
  private final String description;

  private Dataset(
      List<Sample> samples, List<String> classes, PreprocessingSpec spec, String description) {
    this.samples = List.copyOf(samples);
    this.classes = List.copyOf(classes);
    this.spec = spec;
    this.description = description;
  }

  /**
   * Loads {@code dir}: its labels (labels.csv at the top of {@code dir}, else the LabelImg XML
   * files under it) and the DICOM files they grade.
   *
   * @param classes class names in prototype order; every grade must be one of them
   * @param spec the bundle's preprocessing (window percentiles, margin, size)
   * @param augmentation the augmentation that will be drawn, which sets how much context is kept
   * @param log progress lines (no patient data: counts and folder names only)
   * @throws DatasetException naming what is missing or wrong
   */
  public static Dataset load(
      Path dir,
      List<String> classes,
      PreprocessingSpec spec,
      Augmentation augmentation,
      Consumer<String> log) {
    if (!Files.isDirectory(dir)) {
      throw new DatasetException(DatasetException.Code.NO_DATA, dir + ": no such folder");
    }
    Path csv = dir.resolve("labels.csv");
    Path labelPath = Files.isRegularFile(csv) ? csv : dir;
    Map<GradeLabels.Key, GradeLabels.Graded> grades = GradeLabels.read(labelPath, classes);
    if (grades.isEmpty()) {
      throw new DatasetException(
          DatasetException.Code.NO_LABELS, labelPath + ": holds no graded slices");
    }
    SuppliedBoxes boxes;
    try {
      boxes = SuppliedBoxes.load(labelPath);
    } catch (BoxFileException e) {
      throw new DatasetException(DatasetException.Code.BAD_LABELS, e.getMessage(), e);
    }
    for (GradeLabels.Graded g : grades.values()) {
      if (boxes.box(g.key().sopInstanceUid(), g.key().frame()).isEmpty()) {
        throw new DatasetException(
            DatasetException.Code.BAD_LABELS, g.where() + ": a grade without a canal box");
      }
    }
    log.accept(
        "labels: "
            + grades.size()
            + " graded slices from "
            + labelPath
            + " ("
            + counts(grades, classes)
            + ")");

    // Which files hold labelled slices, and which series they belong to.
    Set<String> labelledSops = new TreeSet<>();
    grades.keySet().forEach(k -> labelledSops.add(k.sopInstanceUid()));
    Map<String, List<Path>> filesBySeries = new TreeMap<>();
    Map<String, String> studyOfSeries = new LinkedHashMap<>();
    Set<String> labelledSeries = new TreeSet<>();
    Set<String> foundSops = new TreeSet<>();
    int dicomFiles = 0;
    for (Path f : candidateFiles(dir)) {
      InstanceFacts facts;
      try {
        facts = DicomFacts.read(f);
      } catch (DicomReadException e) {
        continue; // not DICOM (a montage, a note): the folder may hold other files
      }
      dicomFiles++;
      if (facts.seriesInstanceUid() == null || facts.studyInstanceUid() == null) {
        continue;
      }
      filesBySeries.computeIfAbsent(facts.seriesInstanceUid(), s -> new ArrayList<>()).add(f);
      studyOfSeries.putIfAbsent(facts.seriesInstanceUid(), facts.studyInstanceUid());
      if (labelledSops.contains(facts.sopInstanceUid())) {
        labelledSeries.add(facts.seriesInstanceUid());
        foundSops.add(facts.sopInstanceUid());
      }
    }
    if (dicomFiles == 0) {
      throw new DatasetException(
          DatasetException.Code.NO_DATA, dir + ": no DICOM files in this folder");
    }
    if (foundSops.size() < labelledSops.size()) {
      int missing = labelledSops.size() - foundSops.size();
      String example =
          labelledSops.stream().filter(s -> !foundSops.contains(s)).findFirst().orElseThrow();
      throw new DatasetException(
          DatasetException.Code.MISSING_IMAGES,
          labelPath
              + ": "
              + missing
              + " of the "
              + labelledSops.size()
              + " labelled instances have no DICOM file under "
              + dir
              + " (for example SOP Instance UID "
              + example
              + ")");
    }

    double extent = augmentation.maxHalfExtent(spec.roiMargin());
    List<Sample> samples = new ArrayList<>();
    long t0 = System.nanoTime();
    for (String series : labelledSeries) {
      String study = studyOfSeries.get(series);
      List<DicomPixels.Frame> frames = new ArrayList<>();
      for (Path f : filesBySeries.get(series)) {
        try {
          frames.addAll(DicomPixels.read(f));
        } catch (PixelDecodeException e) {
          if (containsLabelled(f, grades)) {
            throw new DatasetException(
                DatasetException.Code.MISSING_IMAGES,
                f + ": a labelled slice cannot be decoded: " + e.getMessage(),
                e);
          }
          // An unreadable unlabelled slice is left out of the window, as the appliance does.
        }
      }
      Preprocessing.Window window = seriesWindow(frames, spec);
      for (DicomPixels.Frame fr : frames) {
        GradeLabels.Graded g = grades.get(new GradeLabels.Key(fr.sopInstanceUid(), fr.frame()));
        if (g == null) {
          continue;
        }
        CanalBox canal = boxes.box(fr.sopInstanceUid(), fr.frame()).orElseThrow();
        samples.add(sample(study, series, fr, window, canal, g, extent));
      }
    }
    if (samples.size() < grades.size()) {
      throw new DatasetException(
          DatasetException.Code.MISSING_IMAGES,
          labelPath
              + ": "
              + (grades.size() - samples.size())
              + " labelled frames were not found in their DICOM files (a frame number past the"
              + " file's frames?)");
    }
    // A stable order whatever the file system lists first: study, series, instance, frame.
    samples.sort(
        Comparator.comparing(Sample::study)
            .thenComparing(Sample::series)
            .thenComparing(Sample::sopInstanceUid)
            .thenComparingInt(Sample::frame));
    long studies = samples.stream().map(Sample::study).distinct().count();
    log.accept(
        String.format(
            Locale.ROOT,
            "decoded %d slices of %d series in %d studies in %.1f s",
            samples.size(),
            labelledSeries.size(),
            studies,
            (System.nanoTime() - t0) / 1e9));
    String description =
        samples.size() + " slices of " + studies + " studies from " + dir.toAbsolutePath();
    return new Dataset(samples, classes, spec, description);
  }

  private static boolean containsLabelled(Path f, Map<GradeLabels.Key, GradeLabels.Graded> grades) {
    try {
      String sop = DicomFacts.read(f).sopInstanceUid();
      return grades.keySet().stream().anyMatch(k -> k.sopInstanceUid().equals(sop));
    } catch (DicomReadException e) {
      return false;
    }
  }

  private static List<Path> candidateFiles(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile)
          .filter(
              p -> {
                String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                return !(n.endsWith(".xml")
                    || n.endsWith(".csv")
                    || n.endsWith(".png")
                    || n.endsWith(".json")
                    || n.endsWith(".md")
                    || n.endsWith(".txt"));
              })
          .sorted()
          .toList();
    } catch (IOException | UncheckedIOException e) {
      throw new DatasetException(
          DatasetException.Code.NO_DATA, dir + ": cannot list: " + e.getMessage(), e);
    }
  }

  /**
   * The series window exactly as the appliance's SeriesGrader takes it: from a histogram of stored
   * values when every frame is encoded alike, else by sorting modality values.
   */
  public static Preprocessing.Window seriesWindow(
      List<DicomPixels.Frame> frames, PreprocessingSpec spec) {
    Preprocessing.PixelEncoding first = encoding(frames.getFirst());
    if (frames.stream().allMatch(f -> encoding(f).equals(first))) {
      return Preprocessing.windowOfStored(
          frames.stream().map(DicomPixels.Frame::stored).toList(),
          first,
          spec.windowLowPercentile(),
          spec.windowHighPercentile());
    }
    return Preprocessing.window(
        frames.stream().map(f -> Preprocessing.modalityValues(f.stored(), encoding(f))).toList(),
        spec.windowLowPercentile(),
        spec.windowHighPercentile());
  }

  private static Preprocessing.PixelEncoding encoding(DicomPixels.Frame f) {
    return new Preprocessing.PixelEncoding(
        f.bitsAllocated(), f.bitsStored(), f.signed(), f.slope(), f.intercept(), false);
  }

  private static Sample sample(
      String study,
      String series,
      DicomPixels.Frame f,
      Preprocessing.Window window,
      CanalBox canal,
      GradeLabels.Graded g,
      double extent) {
    int w = f.columns();
    int h = f.rows();
    Preprocessing.Box box = canal.toPreprocessing();
    if (box.x0() >= w || box.y0() >= h) {
      throw new DatasetException(
          DatasetException.Code.BAD_LABELS,
          g.where() + ": box " + canal + " lies outside the " + w + " x " + h + " image");
    }
    float[] unit =
        Preprocessing.toUnit(
            Preprocessing.modalityValues(f.stored(), encoding(f)), window, f.monochrome1());
    double bw = box.x1() - box.x0();
    double bh = box.y1() - box.y0();
    double cx = (box.x0() + box.x1()) / 2;
    double cy = (box.y0() + box.y1()) / 2;
    // Two pixels beyond the farthest sample: the bilinear neighbour and rounding.
    int x0 = Math.max(0, (int) Math.floor(cx - extent * bw) - 2);
    int y0 = Math.max(0, (int) Math.floor(cy - extent * bh) - 2);
    int x1 = Math.min(w, (int) Math.ceil(cx + extent * bw) + 2);
    int y1 = Math.min(h, (int) Math.ceil(cy + extent * bh) + 2);
    int rw = x1 - x0;
    int rh = y1 - y0;
    float[] region = new float[rw * rh];
    for (int r = 0; r < rh; r++) {
      System.arraycopy(unit, (y0 + r) * w + x0, region, r * rw, rw);
    }
    Preprocessing.Box local =
        new Preprocessing.Box(box.x0() - x0, box.y0() - y0, box.x1() - x0, box.y1() - y0);
    return new Sample(
        study, series, f.sopInstanceUid(), f.frame(), g.classIndex(), region, rw, rh, local);
  }

  private static String counts(
      Map<GradeLabels.Key, GradeLabels.Graded> grades, List<String> classes) {
    int[] n = new int[classes.size()];
    grades.values().forEach(g -> n[g.classIndex()]++);
    return perClass(classes, n);
  }

  private static String perClass(List<String> classes, int[] n) {
    List<String> parts = new ArrayList<>();
    for (int c = 0; c < n.length; c++) {
      parts.add(classes.get(c) + ": " + n[c]);
    }
    return String.join(", ", parts);
  }

  // ---------------------------------------------------------------------------------------------

  public List<Sample> samples() {
    return samples;
  }

  public int size() {
    return samples.size();
  }

  public List<String> classes() {
    return classes;
  }

  public PreprocessingSpec spec() {
    return spec;
  }

  /** In words, for logs and provenance: slice and study counts and where from. */
  public String description() {
    return description;
  }

  /** The studies, in order of first appearance. */
  public List<String> studies() {
    return samples.stream().map(Sample::study).distinct().toList();
  }

  /** Slices per class. */
  public int[] classCounts() {
    int[] n = new int[classes.size()];
    for (Sample s : samples) {
      n[s.label()]++;
    }
    return n;
  }

  /** "0: 54, 1a: 4, ..." */
  public String classCountsText() {
    return perClass(classes, classCounts());
  }

  /**
   * The authors' class weights, {@code w_c = 1 - n_c / N}: rare classes weigh close to 1, the
   * dominant grade 0 (about 80% of slices) about 0.2.
   */
  public double[] classWeights() {
    int[] n = classCounts();
    double[] w = new double[n.length];
    for (int c = 0; c < n.length; c++) {
      w[c] = 1 - (double) n[c] / samples.size();
    }
    return w;
  }

  /**
   * Refuses a set in which a class has no slice: its prototype would never be pulled towards
   * anything and the bundle would carry a class it cannot recognise.
   *
   * @throws DatasetException {@code EMPTY_CLASS} naming the classes
   */
  public void requireEveryClass(String what) {
    int[] n = classCounts();
    List<String> empty = new ArrayList<>();
    for (int c = 0; c < n.length; c++) {
      if (n[c] == 0) {
        empty.add(classes.get(c));
      }
    }
    if (!empty.isEmpty()) {
      throw new DatasetException(
          DatasetException.Code.EMPTY_CLASS,
          what
              + " has no slice of class "
              + String.join(", ", empty)
              + " ("
              + classCountsText()
              + "); every class needs training examples: add studies, or pass"
              + " --allow-empty-classes to train anyway (an empty class's prototype is then never"
              + " learnt and the model will not predict it)");
    }
  }

  /**
   * The sets one after the other, as one set (for training on several folders, e.g. phantoms and
   * real slices). Their classes and preprocessing must be the same; a study is kept whole, so a
   * split by study stays a split by study.
   *
   * @throws IllegalArgumentException when {@code sets} is empty or the sets disagree
   */
  public static Dataset concat(List<Dataset> sets) {
    if (sets.isEmpty()) {
      throw new IllegalArgumentException("no data sets to join");
    }
    if (sets.size() == 1) {
      return sets.getFirst();
    }
    Dataset first = sets.getFirst();
    List<Sample> all = new ArrayList<>();
    List<String> parts = new ArrayList<>();
    for (Dataset d : sets) {
      if (!d.classes.equals(first.classes) || !d.spec.equals(first.spec)) {
        throw new IllegalArgumentException(
            "data sets to join must share classes and preprocessing: " + d.description);
      }
      all.addAll(d.samples);
      parts.add(d.description);
    }
    return new Dataset(all, first.classes, first.spec, String.join(" + ", parts));
  }

  /**
   * The set drawn {@code times} times per epoch: every slice appears {@code times} times, each draw
   * augmented on its own. Used to weigh a small set (real slices) against a large one (phantoms)
   * without copying pixels; the class weights follow the repeated counts.
   *
   * @throws IllegalArgumentException when {@code times} is below 1
   */
  public Dataset repeated(int times) {
    if (times < 1) {
      throw new IllegalArgumentException("a set is drawn at least once per epoch, got " + times);
    }
    if (times == 1) {
      return this;
    }
    List<Sample> all = new ArrayList<>(samples.size() * times);
    for (int t = 0; t < times; t++) {
      all.addAll(samples);
    }
    return new Dataset(all, classes, spec, description + " x" + times);
  }

  /** A training and a validation part of one set, disjoint by study. */
  public record Split(Dataset train, Dataset validation) {}

  /**
   * Splits by study: the studies are shuffled with {@code seed} and {@code round(fraction * n)} of
   * them (at least one, and at least one left for training) become the validation set.
   *
   * @throws DatasetException {@code CANNOT_SPLIT} when there is only one study
   */
  public Split splitByStudy(double fraction, long seed) {
    if (!(fraction > 0 && fraction < 1)) {
      throw new IllegalArgumentException("validation fraction must be in (0, 1), got " + fraction);
    }
    List<String> studies = new ArrayList<>(new TreeSet<>(studies()));
    if (studies.size() < 2) {
      throw new DatasetException(
          DatasetException.Code.CANNOT_SPLIT,
          "the data holds "
              + studies.size()
              + " study; a validation set is split off by study, so give at least two studies or"
              + " a separate --val folder");
    }
    Collections.shuffle(studies, new Random(seed));
    int nVal =
        (int) Math.max(1, Math.min(studies.size() - 1, Math.round(fraction * studies.size())));
    Set<String> val = new TreeSet<>(studies.subList(0, nVal));
    List<Sample> tr = new ArrayList<>();
    List<Sample> va = new ArrayList<>();
    for (Sample s : samples) {
      (val.contains(s.study()) ? va : tr).add(s);
    }
    return new Split(
        new Dataset(
            tr,
            classes,
            spec,
            tr.size()
                + " slices of "
                + (studies.size() - nVal)
                + " studies (training part of "
                + description
                + ")"),
        new Dataset(
            va,
            classes,
            spec,
            va.size()
                + " slices of "
                + nVal
                + " studies (validation part, split by study with seed "
                + seed
                + ")"));
  }

  /**
   * A digest of what the set holds (slices, grades, boxes), stored in checkpoints so that a resumed
   * run refuses different data.
   */
  public String fingerprint() {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (Sample s : samples) {
        md.update(
            (s.sopInstanceUid() + "/" + s.frame() + "/" + s.label() + "/" + s.box() + "\n")
                .getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /**
   * Writes sample {@code i}'s input tensor (C x S x S floats) at {@code out[offset]}: the
   * appliance's crop-and-resize of the (augmented) box, the augmentation's flip and jitter, then
   * the appliance's normalisation and channel replication. With {@code draw} empty this is the
   * tensor the appliance computes for the slice.
   */
  public void tensor(
      int i,
      Optional<Augmentation.Draw> draw,
      Preprocessing preprocessing,
      float[] out,
      int offset) {
    Sample s = samples.get(i);
    Preprocessing.Box box = draw.map(d -> d.crop().apply(s.box())).orElse(s.box());
    int size = spec.inputSize();
    float[] plane =
        Preprocessing.cropResize(s.region(), s.width(), s.height(), box, spec.roiMargin(), size);
    draw.ifPresent(d -> d.plane().apply(plane, size));
    preprocessing.normalizeInto(plane, FloatBuffer.wrap(out, offset, preprocessing.itemSize()));
  }

  /** Sample {@code i}'s class index. */
  public int label(int i) {
    return samples.get(i).label();
  }
}
