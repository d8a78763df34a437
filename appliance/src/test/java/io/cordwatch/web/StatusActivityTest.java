package io.cordwatch.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.store.Activity;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The last day in hourly buckets, and the two charts drawn from it. */
class StatusActivityTest {
  private static final Instant NOW = Instant.parse("2026-03-02T10:20:00Z");
  private static final long HOUR = 3_600_000L;

  @Test
  void bucketsAreWholeHoursEndingWithTheOneRunningNow() {
    long start = StatusActivity.windowStart(NOW);
    assertEquals(Instant.parse("2026-03-01T11:00:00Z").toEpochMilli(), start);

    StatusActivity.View v =
        StatusActivity.of(
            new Activity(
                start,
                List.of(start, start + 10, NOW.toEpochMilli() - 1),
                List.of(
                    new Activity.Latency(NOW.toEpochMilli() - 5, 4_000),
                    new Activity.Latency(NOW.toEpochMilli() - 4, 10_000),
                    new Activity.Latency(NOW.toEpochMilli() - 3, 6_000),
                    new Activity.Latency(NOW.toEpochMilli() - 2, 30_000),
                    new Activity.Latency(start + 5 * HOUR, 2_000)),
                NOW.toEpochMilli() - 65_000,
                List.of(new Activity.Caller("MRI_A", 40, 2))),
            NOW);

    assertEquals(StatusActivity.HOURS, v.hours().size());
    assertEquals("2026-03-01T11:00:00Z", v.hours().getFirst().start());
    assertEquals("2026-03-02T10:00:00Z", v.hours().getLast().start());
    assertEquals(2, v.hours().getFirst().studies());
    assertEquals(1, v.hours().getLast().studies());
    assertEquals(4, v.hours().getLast().verdicts());
    assertEquals(8.0, v.hours().getLast().latencyMedianSeconds(), "median of 4, 6, 10, 30 s");
    assertEquals(30.0, v.hours().getLast().latencyMaxSeconds());
    assertEquals(2.0, v.hours().get(5).latencyMedianSeconds());
    assertNull(v.hours().get(1).latencyMedianSeconds(), "an hour without verdicts has no latency");
    assertEquals(65L, v.secondsSinceLastStudy());
    assertEquals("MRI_A", v.callers().getFirst().aeTitle());
  }

  @Test
  void nothingReceivedHasNoLastStudyAndEmptyHours() {
    StatusActivity.View v =
        StatusActivity.of(new Activity(0, List.of(), List.of(), null, List.of()), NOW);

    assertNull(v.lastStudyAt());
    assertNull(v.secondsSinceLastStudy());
    assertTrue(v.hours().stream().allMatch(h -> h.studies() == 0 && h.verdicts() == 0));
  }

  @Test
  void chartsAreInlineSvgWithABarAndItsFigurePerHourAndNoStyleAttribute() {
    long start = StatusActivity.windowStart(NOW);
    StatusActivity.View v =
        StatusActivity.of(
            new Activity(
                start,
                List.of(start, start + 1, start + 23 * HOUR),
                List.of(new Activity.Latency(start + 23 * HOUR, 12_000)),
                start,
                List.of()),
            NOW);
    Html h = new Html();

    StatusCharts.studiesPerHour(h, v.hours(), ZoneOffset.UTC);
    StatusCharts.latencyPerHour(h, v.hours(), ZoneOffset.UTC);
    String svg = h.toString();

    assertEquals(2, count(svg, "<svg "));
    assertEquals(2 * StatusActivity.HOURS, count(svg, "<rect class=\"bar\""));
    assertTrue(svg.contains("<title>11:00: 2 studies</title>"), svg);
    assertTrue(svg.contains("<title>10:00: 1 study</title>"), svg);
    assertTrue(svg.contains("<title>10:00: 1 verdict, median 12 s, longest 12 s</title>"), svg);
    assertTrue(svg.contains("<title>12:00: no verdicts</title>"), svg);
    assertEquals(1, count(svg, "<line class=\"tick\""), "one tick for the one hour with verdicts");
    assertFalse(svg.contains("style="), "the Content-Security-Policy refuses inline styles");
    assertTrue(svg.contains("height=\"96.0\""), "the busiest hour fills the plot: " + svg);
  }

  @Test
  void durationsReadAsPeopleSayThem() {
    assertEquals("42 s", StatusCharts.seconds(42.0));
    assertEquals("3.5 min", StatusCharts.seconds(210.0));
    assertEquals("2.0 h", StatusCharts.seconds(7200.0));
    assertEquals("\u2013", StatusCharts.seconds(null));
  }

  private static long count(String s, String literal) {
    return Pattern.compile(Pattern.quote(literal)).matcher(s).results().count();
  }
}
