package io.cordwatch.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cordwatch.testing.Sha256;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bundle's INT8 calibration slices: how they are stored and checked, how they are read back into
 * full normalised batches, and the seeded sample {@link CalibrationCapture} keeps.
 */
class CalibrationSlicesTest {
  private static final int S = TorchFixture.SIZE;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  private Path dir;
  private Bundle bundle;

  @BeforeEach
  void bundle() throws Exception {
    dir = tmp.resolve("bundle");
    bundle = TorchFixture.bundle(dir);
  }

  /** Planes whose every value says which plane it is and where: plane p, pixel k. */
  private static List<short[]> planes(int n) {
    List<short[]> out = new ArrayList<>();
    for (int p = 0; p < n; p++) {
      short[] plane = new short[S * S];
      for (int k = 0; k < plane.length; k++) {
        plane[k] = (short) ((p * 4099 + k * 13) % 65536);
      }
      out.add(plane);
    }
    return out;
  }

  private static float normalised(short stored, PreprocessingSpec spec) {
    double x = Short.toUnsignedInt(stored) / 65535.0;
    return (float) ((float) x - spec.mean()) / (float) spec.std();
  }

  @Test
  void theSlicesComeBackInFullBatchesTheLastFilledUpFromTheStart() throws Exception {
    List<short[]> planes = planes(5);
    Bundle b = Bundles.addCalibration(dir, planes).bundle();
    BundleCalibration c = b.calibration().orElseThrow();
    assertEquals(5, c.slices());
    assertEquals(BundleCalibration.FILE, c.data().file());
    assertEquals(Sha256.of(dir.resolve(BundleCalibration.FILE)), c.data().sha256());

    CalibrationSlices slices = c.open(b.preprocessing(), 3, 2);
    assertEquals(2, slices.batchSize());
    assertEquals(3, slices.batches());
    assertEquals(c.data().sha256(), slices.checksum());
    int item = 3 * S * S;
    FloatBuffer batch = FloatBuffer.allocate(2 * item);
    int[][] expected = {{0, 1}, {2, 3}, {4, 0}};
    for (int[] want : expected) {
      batch.clear();
      assertEquals(2, slices.next(batch));
      assertEquals(2 * item, batch.position(), "a full batch is written");
      for (int i = 0; i < 2; i++) {
        short[] plane = planes.get(want[i]);
        for (int ch = 0; ch < 3; ch++) {
          for (int k = 0; k < S * S; k += 97) {
            assertEquals(
                normalised(plane[k], b.preprocessing()),
                batch.get(i * item + ch * S * S + k),
                1e-6,
                "item " + i + " channel " + ch + " pixel " + k);
          }
        }
      }
    }
    batch.clear();
    assertEquals(0, slices.next(batch), "one pass, then no more batches");
    slices.rewind();
    batch.clear();
    assertEquals(2, slices.next(batch), "rewind starts again");
    assertEquals(normalised(planes.get(0)[13], b.preprocessing()), batch.get(13), 1e-6);
  }

  @Test
  void aBatchLargerThanTheSlicesIsOneBatchOfAll() {
    Bundle b = Bundles.addCalibration(dir, planes(3)).bundle();
    CalibrationSlices slices = b.calibration().orElseThrow().open(b.preprocessing(), 1, 64);
    assertEquals(3, slices.batchSize());
    assertEquals(1, slices.batches());
  }

  @Test
  void aFileOfTheWrongSizeNamesBothSizes() throws Exception {
    Bundles.addCalibration(dir, planes(4));
    Path file = dir.resolve(BundleCalibration.FILE);
    Files.write(file, Arrays.copyOf(Files.readAllBytes(file), (int) Files.size(file) - 2));
    rewriteSha(file);
    BundleException e = assertThrows(BundleException.class, () -> Bundles.load(dir));
    assertEquals(BundleException.Code.CALIBRATION_SHAPE, e.code());
    assertTrue(e.getMessage().contains("holds 32766 bytes"), e.getMessage());
    assertTrue(e.getMessage().contains("4 planes of 64 x 64"), e.getMessage());
  }

  @Test
  void aChangedFileIsAChecksumMismatch() throws Exception {
    Bundles.addCalibration(dir, planes(2));
    Path file = dir.resolve(BundleCalibration.FILE);
    byte[] bytes = Files.readAllBytes(file);
    bytes[100] ^= 1;
    Files.write(file, bytes);
    BundleException e = assertThrows(BundleException.class, () -> Bundles.load(dir));
    assertEquals(BundleException.Code.CHECKSUM_MISMATCH, e.code());
    assertTrue(e.getMessage().contains("calibration.sha256"), e.getMessage());
  }

  @Test
  void slicesChangedAfterTheLoadAreRefusedWhenRead() throws Exception {
    Bundle b = Bundles.addCalibration(dir, planes(2)).bundle();
    CalibrationSlices slices = b.calibration().orElseThrow().open(b.preprocessing(), 3, 2);
    Path file = dir.resolve(BundleCalibration.FILE);
    byte[] bytes = Files.readAllBytes(file);
    bytes[7] ^= 1;
    Files.write(file, bytes);
    BundleException e = assertThrows(BundleException.class, slices::rewind);
    assertEquals(BundleException.Code.CHECKSUM_MISMATCH, e.code());
    assertTrue(e.getMessage().contains("changed after the bundle was loaded"), e.getMessage());
  }

