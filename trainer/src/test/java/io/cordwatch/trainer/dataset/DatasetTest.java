package io.cordwatch.trainer.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.dicom.DicomFacts;
import io.cordwatch.dicom.DicomReadException;
import io.cordwatch.dicom.InstanceFacts;
import io.cordwatch.grade.SeriesGrader;
import io.cordwatch.grade.SeriesResult;
import io.cordwatch.grade.SliceResult;
import io.cordwatch.infer.BackboneEngine;
import io.cordwatch.infer.Bundle;
import io.cordwatch.infer.Bundles;
import io.cordwatch.infer.InputShape;
import io.cordwatch.infer.OnnxRuntimeEngine;
import io.cordwatch.infer.Preprocessing;
import io.cordwatch.infer.PreprocessingSpec;
import io.cordwatch.infer.Provenance;
import io.cordwatch.roi.SuppliedBoxes;
import io.cordwatch.trainer.TinyNet;
import io.cordwatch.trainer.model.LayerSpec;
import io.cordwatch.trainer.model.OnnxWriter;
import io.cordwatch.trainer.model.Weights;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dataset reads phantom studies into the tensors the appliance computes, splits by study, and
 * refuses unusable data with a message naming the problem.
 */
class DatasetTest {
  private static final List<String> CLASSES = Bundle.DEFAULT_CLASSES;
  private static final int SIZE = 32;
  private static final PreprocessingSpec SPEC =
      new PreprocessingSpec(SIZE, 0.5, 99.5, 0.1, PreprocessingSpec.BILINEAR, 0.1937, 0.1420);

  @TempDir static Path shared;
  private static Path phantom;
  private static Dataset dataset;

  @BeforeAll
  static void load() {
    phantom = PhantomData.write(shared.resolve("phantom"), 3, 6, 11);
    dataset = Dataset.load(phantom, CLASSES, SPEC, Augmentation.standard(), s -> {});
  }

  @Test
  void everyLabelledSliceIsLoadedWithItsGrade() throws IOException {
    List<String> rows = Files.readAllLines(phantom.resolve("labels.csv"));
    assertEquals(rows.size() - 1, dataset.size());
    Map<String, Integer> bySop = new TreeMap<>();
    for (String row : rows.subList(1, rows.size())) {
      String[] c = row.split(",");
      bySop.put(c[1], CLASSES.indexOf(c[2]));
    }
    for (Sample s : dataset.samples()) {
      assertEquals(bySop.get(s.sopInstanceUid()), s.label(), s.sopInstanceUid());
    }
    assertEquals(3, dataset.studies().size());
  }

  /**
   * The crux of the trainer: for every slice, the un-augmented tensor equals what the appliance's
   * SeriesGrader hands its engine for the same DICOM files and boxes. The engine here is the real
   * ONNX Runtime engine, wrapped to keep a copy of each batch it is given.
   */
  @Test
  void tensorsAreExactlyWhatTheApplianceFeedsItsEngine(@TempDir Path tmp) throws IOException {
    LayerSpec tiny = TinyNet.SPEC;
    Path onnx = tmp.resolve("tiny.onnx");
    OnnxWriter.write(Weights.heNormal(tiny, 3), SIZE, onnx);
    Path protos = tmp.resolve("p.f32");
    Files.write(protos, new byte[CLASSES.size() * tiny.embeddingWidth() * 4]);
    Bundle bundle =
        Bundles.create(
                tmp.resolve("bundle"),
                new Bundles.Recipe(
                    "t",
                    onnx,
                    protos,
                    CLASSES,
                    Bundle.DEFAULT_HIGH_GRADE,
                    2,
                    1,
                    Double.POSITIVE_INFINITY,
                    SPEC,
                    new Provenance("test", LocalDate.now(), Map.of(), false, ""),
                    Double.NaN))
            .bundle();
    Preprocessing pre = new Preprocessing(SPEC, 3);
    Map<String, Integer> indexOfSop = new LinkedHashMap<>();
    for (int i = 0; i < dataset.size(); i++) {
      indexOfSop.put(dataset.samples().get(i).sopInstanceUid(), i);
    }
    int compared = 0;
    double maxDiff = 0;
    for (Map.Entry<String, List<Path>> series : axialSeries(phantom).entrySet()) {
      try (Recording engine =
          new Recording(OnnxRuntimeEngine.open(bundle.backbone().path(), SIZE))) {
        SeriesGrader grader =
            new SeriesGrader(bundle, engine, SuppliedBoxes.load(phantom.resolve("labels.csv")));
        List<SeriesGrader.Input> inputs =
            series.getValue().stream().map(p -> new SeriesGrader.Input(null, p)).toList();
        SeriesResult result = grader.grade("study", series.getKey(), inputs);
        List<SliceResult> graded =
            result.slices().stream().filter(s -> SliceResult.GRADED.equals(s.status())).toList();
        assertEquals(graded.size(), engine.items.size());
        for (int j = 0; j < graded.size(); j++) {
          int i = indexOfSop.get(graded.get(j).sopInstanceUid());
          float[] mine = new float[pre.itemSize()];
          dataset.tensor(i, Optional.empty(), pre, mine, 0);
          float[] theirs = engine.items.get(j);
          for (int q = 0; q < mine.length; q++) {
            maxDiff = Math.max(maxDiff, Math.abs(mine[q] - theirs[q]));
          }
          compared++;
        }
      }
    }
    assertEquals(dataset.size(), compared, "every slice compared");
    // Normalised values are O(1..5); 1e-5 is float rounding of the crop arithmetic done in a
    // region's coordinates instead of the whole image's.
    assertTrue(maxDiff <= 1e-5, "max difference from the appliance's tensor " + maxDiff);
    System.out.printf(
        "dataset vs SeriesGrader tensors: %d slices, max |diff| %.3g%n", compared, maxDiff);
  }

