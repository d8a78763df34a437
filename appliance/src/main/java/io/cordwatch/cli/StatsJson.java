package io.cordwatch.cli;

import io.cordwatch.stats.Interval;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** How agreement statistics are written by {@code agreement} and {@code evaluate}. */
final class StatsJson {
  private StatsJson() {}

  /**
   * {@code {value, ci: [lower, upper]}} plus {@code se} where the method has one; an undefined
   * estimate is written as nulls, never as NaN (which is not JSON).
   */
  static Map<String, Object> interval(Interval i) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("value", finite(i.value()));
    if (!Double.isNaN(i.standardError()) || !i.defined()) {
      m.put("se", finite(i.standardError()));
    }
    List<Double> ci = new ArrayList<>();
    ci.add(finite(i.lower()));
    ci.add(finite(i.upper()));
    m.put("ci", ci);
    return m;
  }

  static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }

  /** "0.849 (95% CI 0.764-0.935)", or "undefined (why)". */
  static String text(Interval i, String undefinedWhy) {
    if (!i.defined()) {
      return "undefined (" + undefinedWhy + ")";
    }
    if (Double.isNaN(i.lower())) {
      return String.format(Locale.ROOT, "%.3f (no interval)", i.value());
    }
    return String.format(
        Locale.ROOT, "%.3f (95%% CI %.3f to %.3f)", i.value(), i.lower(), i.upper());
  }
}
