package io.cordwatch.dicom;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Where the test inputs made outside the project live. The build tells the tests through the {@code
 * cordwatch.fixtures} system property (the {@code shared/} folder beside the checkout); a clone
 * elsewhere can name it with the {@code CORDWATCH_FIXTURES} environment variable; a run without
 * either (an IDE) finds {@code shared/fixtures} beside the project root, the nearest folder above
 * the working directory that holds {@code install/cordwatch}. No machine path is assumed.
 */
public final class Fixtures {
  private static final Path PYDICOM_TEST_FILES =
      Path.of("/usr/lib/python3/dist-packages/pydicom/data/test_files");

  private Fixtures() {}

  /** The shared fixtures folder ({@code shared/fixtures}). */
  public static Path root() {
    java.util.List<String> candidates = new java.util.ArrayList<>();
    candidates.add(System.getProperty("cordwatch.fixtures"));
    candidates.add(System.getenv("CORDWATCH_FIXTURES"));
    candidates.add(besideProjectRoot());
    for (String c : candidates) {
      if (c != null && !c.isBlank() && Files.isDirectory(Path.of(c))) {
        return Path.of(c).toAbsolutePath().normalize();
      }
    }
    throw new IllegalStateException(
        "shared fixtures not found: set CORDWATCH_FIXTURES to the shared/fixtures folder (tried "
            + candidates
            + ")");
  }

  /** {@code ../shared/fixtures} from the project root, as the pom names it; null outside one. */
  private static String besideProjectRoot() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("install/cordwatch")) && d.getParent() != null) {
        return d.resolveSibling("shared").resolve("fixtures").toString();
      }
    }
    return null;
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
