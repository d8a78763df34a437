package io.cordwatch.telemetry;

/**
 * How the audit export to the syslog collector stands, for the status surfaces (no patient data).
 *
 * @param collector where messages go ({@code tls://host:6514})
 * @param backlog audit rows not yet sent
 * @param unreachableSeconds how long the collector has been unreachable; 0 while it is reachable
 * @param alertAfterSeconds from how long unreachable on the status page says ATTENTION
 * @param lastError why the last attempt failed, null after a success
 */
public record AuditExportFigures(
    String collector,
    long backlog,
    long unreachableSeconds,
    long alertAfterSeconds,
    String lastError) {

  /** Whether the collector has been unreachable long enough for a person to look. */
  public boolean alerting() {
    return unreachableSeconds > 0 && unreachableSeconds >= alertAfterSeconds;
  }
}
