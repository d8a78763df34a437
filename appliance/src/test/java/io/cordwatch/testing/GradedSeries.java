package io.cordwatch.testing;

import io.cordwatch.store.Index;
import io.cordwatch.store.Records.InstanceRow;
import io.cordwatch.store.Records.JobRow;
import io.cordwatch.store.Records.SliceRow;
import io.cordwatch.store.ShadowResults;
import java.util.List;

/**
 * Writes into a real index what the appliance leaves after grading a one-slice series with the
 * active model and then with a shadow bundle: for tests of what is built on those rows (the shadow
 * report, the shadow tables), without grading images.
 */
public final class GradedSeries {
  /** The shadow bundle the rows name. */
  public static final String SHADOW_ID = "candidate-0123456789ab";

  public static final String SHADOW_SHA = "ab".repeat(32);

  private GradedSeries() {}

  /** Study {@code 1.2.3.N}, series {@code 1.2.3.N.1}, its one slice {@code 1.2.3.N.1.1}. */
  public static String study(int n) {
    return "1.2.3." + n;
  }

  public static String series(int n) {
    return study(n) + ".1";
  }

  public static String sop(int n) {
    return series(n) + ".1";
  }

  /**
   * Study {@code n} graded {@code active} by the active model ("active-model", sha "cd..."), and
   * {@code shadow} by {@link #SHADOW_ID}; null for a model that gave the series no grade. Each
   * grade is also the slice's grade, called high from 1c on.
   */
  public static void graded(Index index, int n, String active, String shadow) {
    index.recordInstance(
        new InstanceRow(
            0,
            sop(n),
            "1.2.840.10008.5.1.4.1.1.4",
            study(n),
            series(n),
            "1.2.840.10008.1.2.1",
            "spool/" + n + ".dcm",
            1,
            "00",
            n,
            "AE",
            "{}"),
        "MR",
        1,
        "AX T2");
    index.completeSeries(series(n), 10L + n, true, "selected", List.of());
    JobRow job = index.claimJob(100L + n).orElseThrow();
    index.finishJob(
        job,
        "{\"grade\":"
            + quoted(active)
            + ",\"group\":\""
            + group(active)
            + "\",\"model\":{\"name\":\"active-model\",\"bundle_sha256\":\""
            + "cd".repeat(32)
            + "\"}}",
        List.of(
            new SliceRow(
                0,
                sop(n),
                0,
                active == null ? "no_roi" : "graded",
                active,
                null,
                null,
                0.1,
                false,
                null,
                "supplied",
                active == null ? null : high(active) ? 0.9 : 0.1,
                active == null ? null : high(active))),
        200L + n);
    index
        .shadowResults()
        .add(
            new ShadowResults.Row(
                0,
                study(n),
                series(n),
                SHADOW_ID,
                SHADOW_SHA,
                shadow,
                group(shadow),
                shadow == null ? "nothing_graded" : null,
                "{\"grade\":" + quoted(shadow) + "}",
                "[{\"sop_instance_uid\":\""
                    + sop(n)
                    + "\",\"frame\":0,\"status\":\""
                    + (shadow == null ? "no_roi" : "graded")
                    + "\",\"grade\":"
                    + quoted(shadow)
                    + ",\"p_high\":null,\"high_call\":"
                    + (shadow == null ? "null" : high(shadow))
                    + "}]",
                1_000L * n));
  }

  private static boolean high(String grade) {
    return List.of("1c", "2", "3").contains(grade);
  }

  private static String group(String grade) {
    return grade == null ? "indeterminate" : high(grade) ? "high" : "low";
  }

  private static String quoted(String s) {
    return s == null ? "null" : "\"" + s + "\"";
  }
}
