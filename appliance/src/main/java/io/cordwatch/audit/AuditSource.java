package io.cordwatch.audit;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * This appliance as the audit messages name it.
 *
 * @param aeTitle our AE title (the application's UserID and the AuditSourceID)
 * @param appName the syslog APP-NAME ({@code audit-syslog-app-name})
 * @param hostname the syslog HOSTNAME and our network access point
 * @param processId the syslog PROCID and our AlternativeUserID
 */
public record AuditSource(String aeTitle, String appName, String hostname, String processId) {
  /** This process on this host. */
  public static AuditSource local(String aeTitle, String appName) {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
    } catch (UnknownHostException e) {
      host = "-";
    }
    return new AuditSource(aeTitle, appName, host, Long.toString(ProcessHandle.current().pid()));
  }
}
