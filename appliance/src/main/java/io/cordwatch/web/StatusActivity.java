package io.cordwatch.web;

import io.cordwatch.store.Activity;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The status page's last day in hourly buckets: studies that arrived, verdicts stored and how long
 * each took after its series' last instance (the median and the longest of the hour), the time
 * since the newest instance arrived, and traffic per calling AE. Numbers and AE titles only: an AE
 * title names a device, and nothing here comes from the images.
 *
 * <p>The buckets are whole hours of the appliance's clock, the newest one the hour still running,
 * so a bar does not slide under a person's eyes between two refreshes.
 */
final class StatusActivity {
  /** How many hourly buckets the charts show: the last day. */
  static final int HOURS = 24;

  private StatusActivity() {}

  /**
   * The activity part of the status.
   *
   * @param lastStudyAt when the newest instance of any study arrived (ISO-8601), or null
   * @param secondsSinceLastStudy how long ago that was, or null with nothing received
   * @param hours {@link #HOURS} buckets, oldest first, the last one the hour running now
   * @param callers instances and studies per calling AE over the same day, busiest first
   */
  record View(
      String lastStudyAt, Long secondsSinceLastStudy, List<Hour> hours, List<Caller> callers) {}

  /**
   * One hour.
   *
   * @param start the hour's start (ISO-8601)
   * @param studies studies that first arrived in it
   * @param verdicts verdicts stored in it
   * @param latencyMedianSeconds the median last-instance-to-verdict time of those, or null
   * @param latencyMaxSeconds the longest of those, or null
   */
  record Hour(
      String start,
      int studies,
      int verdicts,
      Double latencyMedianSeconds,
      Double latencyMaxSeconds) {}

  /** One calling AE over the day (a null title: the peer sent none we recorded). */
  record Caller(String aeTitle, long instances, long studies) {}

  /** The first instant the window covers at {@code now}: the start of the hour 23 hours ago. */
  static long windowStart(Instant now) {
    return now.truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(HOURS - 1)).toEpochMilli();
  }

  static View of(Activity a, Instant now) {
    long start = windowStart(now);
    long hourMs = Duration.ofHours(1).toMillis();
    int[] studies = new int[HOURS];
    List<List<Long>> latencies = new ArrayList<>(HOURS);
    for (int i = 0; i < HOURS; i++) {
      latencies.add(new ArrayList<>());
    }
    for (long t : a.studyArrivals()) {
      int i = bucket(t, start, hourMs);
      if (i >= 0) {
        studies[i]++;
      }
    }
    for (Activity.Latency l : a.verdicts()) {
      int i = bucket(l.gradedMs(), start, hourMs);
      if (i >= 0) {
        latencies.get(i).add(l.latencyMs());
      }
    }
    List<Hour> hours = new ArrayList<>(HOURS);
    for (int i = 0; i < HOURS; i++) {
      List<Long> l = latencies.get(i);
      l.sort(null);
      hours.add(
          new Hour(
              Instant.ofEpochMilli(start + i * hourMs).toString(),
              studies[i],
              l.size(),
              l.isEmpty() ? null : median(l) / 1000.0,
              l.isEmpty() ? null : l.getLast() / 1000.0));
    }
    Long last = a.lastReceivedMs();
    return new View(
        last == null ? null : Instant.ofEpochMilli(last).toString(),
        last == null ? null : Math.max(0, (now.toEpochMilli() - last) / 1000),
        hours,
        a.callers().stream()
            .map(c -> new Caller(c.aeTitle(), c.instances(), c.studies()))
            .toList());
  }

  private static int bucket(long t, long start, long hourMs) {
    long i = Math.floorDiv(t - start, hourMs);
    return i < 0 || i >= HOURS ? -1 : (int) i;
  }

  /** The median of sorted values: the mean of the middle two for an even count. */
  static double median(List<Long> sorted) {
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
  }
}
