package io.cordwatch.app;

import io.cordwatch.Version;
import io.cordwatch.audit.AuditExporter;
import io.cordwatch.audit.AuditSource;
import io.cordwatch.audit.ClientTls;
import io.cordwatch.audit.Collector;
import io.cordwatch.config.ConfigException;
import io.cordwatch.config.Settings;
import io.cordwatch.store.Index;
import io.cordwatch.telemetry.Meters;
import io.cordwatch.tls.TlsSetupException;
import java.time.Clock;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * The appliance's own entries in the audit trail (application started and stopped: DICOM
 * Application Activity) and, with {@code audit-syslog}, the exporter that sends the whole trail to
 * the collector. Started right after the index opens and closed right before it closes, so the
 * trail brackets everything else the appliance does.
 */
final class AuditTrail implements AutoCloseable {
  /** How long an idle exporter waits before looking for new rows. */
  static final Duration POLL = Duration.ofSeconds(1);

  /**
   * The first wait after the collector could not be reached; it doubles up to {@link #RETRY_MAX}.
   */
  static final Duration RETRY_MIN = Duration.ofSeconds(1);

  static final Duration RETRY_MAX = Duration.ofMinutes(1);

  /** How long stopping waits for the last rows (application stopped) to reach the collector. */
  static final Duration DRAIN = Duration.ofSeconds(3);

  private final Index index;
  private final Clock clock;
  private final AuditExporter exporter;
  private final String who;
  private boolean closed;

  private AuditTrail(Index index, Clock clock, AuditExporter exporter, String who) {
    this.index = index;
    this.clock = clock;
    this.exporter = exporter;
    this.who = who;
  }

  /**
   * Writes the application-started row and makes the exporter when a collector is configured; the
   * exporter's thread starts only with {@link #export()}, once the rest of the appliance has
   * started, so a start-up that fails half-way leaves no sender thread behind.
   *
   * @throws ConfigException when {@code audit-syslog} or {@code audit-syslog-ca} cannot be used
   */
  static AuditTrail start(Settings settings, Index index, Meters meters, Clock clock) {
    AuditSource source = AuditSource.local(settings.aeTitle(), settings.auditSyslogAppName());
    AuditExporter exporter = null;
    if (!settings.auditSyslog().isEmpty()) {
      Collector collector;
      try {
        collector = Collector.parse(settings.auditSyslog());
      } catch (IllegalArgumentException e) {
        throw new ConfigException("audit-syslog: " + e.getMessage());
      }
      SSLContext tls = null;
      if (collector.transport().equals("tls")) {
        try {
          tls = ClientTls.context(settings.auditSyslogCa(), "audit-syslog-ca");
        } catch (TlsSetupException e) {
          throw new ConfigException(e.getMessage());
        }
      }
      exporter =
          new AuditExporter(
              index,
              collector,
              source,
              tls,
              meters,
              clock,
              POLL,
              RETRY_MIN,
              RETRY_MAX,
              settings.auditSyslogAlertAfter());
    }
    String who =
        "CordWatch "
            + Version.current()
            + " as AE "
            + settings.aeTitle()
            + " on "
            + source.hostname();
    index.audit(clock.millis(), "application_started", who);
    return new AuditTrail(index, clock, exporter, who);
  }

  /**
   * Starts sending the trail, from the exporter's cursor (the rows written during start-up
   * included); nothing without a collector.
   */
  synchronized void export() {
    if (exporter != null && !closed) {
      exporter.start();
    }
  }

  /** Writes the application-stopped row and lets the exporter send it before it stops. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      index.audit(clock.millis(), "application_stopped", who);
    } finally {
      if (exporter != null) {
        exporter.close(DRAIN);
      }
    }
  }
}
