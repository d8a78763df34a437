package io.cordwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cordwatch.infer.PhantomLocalizer;
import io.cordwatch.phantom.Phantom;
import io.cordwatch.phantom.StudyPlan;
import io.cordwatch.roi.CanalBox;
import io.cordwatch.roi.SuppliedBoxes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cordwatch grade} with a bundle that carries a trained localizer: without {@code --boxes}
 * the localizer boxes every slice (and the boxes match the phantom's labels); with {@code --boxes}
 * the supplied boxes win where they exist and the localizer fills in the rest.
 */
class GradeWithLocalizerTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path tmp;
  static Path bundle;
  static Path phantom;
  static SuppliedBoxes labels;

  @BeforeAll
  static void studyAndBundle() throws Exception {
    bundle = tmp.resolve("bundle");
    PhantomLocalizer.bundle(bundle);
    phantom = tmp.resolve("phantom");
    Phantom.generate(
        new Phantom.Options(phantom, 1, 11, StudyPlan.Style.INTERNAL, 12, false, false));
    labels = SuppliedBoxes.load(phantom.resolve("labels.csv"));
  }

  @Test
  void theLocalizerBoxesEverySliceWhenNoBoxesAreGiven() throws Exception {
    CliRun r =
        CliRun.run(
            "grade",
            phantom.resolve("study-0001").toString(),
            "--bundle",
            bundle.toString(),
            "--json");
    assertEquals(0, r.exit(), r::all);
    JsonNode axial = gradedSeries(JSON.readTree(r.out()));
    assertEquals(12, axial.path("slices").size());
    int close = 0;
    for (JsonNode s : axial.path("slices")) {
      assertEquals("graded", s.path("status").asText(), s.toString());
      assertEquals("localizer", s.path("box_source").asText(), s.toString());
      JsonNode b = s.path("box");
      CanalBox found =
          new CanalBox(
              b.path("x0").asInt(),
              b.path("y0").asInt(),
              b.path("x1").asInt(),
              b.path("y1").asInt());
      CanalBox label = labels.box(s.path("sop_instance_uid").asText(), 1).orElseThrow();
      if (found.iou(label) >= 0.8) {
        close++;
      }
    }
    assertTrue(close >= 11, close + " of 12 boxes with IoU >= 0.8");
    assertTrue(axial.path("verdict").path("timings").has("localize_ms"), axial.toString());
  }

  @Test
  void suppliedBoxesWinAndTheLocalizerFillsTheRest() throws Exception {
    List<String> rows = Files.readAllLines(phantom.resolve("labels.csv"));
    Path some = tmp.resolve("some-labels.csv");
    Files.write(some, rows.subList(0, 1 + 5)); // header and 5 of the 12 slices
    CliRun r =
        CliRun.run(
            "grade",
            phantom.resolve("study-0001").toString(),
            "--bundle",
            bundle.toString(),
            "--boxes",
            some.toString(),
            "--json");
    assertEquals(0, r.exit(), r::all);
    SuppliedBoxes given = SuppliedBoxes.load(some);
    int supplied = 0;
    int localized = 0;
    for (JsonNode s : gradedSeries(JSON.readTree(r.out())).path("slices")) {
      boolean wasGiven = given.box(s.path("sop_instance_uid").asText(), 1).isPresent();
      assertEquals(
          wasGiven ? "supplied" : "localizer", s.path("box_source").asText(), s.toString());
      if (wasGiven) {
        supplied++;
      } else {
        localized++;
      }
    }
    assertEquals(5, supplied);
    assertEquals(7, localized);

    CliRun table =
        CliRun.run(
            "grade", phantom.resolve("study-0001").toString(), "--bundle", bundle.toString());
    assertEquals(0, table.exit(), table::all);
    assertTrue(table.out().contains("(localizer)"), table.out());
  }

  private static JsonNode gradedSeries(JsonNode doc) {
    for (JsonNode s : doc.path("studies").get(0).path("series")) {
      if (!s.path("verdict").isNull()) {
        return s;
      }
    }
    throw new AssertionError("no graded series in " + doc);
  }
}
