package io.cordwatch.web;

import java.util.List;
import java.util.Locale;

/**
 * The three things that decide whether the appliance can take a study now: it can commit to its
 * index, it has disk above the reserve, and its DICOM listener accepts connections. Shared by
 * /observe/health and the status page so that the page never says OK while a probe says DOWN.
 */
final class HealthChecks {
  static final String UP = "UP";
  static final String DOWN = "DOWN";

  record Check(String name, String status, String detail) {
    boolean up() {
      return UP.equals(status);
    }
  }

  record Health(String status, List<Check> checks) {
    boolean up() {
      return UP.equals(status);
    }
  }

  private HealthChecks() {}

  static Health run(WebContext ctx) {
    return with(ctx, database(ctx));
  }

  /**
   * The checks with {@code database} as already taken (the status page shares one a second, {@link
   * StatusSnapshot}), disk and listener read now.
   */
  static Health with(WebContext ctx, Check database) {
    List<Check> checks = List.of(database, disk(ctx), dicomListener(ctx));
    return new Health(checks.stream().allMatch(Check::up) ? UP : DOWN, checks);
  }

  /** Whether the index takes a trial write transaction now (on the writing connection). */
  static Check database(WebContext ctx) {
    try {
      return ctx.index().writable()
          ? new Check("database", UP, "index accepts writes")
          : new Check("database", DOWN, "index does not accept writes; received data is refused");
    } catch (RuntimeException e) {
      // A closed or broken index is a DOWN answer, not a failed probe: the prober needs the 503.
      return new Check("database", DOWN, "index unavailable: " + e.getMessage());
    }
  }

  private static Check disk(WebContext ctx) {
    Views.DiskView d = Views.disk(ctx);
    String numbers = "free " + gb(d.freeBytes()) + ", reserve " + gb(d.reserveBytes());
    return d.belowReserve()
        ? new Check("disk", DOWN, numbers + "; new data is refused until space is freed")
        : new Check("disk", UP, numbers);
  }

  private static Check dicomListener(WebContext ctx) {
    String where =
        ctx.config().bind() + ":" + ctx.dicomPort().getAsInt() + " as " + ctx.config().aeTitle();
    return ctx.dicomListening().getAsBoolean()
        ? new Check("dicom_listener", UP, "listening on " + where)
        : new Check("dicom_listener", DOWN, "not listening (configured " + where + ")");
  }

  /** Decimal gigabytes, as disk vendors and operating systems show free space to operators. */
  static String gb(long bytes) {
    return String.format(Locale.ROOT, "%.1f GB", bytes / 1e9);
  }
}
