package io.cordwatch.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.dicom.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cordwatch realspine --sources}: sets from disjoint volumes. */
class RealSpineCommandTest {
  @TempDir Path tmp;

  private static String fixtures() {
    return Fixtures.root().resolve("real-spine").toString();
  }

  @Test
  void unknownSourceIsRefusedNamingTheValidOnes() {
    Path out = tmp.resolve("x");
    CliRun r =
        CliRun.run(
            "realspine", "--fixtures", fixtures(), "--out", out.toString(), "--sources", "t2_ms");
    assertEquals(2, r.exit(), r::all);
    assertTrue(r.err().contains("unknown source 't2_ms'"), r::all);
    assertTrue(
        r.err()
            .contains(
                "valid sources: cervical-axial-t2star, cervical-3d-t2-crop, lumbar-3d-t2,"
                    + " pam50-template-t2"),
        r::all);
    assertFalse(Files.exists(out), "nothing written");
  }

  @Test
  void writesAndListsOnlyTheChosenSourcesWithTheSameBytesAsInALargerSet() throws IOException {
    Path one = tmp.resolve("one");
    Path two = tmp.resolve("two");
    CliRun a =
        CliRun.run(
            "realspine",
            "--fixtures",
            fixtures(),
            "--out",
            one.toString(),
            "--sources",
            "cervical-3d-t2-crop");
    CliRun b =
        CliRun.run(
            "realspine",
            "--fixtures",
            fixtures(),
            "--out",
            two.toString(),
            "--sources",
            "cervical-axial-t2star, cervical-3d-t2-crop");
    assertEquals(0, a.exit(), a::all);
    assertEquals(0, b.exit(), b::all);
    try (var s = Files.list(one)) {
      assertEquals(
          List.of("SOURCES.md", "labels.csv", "normal-cervical-3d-t2-crop", "sources.csv"),
          s.map(p -> p.getFileName().toString()).sorted().toList());
    }
    List<String> csv = Files.readAllLines(one.resolve("sources.csv"));
    assertEquals(2, csv.size(), csv::toString);
    assertTrue(csv.get(1).startsWith("cervical-3d-t2-crop,"), csv::toString);
    assertFalse(Files.readString(one.resolve("SOURCES.md")).contains("lumbar-3d-t2"));
    assertEquals(3, Files.readAllLines(two.resolve("sources.csv")).size());
    assertArrayEquals(
        Files.readAllBytes(one.resolve("normal-cervical-3d-t2-crop/IM-0027.dcm")),
        Files.readAllBytes(two.resolve("normal-cervical-3d-t2-crop/IM-0027.dcm")));
    List<String> rows = Files.readAllLines(two.resolve("labels.csv"));
    for (String row : Files.readAllLines(one.resolve("labels.csv"))) {
      assertTrue(rows.contains(row), row);
    }
  }
}
