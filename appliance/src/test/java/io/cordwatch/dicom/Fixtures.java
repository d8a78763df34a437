package io.cordwatch.dicom;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Where the test inputs made outside the project live. The build tells the tests through the {@code
 * cordwatch.fixtures} system property; running a test from an IDE without it falls back to the
 * shared checkout location.
 */
public final class Fixtures {
  private static final Path PYDICOM_TEST_FILES =
      Path.of("/usr/lib/python3/dist-packages/pydicom/data/test_files");

  private Fixtures() {}

  /** The shared fixtures folder ({@code shared/fixtures}). */
  public static Path root() {
    String configured = System.getProperty("cordwatch.fixtures");
    Path root =
        configured == null || configured.isBlank()
            ? Path.of("/work/shared/fixtures")
            : Path.of(configured);
    return root.toAbsolutePath().normalize();
  }

  /** A file under {@code real-dicom/}, which must exist: the suite is meaningless without it. */
  public static Path realDicom(String relative) {
    Path p = root().resolve("real-dicom").resolve(relative);
    assertTrue(Files.isRegularFile(p), "missing fixture " + p + " (see fixtures/README.md)");
    return p;
  }

  /**
   * A file from Debian's python3-pydicom test data. The launcher installs it; where it is absent
   * the test is skipped with a message rather than failed, since it is not ours to ship.
   */
  public static Path pydicom(String name) {
    Path p = PYDICOM_TEST_FILES.resolve(name);
    Assumptions.assumeTrue(
        Files.isRegularFile(p), "python3-pydicom test data not installed: " + p + " missing");
    return p;
  }
}
