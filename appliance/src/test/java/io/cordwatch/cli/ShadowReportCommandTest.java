package io.cordwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cordwatch.store.Index;
import io.cordwatch.store.Records.ReviewRow;
import io.cordwatch.testing.GradedSeries;
import io.cordwatch.testing.Sha256;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cordwatch bundle shadow-report} on an index holding five series graded by the active model
 * and a shadow bundle and four studies reviewed by readers; every figure checked below was worked
 * out by hand from the grades in {@link #fiveSeries}.
 */
class ShadowReportCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  /**
   * Active / shadow / reader grades: study 1: 3 / 3 / 3; study 2: 0 / 1a / 0; study 3: 2 / 0 / 2
   * (and the reader graded its slice 2); study 4: 1a / 1a / 0; study 5: 0 / no grade / none.
   */
  private Path fiveSeries() {
    Path data = tmp.resolve("data");
    try (Index index = Index.open(data.resolve("index.db"))) {
      GradedSeries.graded(index, 1, "3", "3");
      GradedSeries.graded(index, 2, "0", "1a");
      GradedSeries.graded(index, 3, "2", "0");
      GradedSeries.graded(index, 4, "1a", "1a");
      GradedSeries.graded(index, 5, "0", null);
      review(index, 1, null, "3");
      review(index, 2, null, "0");
      review(index, 3, null, "2");
      review(index, 4, null, "0");
      review(index, 3, GradedSeries.sop(3), "2");
    }
    return data;
  }

  private static void review(Index index, int n, String sop, String grade) {
    index.recordReview(
        new ReviewRow(
            0,
            GradedSeries.study(n),
            sop == null ? null : GradedSeries.series(n),
            sop,
            sop == null ? null : 0,
            ReviewRow.CONFIRM,
            grade,
            grade,
            "active-model",
            null,
            "carl",
            10_000L + n));
  }

  @Test
  void theReportsFiguresAreTheOnesWorkedOutByHand() throws Exception {
    Path data = fiveSeries();
    Path json = tmp.resolve("report.json");
    Path html = tmp.resolve("report.html");
    CliRun run =
        CliRun.run(
            "bundle",
            "shadow-report",
            "--data-dir",
            data.toString(),
            "--json",
            json.toString(),
            "--html",
            html.toString());
    assertEquals(0, run.exit(), run::all);
    assertTrue(run.out().contains("shadow bundle: " + GradedSeries.SHADOW_ID), run::all);
    assertTrue(run.out().contains("sensitivity 0.500"), run::all);

    JsonNode r = JSON.readTree(Files.readString(json));
    assertEquals(GradedSeries.SHADOW_ID, r.path("shadow_bundle").path("id").asText());
    assertEquals(GradedSeries.SHADOW_SHA, r.path("shadow_bundle").path("manifest_sha256").asText());
    assertEquals("active-model", r.path("active_bundles").get(0).path("name").asText());
    assertEquals(5, r.path("active_bundles").get(0).path("series").asInt());
    JsonNode d = r.path("data");
    assertEquals(5, d.path("series").asInt());
    assertEquals(5, d.path("studies").asInt());
    assertEquals(1, d.path("series_without_grade_shadow").asInt());
    assertEquals(0, d.path("series_without_grade_active").asInt());
    assertEquals("1970-01-01T00:00:01Z", d.path("first_graded").asText());
    assertEquals("1970-01-01T00:00:05Z", d.path("last_graded").asText());
    assertEquals(4, d.path("studies_reviewed").asInt());
    assertEquals(1, d.path("slices_reviewed").asInt());

    // Studies graded by both: 4 (study 5 has no shadow grade). Agreement on 2 of 6 grades:
    // p_a = 0.5; pi = 0: 2/8, 1a: 3/8, 2: 1/8, 3: 2/8; p_e = 0.71875 / 5 = 0.14375;
    // AC1 = 0.35625 / 0.85625.
    JsonNode studies = r.path("active_vs_shadow").path("studies");
    assertEquals(4, studies.path("n").asInt());
    assertEquals(0.35625 / 0.85625, studies.path("ac1").path("value").asDouble(), 1e-12);
    // High vs low: both high 1 (study 1), active only 1 (study 3), both low 2; p_a = 0.75,
    // pi_high = 3/8, p_e = 2 * 3/8 * 5/8 = 0.46875; AC1 = 0.28125 / 0.53125.
    JsonNode hl = studies.path("high_low");
    assertEquals(1, hl.path("counts").path("tp").asInt());
    assertEquals(1, hl.path("counts").path("fn").asInt());
    assertEquals(0, hl.path("counts").path("fp").asInt());
    assertEquals(2, hl.path("counts").path("tn").asInt());
    assertEquals(0.28125 / 0.53125, hl.path("ac1").path("value").asDouble(), 1e-12);
    // Series verdicts, rows active, columns shadow (high, low, indeterminate).
    assertEquals(
        "[[1,1,0],[0,2,1],[0,0,0]]",
        r.path("active_vs_shadow").path("series_verdicts").path("confusion_matrix").toString());
    // One slice per series: the slice table is the study table, study 5's slice not graded.
    JsonNode slices = r.path("active_vs_shadow").path("slices");
    assertEquals(4, slices.path("slices").path("n").asInt());
    assertEquals(
        0.35625 / 0.85625, slices.path("slices").path("ac1").path("value").asDouble(), 1e-12);
    assertEquals(1, slices.path("counts").path("not_graded").asInt());

    // Readers: high in studies 1 and 3. Active calls both high and 2, 4 low: 2/2 and 2/2.
    JsonNode active = r.path("active_vs_readers").path("studies");
    assertEquals(1.0, active.path("sensitivity").path("value").asDouble());
    assertEquals(1.0, active.path("specificity").path("value").asDouble());
    // Shadow misses study 3: sensitivity 1/2, specificity 2/2.
    JsonNode shadow = r.path("shadow_vs_readers").path("studies");
    assertEquals(1, shadow.path("counts").path("tp").asInt());
    assertEquals(1, shadow.path("counts").path("fn").asInt());
    assertEquals(0.5, shadow.path("sensitivity").path("value").asDouble());
    assertEquals(1.0, shadow.path("specificity").path("value").asDouble());
    // The reviewed slice (study 3, grade 2): active calls it high, the shadow does not.
    assertEquals(
        1.0,
        r.path("active_vs_readers")
            .path("slices")
            .path("slices")
            .path("high_low")
            .path("sensitivity")
            .path("value")
            .asDouble());
    assertEquals(
        0.0,
        r.path("shadow_vs_readers")
            .path("slices")
            .path("slices")
            .path("high_low")
            .path("sensitivity")
            .path("value")
            .asDouble());

    String page = Files.readString(html);
    assertTrue(page.contains(GradedSeries.SHADOW_ID), page);
    assertTrue(page.contains("Shadow against the readers"), page);
    assertTrue(page.contains("Sensitivity (1/2)"), page);
  }

  @Test
  void theReportReadsOnlyAndWorksWhileTheApplianceWrites() throws Exception {
    Path data = fiveSeries();
    // Stopped box (no WAL): the data directory is left byte for byte as it was.
    Map<String, String> before = Sha256.tree(data);
    CliRun stopped =
        CliRun.run(
            "bundle",
            "shadow-report",
            "--data-dir",
            data.toString(),
            "--json",
            tmp.resolve("r.json").toString());
    assertEquals(0, stopped.exit(), stopped::all);
    assertEquals(before, Sha256.tree(data), "shadow-report wrote nothing in the data directory");

    // Running box: the index held open by a writer (WAL mode, as the appliance holds it), which
    // commits a new series before the report reads.
    try (Index index = Index.open(data.resolve("index.db"))) {
      GradedSeries.graded(index, 6, "1b", "2");
      CliRun live = CliRun.run("bundle", "shadow-report", "--data-dir", data.toString());
      assertEquals(0, live.exit(), live::all);
      assertTrue(live.out().contains("6 series of 6 studies graded by both"), live::all);
    }
  }

  @Test
  void anIndexAtAnotherSchemaVersionIsRefusedNotMigrated() throws Exception {
    Path data = tmp.resolve("data");
    Index.open(data.resolve("index.db")).close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("index.db"));
        Statement s = c.createStatement()) {
      s.execute("INSERT INTO schema_version(version) VALUES (999)");
    }
    Map<String, String> before = Sha256.tree(data);
    CliRun run = CliRun.run("bundle", "shadow-report", "--data-dir", data.toString());
    assertEquals(1, run.exit(), run::all);
    assertTrue(run.err().contains("index schema version 999"), run::all);
    assertEquals(before, Sha256.tree(data));
  }

  @Test
  void withoutShadowFindingsItSaysHowToStartOne() {
    Path data = tmp.resolve("data");
    Index.open(data.resolve("index.db")).close();
    CliRun run = CliRun.run("bundle", "shadow-report", "--data-dir", data.toString());
    assertEquals(1, run.exit(), run::all);
    assertTrue(run.err().contains("cordwatch bundle shadow ID"), run::all);
    CliRun nowhere =
        CliRun.run("bundle", "shadow-report", "--data-dir", tmp.resolve("none").toString());
    assertEquals(1, nowhere.exit(), nowhere::all);
    assertTrue(nowhere.err().contains("no appliance index"), nowhere::all);
  }
}
