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
 * <p>The queries scan the window's rows without an index of their own: the window is a day, the
 * status page asks at most about once a second, and a schema step for a wall screen is not worth a
 * migration that every other helper must renumber around.
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
                + " WHERE received_ms >= ? GROUP BY calling_ae ORDER BY count(*) DESC, calling_ae",
            rs -> new Caller(rs.getString(1), rs.getLong(2), rs.getLong(3)),
            sinceMs);
    return new Activity(sinceMs, arrivals, verdicts, last, callers);
  }
}