  @Test
  void theEntryIsCheckedStrictly() throws Exception {
    Bundles.addCalibration(dir, planes(2));
    editEntry(c -> c.put("slices", 0));
    BundleException zero = assertThrows(BundleException.class, () -> Bundles.load(dir));
    assertEquals(BundleException.Code.CALIBRATION_SHAPE, zero.code());
    assertTrue(zero.getMessage().contains("calibration.slices must be 1..65536, got 0"));
    editEntry(c -> c.put("slices", 2).put("slice_count", 2));
    BundleException key = assertThrows(BundleException.class, () -> Bundles.load(dir));
    assertEquals(BundleException.Code.MALFORMED_MANIFEST, key.code());
    assertTrue(key.getMessage().contains("unknown key calibration.slice_count"), key.getMessage());
  }

  @Test
  void noPlanesOrPlanesOfAnotherSizeLeaveTheBundleAsItWas() throws Exception {
    byte[] before = Files.readAllBytes(dir.resolve(Bundles.MANIFEST));
    BundleException none =
        assertThrows(BundleException.class, () -> Bundles.addCalibration(dir, List.of()));
    assertEquals(BundleException.Code.CALIBRATION_SHAPE, none.code());
    BundleException size =
        assertThrows(
            BundleException.class, () -> Bundles.addCalibration(dir, List.of(new short[32 * 32])));
    assertTrue(size.getMessage().contains("1024 values is not 64 x 64"), size.getMessage());
    assertArrayEquals(before, Files.readAllBytes(dir.resolve(Bundles.MANIFEST)));
    assertTrue(Bundles.load(dir).calibration().isEmpty());
  }

  @Test
  void theCaptureKeepsAnEvenSeededSampleOfWhatItFed() {
    PreprocessingSpec spec = bundle.preprocessing();
    CalibrationCapture a = new CalibrationCapture(spec, 4, 11);
    CalibrationCapture same = new CalibrationCapture(spec, 4, 11);
    CalibrationCapture other = new CalibrationCapture(spec, 4, 12);
    List<float[]> fed = new ArrayList<>();
    try (OnnxRuntimeEngine cpu = Bundles.openEngine(bundle);
        ObservedEngine watched =
            ObservedEngine.borrowing(
                cpu,
                (nchw, batch, shape, embeddings) -> {
                  a.batch(nchw.duplicate(), batch, shape, embeddings);
                  same.batch(nchw.duplicate(), batch, shape, embeddings);
                  other.batch(nchw.duplicate(), batch, shape, embeddings);
                })) {
      Random r = new Random(3);
      int item = cpu.inputShape().itemSize();
      for (int batch = 0; batch < 5; batch++) {
        FloatBuffer in = FloatBuffer.allocate(3 * item);
        for (int i = 0; i < 3 * item; i++) {
          in.put((float) ((r.nextDouble() - spec.mean()) / spec.std()));
        }
        for (int i = 0; i < 3; i++) {
          fed.add(Arrays.copyOfRange(in.array(), i * item, i * item + S * S));
        }
        in.flip();
        float[][] direct = cpu.embed(in.duplicate(), 3);
        float[][] through = watched.embed(in.duplicate(), 3);
        assertArrayEquals(direct[2], through[2], "the embeddings are the engine's");
      }
    }
    assertEquals(15, a.seen());
    List<short[]> kept = a.planes();
    assertEquals(4, kept.size());
    for (int i = 0; i < 4; i++) {
      assertArrayEquals(kept.get(i), same.planes().get(i), "same seed, same sample");
    }
    boolean differs = false;
    for (int i = 0; i < 4; i++) {
      differs |= !Arrays.equals(kept.get(i), other.planes().get(i));
    }
    assertTrue(differs, "another seed, another sample");
    for (short[] plane : kept) {
      boolean found = false;
      for (float[] f : fed) {
        boolean match = true;
        for (int k = 0; k < S * S && match; k++) {
          match = Math.abs(normalised(plane[k], spec) - f[k]) < 1e-4;
        }
        found |= match;
      }
      assertTrue(found, "every kept plane is one that was fed, within the 16-bit step");
    }
  }

  @Test
  void aCaptureRefusesANonsensicalSizeAndAnEngineOfAnotherSize() {
    assertThrows(
        IllegalArgumentException.class, () -> new CalibrationCapture(bundle.preprocessing(), 0, 1));
    CalibrationCapture c = new CalibrationCapture(bundle.preprocessing(), 1, 1);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> c.batch(FloatBuffer.allocate(3 * 32 * 32), 1, new InputShape(3, 32, 32), null));
    assertTrue(e.getMessage().contains("the preprocessing makes 64"), e.getMessage());
  }

  private void editEntry(java.util.function.Consumer<ObjectNode> edit) throws Exception {
    Path m = dir.resolve(Bundles.MANIFEST);
    ObjectNode root = (ObjectNode) JSON.readTree(m.toFile());
    edit.accept((ObjectNode) root.get("calibration"));
    JSON.writeValue(m.toFile(), root);
  }

  private void rewriteSha(Path file) throws Exception {
    String sha = Bundles.sha256(file);
    editEntry(c -> c.put("sha256", sha));
  }
}
