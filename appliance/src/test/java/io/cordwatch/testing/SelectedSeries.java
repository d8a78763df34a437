package io.cordwatch.testing;

import io.cordwatch.store.Index;
import io.cordwatch.store.Records.InstanceRow;
import java.util.List;

/**
 * Writes into a real index what receiving and selection leave for one axial MR series of one
 * instance: the instance row, and the series complete and selected, so its grading job is queued.
 * For tests of what comes after (jobs, verdicts, the outbox, audit, migrations) without receiving
 * images.
 */
public final class SelectedSeries {
  /** The study, series and instance {@link #queue(Index)} writes. */
  public static final String STUDY = "1.2.3";

  public static final String SERIES = "1.2.3.9";

  public static final String SOP = "1.2.3.1";

  private SelectedSeries() {}

  /** Study {@link #STUDY}, series {@link #SERIES}, instance {@link #SOP}, completed at 2 ms. */
  public static void queue(Index index) {
    queue(index, STUDY, SERIES, SOP, 2);
  }

  /** The series {@code seriesUid} of {@code studyUid}, holding {@code sopUid}, completed at. */
  public static void queue(
      Index index, String studyUid, String seriesUid, String sopUid, long completedMs) {
    index.recordInstance(
        new InstanceRow(
            0,
            sopUid,
            "1.2.840.10008.5.1.4.1.1.4",
            studyUid,
            seriesUid,
            "1.2.840.10008.1.2.1",
            "spool/a.dcm",
            1,
            "00",
            1,
            "AE",
            "{}"),
        "MR",
        1,
        "AX T2");
    index.completeSeries(seriesUid, completedMs, true, "selected", List.of());
  }
}
