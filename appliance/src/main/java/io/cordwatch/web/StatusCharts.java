package io.cordwatch.web;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The status page's two small charts of the last day, drawn on the server as inline SVG: studies
 * per hour, and last-instance-to-verdict latency per hour (the bar is the hour's median, the tick
 * above it the longest). No library and no script: the page must draw on a locked-down ward PC, and
 * the Content-Security-Policy refuses inline styles, so colours come from classes in the one
 * stylesheet. Every bar carries a {@code <title>} with its figure, which browsers show on hover and
 * screen readers read.
 */
final class StatusCharts {
  static final int WIDTH = 480;
  static final int HEIGHT = 120;
  private static final int LEFT = 44;
  private static final int BOTTOM = 18;
  private static final int TOP = 6;
  private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("HH:mm");

  private StatusCharts() {}

  /** Studies that arrived in each hour of the last day. */
  static void studiesPerHour(Html h, List<StatusActivity.Hour> hours, ZoneId zone) {
    double max = hours.stream().mapToInt(StatusActivity.Hour::studies).max().orElse(0);
    chart(
        h,
        "studies",
        "Studies received per hour, last 24 hours",
        hours,
        zone,
        Math.max(1, max),
        Integer.toString((int) Math.max(1, max)),
        x -> (double) x.studies(),
        x -> null,
        x -> x.studies() + (x.studies() == 1 ? " study" : " studies"));
  }

  /** Median and longest last-instance-to-verdict time of the verdicts stored in each hour. */
  static void latencyPerHour(Html h, List<StatusActivity.Hour> hours, ZoneId zone) {
    double max =
        hours.stream()
            .map(StatusActivity.Hour::latencyMaxSeconds)
            .filter(v -> v != null)
            .mapToDouble(Double::doubleValue)
            .max()
            .orElse(0);
    chart(
        h,
        "latency",
        "Last image to verdict per hour, last 24 hours (bar: median, tick: longest)",
        hours,
        zone,
        Math.max(1, max),
        seconds(Math.max(1, max)),
        StatusActivity.Hour::latencyMedianSeconds,
        StatusActivity.Hour::latencyMaxSeconds,
        x ->
            x.verdicts() == 0
                ? "no verdicts"
                : x.verdicts()
                    + (x.verdicts() == 1 ? " verdict" : " verdicts")
                    + ", median "
                    + seconds(x.latencyMedianSeconds())
                    + ", longest "
                    + seconds(x.latencyMaxSeconds()));
  }

  private static void chart(
      Html h,
      String kind,
      String label,
      List<StatusActivity.Hour> hours,
      ZoneId zone,
      double max,
      String maxLabel,
      Function<StatusActivity.Hour, Double> bar,
      Function<StatusActivity.Hour, Double> tick,
      Function<StatusActivity.Hour, String> words) {
    int plotW = WIDTH - LEFT;
    int plotH = HEIGHT - BOTTOM - TOP;
    double slot = (double) plotW / Math.max(1, hours.size());
    h.raw("<svg class=\"chart " + kind + "\" viewBox=\"0 0 " + WIDTH + " " + HEIGHT + "\"")
        .raw(" width=\"" + WIDTH + "\" height=\"" + HEIGHT + "\" role=\"img\" aria-label=\"")
        .text(label)
        .raw("\">\n");
    h.raw("<line class=\"axis\" x1=\"" + LEFT + "\" y1=\"" + (TOP + plotH) + "\" x2=\"" + WIDTH)
        .raw("\" y2=\"" + (TOP + plotH) + "\"/>\n");
    h.raw("<text class=\"label\" x=\"" + (LEFT - 4) + "\" y=\"" + (TOP + 10))
        .raw("\" text-anchor=\"end\">")
        .text(maxLabel)
        .raw("</text>\n");
    h.raw("<text class=\"label\" x=\"" + (LEFT - 4) + "\" y=\"" + (TOP + plotH))
        .raw("\" text-anchor=\"end\">0</text>\n");
    for (int i = 0; i < hours.size(); i++) {
      StatusActivity.Hour hour = hours.get(i);
      double x = LEFT + i * slot;
      String start = HOUR.format(Instant.parse(hour.start()).atZone(zone));
      Double v = bar.apply(hour);
      double barH = v == null ? 0 : plotH * Math.min(1, v / max);
      h.raw("<rect class=\"bar\" x=\"" + num(x + 1) + "\" y=\"" + num(TOP + plotH - barH))
          .raw("\" width=\"" + num(Math.max(1, slot - 2)) + "\" height=\"" + num(barH) + "\">")
          .raw("<title>")
          .text(start + ": " + words.apply(hour))
          .raw("</title></rect>\n");
      Double t = tick.apply(hour);
      if (t != null) {
        double y = TOP + plotH - plotH * Math.min(1, t / max);
        h.raw("<line class=\"tick\" x1=\"" + num(x + 1) + "\" y1=\"" + num(y))
            .raw("\" x2=\"" + num(x + slot - 1) + "\" y2=\"" + num(y) + "\"/>\n");
      }
      if (i % 6 == 0) {
        h.raw("<text class=\"label\" x=\"" + num(x + 1) + "\" y=\"" + HEIGHT + "\">")
            .text(start)
            .raw("</text>\n");
      }
    }
    h.raw("</svg>\n");
  }

  /** A duration as people read it on a wall screen: "42 s", "3.5 min", "1.2 h". */
  static String seconds(Double s) {
    if (s == null) {
      return "\u2013";
    }
    if (s < 90) {
      return String.format(Locale.ROOT, "%.0f s", s);
    }
    if (s < 5400) {
      return String.format(Locale.ROOT, "%.1f min", s / 60);
    }
    return String.format(Locale.ROOT, "%.1f h", s / 3600);
  }

  private static String num(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }
}
