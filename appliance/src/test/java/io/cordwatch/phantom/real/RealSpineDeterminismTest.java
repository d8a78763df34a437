package io.cordwatch.phantom.real;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same seed writes the same bytes. */
class RealSpineDeterminismTest {
  @Test
  void sameSeedWritesSameBytes(@TempDir Path tmp) throws IOException {
    Path a = tmp.resolve("a");
    Path b = tmp.resolve("b");
    RealSpine.generate(new RealSpine.Options(RealSpineNiftiTest.dir(), a, 1, 9));
    RealSpine.generate(new RealSpine.Options(RealSpineNiftiTest.dir(), b, 1, 9));
    assertEquals(
        Files.readString(a.resolve("labels.csv")), Files.readString(b.resolve("labels.csv")));
    for (String f :
        new String[] {
          "normal-cervical-3d-t2-crop/IM-0027.dcm",
          "lesion-cervical-3d-t2-crop-1/IM-0027.dcm",
          "lesion-pam50-template-t2-1/IM-0100.dcm",
          "sources.csv"
        }) {
      assertArrayEquals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(b.resolve(f)), f);
    }
  }
}