  /** An engine that keeps a copy of every item it embeds and delegates to a real engine. */
  private static final class Recording implements BackboneEngine {
    final BackboneEngine real;
    final List<float[]> items = new ArrayList<>();

    Recording(BackboneEngine real) {
      this.real = real;
    }

    @Override
    public String name() {
      return real.name();
    }

    @Override
    public InputShape inputShape() {
      return real.inputShape();
    }

    @Override
    public int embeddingWidth() {
      return real.embeddingWidth();
    }

    @Override
    public float[][] embed(FloatBuffer nchw, int batch) {
      FloatBuffer copy = nchw.duplicate();
      int item = real.inputShape().itemSize();
      for (int b = 0; b < batch; b++) {
        float[] x = new float[item];
        copy.get(x);
        items.add(x);
      }
      return real.embed(nchw, batch);
    }

    @Override
    public void close() {
      real.close();
    }
  }

  private static Map<String, List<Path>> axialSeries(Path dir) throws IOException {
    Map<String, List<Path>> bySeries = new TreeMap<>();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files = walk.filter(p -> p.toString().endsWith(".dcm")).sorted().toList();
    }
    Map<String, Boolean> isAxialT2 = new TreeMap<>();
    for (Path f : files) {
      InstanceFacts facts;
      try {
        facts = DicomFacts.read(f);
      } catch (DicomReadException e) {
        continue;
      }
      bySeries.computeIfAbsent(facts.seriesInstanceUid(), s -> new ArrayList<>()).add(f);
      if (f.getFileName().toString().startsWith("ax-t2")) {
        isAxialT2.put(facts.seriesInstanceUid(), true);
      }
    }
    bySeries.keySet().retainAll(isAxialT2.keySet());
    return bySeries;
  }

  @Test
  void regionCropsEqualWholeImageCropsForEveryAugmentation() {
    // The dataset keeps only the region around each box; any augmented crop of it must sample
    // exactly what the same crop of the whole windowed image samples.
    Random random = new Random(4);
    Augmentation aug = Augmentation.standard();
    for (int i = 0; i < dataset.size(); i++) {
      Sample s = dataset.samples().get(i);
      for (int t = 0; t < 5; t++) {
        Augmentation.Draw d = aug.draw(random);
        Preprocessing.Box box = d.crop().apply(s.box());
        float[] fromRegion =
            Preprocessing.cropResize(s.region(), s.width(), s.height(), box, 0.1, SIZE);
        // A margin of zeros around the region stands for "the rest of the image": if any sample
        // reached past the region, it would pick up a zero and the crops would differ.
        int pad = 40;
        int w = s.width() + 2 * pad;
        int h = s.height() + 2 * pad;
        float[] padded = new float[w * h];
        for (int r = 0; r < s.height(); r++) {
          System.arraycopy(s.region(), r * s.width(), padded, (r + pad) * w + pad, s.width());
        }
        Preprocessing.Box shifted =
            new Preprocessing.Box(box.x0() + pad, box.y0() + pad, box.x1() + pad, box.y1() + pad);
        float[] fromImage = Preprocessing.cropResize(padded, w, h, shifted, 0.1, SIZE);
        // (Phantom canal boxes lie well inside the image, so no region is cut by its edge.)
        assertArrayEquals(fromImage, fromRegion, 1e-6f, "slice " + i + " draw " + t);
      }
    }
  }

  @Test
  void augmentationChangesTheTensorAndNoAugmentationDoesNot() {
    Preprocessing pre = new Preprocessing(SPEC, 3);
    float[] plain = new float[pre.itemSize()];
    float[] none = new float[pre.itemSize()];
    float[] aug = new float[pre.itemSize()];
    dataset.tensor(0, Optional.empty(), pre, plain, 0);
    dataset.tensor(0, Optional.of(Augmentation.none().draw(new Random(1))), pre, none, 0);
    dataset.tensor(0, Optional.of(Augmentation.standard().draw(new Random(2))), pre, aug, 0);
    assertArrayEquals(plain, none, 0f);
    assertNotEquals(java.util.Arrays.toString(plain), java.util.Arrays.toString(aug));
  }

  @Test
  void gammaAndNoiseChangeIntensitiesOnlyAndRepeatForTheSameDraw() {
    Preprocessing pre = new Preprocessing(SPEC, 3);
    Augmentation.Draw geometry = Augmentation.Draw.NONE;
    Augmentation.Draw dark = intensityOnly(1.5, 0, 0);
    Augmentation.Draw noisy = intensityOnly(1, 0.05, 42);
    float[] plain = new float[pre.itemSize()];
    float[] gamma = new float[pre.itemSize()];
    float[] noise1 = new float[pre.itemSize()];
    float[] noise2 = new float[pre.itemSize()];
    dataset.tensor(0, Optional.of(geometry), pre, plain, 0);
    dataset.tensor(0, Optional.of(dark), pre, gamma, 0);
    dataset.tensor(0, Optional.of(noisy), pre, noise1, 0);
    dataset.tensor(0, Optional.of(noisy), pre, noise2, 0);
    assertArrayEquals(noise1, noise2, 0f);
    double sumPlain = 0;
    double sumGamma = 0;
    double diff = 0;
    for (int i = 0; i < plain.length; i++) {
      sumPlain += plain[i];
      sumGamma += gamma[i];
      diff += Math.abs(noise1[i] - plain[i]);
    }
    // A gamma above 1 darkens mid-grey; noise moves pixels by about 0.8 sd on average.
    assertTrue(sumGamma < sumPlain, sumGamma + " vs " + sumPlain);
    double meanDiffUnit = diff / plain.length * SPEC.std();
    assertTrue(meanDiffUnit > 0.02 && meanDiffUnit < 0.05, "mean |noise| " + meanDiffUnit);
  }

  /** A draw with only this gamma and noise: no crop change, flip, jitter, artefact or curve. */
  private static Augmentation.Draw intensityOnly(double gamma, double noiseSd, long noiseSeed) {
    Augmentation.Plane none = Augmentation.Plane.NONE;
    return new Augmentation.Draw(
        Augmentation.Crop.NONE,
        new Augmentation.Plane(
            false, 1, 0, gamma, noiseSd, noiseSeed, none.artefact(), none.curve()));
  }

  @Test
  void splitIsByStudyAndReproducible() {
    Dataset.Split a = dataset.splitByStudy(0.34, 7);
    Dataset.Split b = dataset.splitByStudy(0.34, 7);
    Set<String> trainStudies = new HashSet<>(a.train().studies());
    for (String s : a.validation().studies()) {
      assertTrue(!trainStudies.contains(s), "study in both parts");
    }
    assertEquals(1, a.validation().studies().size());
    assertEquals(dataset.size(), a.train().size() + a.validation().size());
    assertEquals(a.validation().studies(), b.validation().studies());
  }

  @Test
  void joinedFoldersKeepEveryStudyWholeAndRefuseOtherPreprocessing() {
    Dataset.Split parts = dataset.splitByStudy(0.34, 7);
    Dataset joined = Dataset.concat(List.of(parts.validation(), parts.train()));
    assertEquals(dataset.size(), joined.size());
    assertEquals(Set.copyOf(dataset.studies()), Set.copyOf(joined.studies()));
    assertEquals(parts.validation().studies().getFirst(), joined.studies().getFirst());
    assertTrue(joined.description().contains(" + "), joined.description());
    int[] a = dataset.classCounts();
    int[] b = joined.classCounts();
    assertArrayEquals(a, b);
    Dataset other =
        Dataset.load(
            phantom,
            CLASSES,
            new PreprocessingSpec(SIZE * 2, 0.5, 99.5, 0.1, PreprocessingSpec.BILINEAR, 0.19, 0.14),
            Augmentation.standard(),
            s -> {});
    assertThrows(IllegalArgumentException.class, () -> Dataset.concat(List.of(dataset, other)));
  }

  @Test
  void aRepeatedSetDrawsEverySliceThatManyTimesAndKeepsItsStudies() {
    Dataset thrice = dataset.repeated(3);
    assertEquals(3 * dataset.size(), thrice.size());
    assertEquals(dataset.studies(), thrice.studies());
    int[] once = dataset.classCounts();
    int[] three = thrice.classCounts();
    for (int c = 0; c < once.length; c++) {
      assertEquals(3 * once[c], three[c], "class " + c);
    }
    assertTrue(thrice.description().endsWith(" x3"), thrice.description());
    assertSame(dataset, dataset.repeated(1));
    assertThrows(IllegalArgumentException.class, () -> dataset.repeated(0));
    Dataset.Split split = thrice.splitByStudy(0.34, 7);
    for (String s : split.validation().studies()) {
      assertTrue(!split.train().studies().contains(s), "a repeated study split apart: " + s);
    }
  }

  @Test
  void classWeightsAreOneMinusClassFrequency() {
    int[] n = dataset.classCounts();
    double[] w = dataset.classWeights();
    for (int c = 0; c < n.length; c++) {
      assertEquals(1 - (double) n[c] / dataset.size(), w[c], 1e-12);
    }
  }

  @Test
  void vocFolderGivesTheSameSlicesAsLabelsCsv(@TempDir Path tmp) throws IOException {
    Path copy = tmp.resolve("voc");
    try (Stream<Path> walk = Files.walk(phantom)) {
      for (Path p : walk.toList()) {
        Path target = copy.resolve(phantom.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else if (!p.getFileName().toString().equals("labels.csv")) {
          Files.copy(p, target);
        }
      }
    }
    Dataset voc = Dataset.load(copy, CLASSES, SPEC, Augmentation.standard(), s -> {});
    assertEquals(dataset.fingerprint(), voc.fingerprint());
  }

  @Test
  void refusesAFolderWithoutLabels(@TempDir Path tmp) throws IOException {
    Files.createDirectories(tmp.resolve("empty"));
    DatasetException e =
        assertThrows(
            DatasetException.class,
            () -> Dataset.load(tmp.resolve("empty"), CLASSES, SPEC, Augmentation.none(), s -> {}));
    assertEquals(DatasetException.Code.NO_LABELS, e.code());
    DatasetException missing =
        assertThrows(
            DatasetException.class,
            () -> Dataset.load(tmp.resolve("nope"), CLASSES, SPEC, Augmentation.none(), s -> {}));
    assertEquals(DatasetException.Code.NO_DATA, missing.code());
  }

  @Test
  void refusesAnUnknownGradeNamingFileAndLine(@TempDir Path tmp) throws IOException {
    Path dir = tmp.resolve("d");
    Files.createDirectories(dir);
    Files.writeString(
        dir.resolve("labels.csv"),
        "study_instance_uid,sop_instance_uid,grade,x0,y0,x1,y1\n1.2,1.2.3,0,1,1,5,5\n1.2,1.2.4,4,1,1,5,5\n");
    DatasetException e =
        assertThrows(
            DatasetException.class,
            () -> Dataset.load(dir, CLASSES, SPEC, Augmentation.none(), s -> {}));
    assertEquals(DatasetException.Code.BAD_LABELS, e.code());
    assertTrue(e.getMessage().contains("labels.csv:3"), e.getMessage());
    assertTrue(e.getMessage().contains("'4'"), e.getMessage());
  }

  @Test
  void refusesLabelsWhoseImagesAreMissing(@TempDir Path tmp) throws IOException {
    Path dir = tmp.resolve("d");
    Files.createDirectories(dir);
    Files.copy(phantom.resolve("labels.csv"), dir.resolve("labels.csv"));
    Path study = Files.createDirectories(dir.resolve("study-0001"));
    try (Stream<Path> s = Files.list(phantom.resolve("study-0001"))) {
      for (Path p : s.toList()) {
        Files.copy(p, study.resolve(p.getFileName()));
      }
    }
    DatasetException e =
        assertThrows(
            DatasetException.class,
            () -> Dataset.load(dir, CLASSES, SPEC, Augmentation.none(), s -> {}));
    assertEquals(DatasetException.Code.MISSING_IMAGES, e.code());
    assertTrue(e.getMessage().contains("12 of the 18"), e.getMessage());
  }

  @Test
  void anEmptyClassIsRefusedByName() {
    DatasetException e =
        assertThrows(DatasetException.class, () -> dataset.requireEveryClass("the training set"));
    assertEquals(DatasetException.Code.EMPTY_CLASS, e.code());
    int[] n = dataset.classCounts();
    for (int c = 0; c < n.length; c++) {
      if (n[c] == 0) {
        assertTrue(e.getMessage().contains(CLASSES.get(c)), e.getMessage());
      }
    }
  }

  @Test
  void oneStudyCannotBeSplit(@TempDir Path tmp) {
    Dataset one =
        Dataset.load(
            PhantomData.write(tmp.resolve("one"), 1, 4, 3),
            CLASSES,
            SPEC,
            Augmentation.none(),
            s -> {});
    DatasetException e = assertThrows(DatasetException.class, () -> one.splitByStudy(0.2, 1));
    assertEquals(DatasetException.Code.CANNOT_SPLIT, e.code());
  }
}
