package io.cordwatch.infer;

import io.cordwatch.dicom.Fixtures;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** The torch-exported tiny backbone in shared/fixtures and helpers to build bundles around it. */
public final class TorchFixture {
  public static final int BATCH = 3;
  public static final int SIZE = 64;
  public static final int D = 32;

  private TorchFixture() {}

  public static Path dir() {
    return Fixtures.root().resolve("torch-tiny-backbone");
  }

  public static Path backbone() {
    return dir().resolve("backbone.onnx");
  }

  public static float[] input() throws IOException {
    return floats(dir().resolve("input.f32"));
  }

  public static float[] expectedEmbedding() throws IOException {
    return floats(dir().resolve("expected_embedding.f32"));
  }

  static float[] floats(Path file) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[b.remaining() / 4];
    b.asFloatBuffer().get(out);
    return out;
  }

  /**
   * A copy of a bundle folder's files (a bundle is flat) in {@code to}, for a test that changes
   * bundle.json without touching the bundle other tests share.
   */
  public static Path copy(Path bundle, Path to) throws IOException {
    Files.createDirectories(to);
    try (var files = Files.list(bundle)) {
      for (Path f : files.toList()) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
    return to;
  }

  /**
   * A bundle around the tiny backbone with K=6 seeded random prototypes and input size 64: its
   * grades mean nothing, but every stage of the pipeline runs for real.
   */
  public static Bundle bundle(Path out) throws IOException {
    return bundle(out, "torch-tiny-test", 7);
  }

  /**
   * The same as {@link #bundle(Path)} with another name and prototypes seed: another version, as a
   * site's retrained or adapted bundle would be.
   */
  public static Bundle bundle(Path out, String name, long seed) throws IOException {
    Files.createDirectories(out.getParent());
    Path protos =
        writePrototypes(out.resolveSibling(out.getFileName() + "-prototypes.f32"), 6, D, seed);
    return Bundles.create(
            out,
            new Bundles.Recipe(
                name,
                backbone(),
                protos,
                Bundle.DEFAULT_CLASSES,
                Bundle.DEFAULT_HIGH_GRADE,
                2,
                1,
                Double.POSITIVE_INFINITY,
                new PreprocessingSpec(SIZE, 0.5, 99.5, 0.1, "bilinear", 0.1937, 0.142),
                new Provenance(
                    "test", java.time.LocalDate.of(2026, 1, 2), java.util.Map.of(), false, null),
                Double.NaN))
        .bundle();
  }

  /** K x D seeded random prototypes as a float32 little-endian file. */
  public static Path writePrototypes(Path file, int k, int d, long seed) throws IOException {
    Random r = new Random(seed);
    ByteBuffer b = ByteBuffer.allocate(4 * k * d).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < k * d; i++) {
      b.putFloat((float) r.nextGaussian());
    }
    Files.write(file, b.array());
    return file;
  }
}
