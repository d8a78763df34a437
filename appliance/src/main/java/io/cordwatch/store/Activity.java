package io.cordwatch.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * What the appliance did over a recent window, in numbers only, for the status page's charts: when
 * studies arrived, how long each verdict took after its series' last instance, and how many
 * instances each calling AE sent. AE titles name devices, not people, and nothing else here comes
 * from the images, so the status page may show all of it to anyone.
 *
 * <p>No index of its own (a schema step for a wall screen is not worth a migration): studies and
 * verdicts are a few rows per study and are scanned; instances, thousands per study, are read only
 * in the day's id range ({@link #firstInstanceSince}).
 *
 * @param sinceMs the window's start (inclusive)
 * @param studyArrivals when each study that first arrived in the window did so, oldest first
 * @param verdicts each verdict stored in the window: when, and how long after its series' last
 *     instance, oldest first
 * @param lastReceivedMs when the newest instance of any study arrived, or null with none stored
 * @param callers instances and studies received in the window per calling AE, busiest first
 */
public record Activity(
    long sinceMs,
    List<Long> studyArrivals,
    List<Latency> verdicts,
    Long lastReceivedMs,
    List<Caller> callers) {

  public Activity {
    studyArrivals = List.copyOf(studyArrivals);
    verdicts = List.copyOf(verdicts);
    callers = List.copyOf(callers);
  }

  /**
   * One verdict's timing.
   *
   * @param gradedMs when it was stored
   * @param latencyMs from the series' last received instance to then (never negative)
   */
  public record Latency(long gradedMs, long latencyMs) {}

  /**
   * One calling AE's traffic.
   *
   * @param aeTitle the calling AE title as the peer sent it (null when not recorded)
   * @param instances instances received from it in the window
   * @param studies distinct studies those instances belong to
   */
  public record Caller(String aeTitle, long instances, long studies) {}

  /** Reads the window starting at {@code sinceMs} on the query-only connection. */
  static Activity read(Connection c, long sinceMs) throws SQLException {
    List<Long> arrivals =
        Database.list(
            c,
            "SELECT first_received_ms FROM studies WHERE first_received_ms >= ?"
                + " ORDER BY first_received_ms",
            rs -> rs.getLong(1),
            sinceMs);
    List<Latency> verdicts =
        Database.list(
            c,
            "SELECT v.graded_ms, max(0, v.graded_ms - s.last_received_ms)"
                + " FROM verdicts v JOIN series s ON s.series_uid = v.series_uid"
                + " WHERE v.graded_ms >= ? ORDER BY v.graded_ms",
            rs -> new Latency(rs.getLong(1), rs.getLong(2)),
            sinceMs);
    // max() over no rows is one row holding NULL.
    Long last =
        Database.list(
                c,
                "SELECT max(last_received_ms) FROM studies",
                rs -> {
                  long v = rs.getLong(1);
                  return rs.wasNull() ? null : v;
                })
            .getFirst();
    List<Caller> callers =
        Database.list(
            c,
            "SELECT calling_ae, count(*), count(DISTINCT study_uid) FROM instances"
                + " WHERE id >= ? AND received_ms >= ?"
                + " GROUP BY calling_ae ORDER BY count(*) DESC, calling_ae",
            rs -> new Caller(rs.getString(1), rs.getLong(2), rs.getLong(3)),
            firstInstanceSince(c, sinceMs),
            sinceMs);
    return new Activity(sinceMs, arrivals, verdicts, last, callers);
  }

  /**
   * The lowest instance id received at or after {@code sinceMs}, found by bisecting the ids (O(log
   * n) primary-key lookups) rather than scanning every instance kept: ids grow in arrival order, so
   * the day's instances are one id range at the end of the table. An instance stored out of order
   * (a clock step back) may be left out of the figure; it is a chart, not a record.
   */
  private static long firstInstanceSince(Connection c, long sinceMs) throws SQLException {
    long lo = idAt(c, "SELECT coalesce(min(id), 0) FROM instances");
    long hi = idAt(c, "SELECT coalesce(max(id), 0) FROM instances") + 1;
    while (lo < hi) {
      long mid = lo + (hi - lo) / 2;
      // The first row at or after mid (ids have gaps where studies were removed).
      List<long[]> row =
          Database.list(
              c,
              "SELECT id, received_ms FROM instances WHERE id >= ? ORDER BY id LIMIT 1",
              rs -> new long[] {rs.getLong(1), rs.getLong(2)},
              mid);
      if (row.isEmpty() || row.getFirst()[1] >= sinceMs) {
        hi = mid;
      } else {
        lo = row.getFirst()[0] + 1;
      }
    }
    return lo;
  }

  private static long idAt(Connection c, String sql) throws SQLException {
    return Database.list(c, sql, rs -> rs.getLong(1)).getFirst();
  }
}
