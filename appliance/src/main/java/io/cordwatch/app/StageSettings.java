package io.cordwatch.app;

import io.cordwatch.auth.AuthConfig;
import io.cordwatch.config.ConfigException;
import io.cordwatch.config.Settings;
import io.cordwatch.receive.ReceiveConfig;
import io.cordwatch.retention.RetentionConfig;
import io.cordwatch.study.SelectionRules;
import io.cordwatch.tls.ServerTls;
import io.cordwatch.tls.TlsSetupException;
import io.cordwatch.web.HttpMode;
import io.cordwatch.web.WebConfig;

/**
 * The small record each stage takes, cut from the appliance's settings. Stages see only what they
 * need and never import {@code config} or {@code app}; this class is the one place that knows which
 * setting goes to which stage.
 */
public final class StageSettings {
  private StageSettings() {}

  /**
   * The DICOM listener's settings. With {@code dicom-tls-cert} set this reads the certificate, key
   * and client-CA files, so call it before anything starts.
   *
   * @throws ConfigException naming the setting and the file when a TLS file cannot be used
   */
  public static ReceiveConfig receive(Settings s) {
    return new ReceiveConfig(
        s.bind(),
        s.dicomPort(),
        s.aeTitle(),
        s.allowAe(),
        s.maxAssociations(),
        s.maxAssociationsPerAe() == 0
            ? ReceiveConfig.defaultPerAeLimit(s.maxAssociations())
            : s.maxAssociationsPerAe(),
        s.idleTimeout(),
        s.artimTimeout(),
        s.maxObjectBytes(),
        dicomTls(s));
  }

  /** The DICOM TLS listener, or null when no certificate is set. */
  private static ReceiveConfig.Tls dicomTls(Settings s) {
    if (s.dicomTlsCert() == null) {
      return null;
    }
    try {
      return new ReceiveConfig.Tls(
          s.dicomTlsPort(),
          ServerTls.load(
              s.dicomTlsCert(),
              s.dicomTlsKey(),
              s.dicomTlsClientCa(),
              s.dicomTlsProtocols(),
              "dicom-tls-"));
    } catch (TlsSetupException e) {
      throw new ConfigException(e.getMessage());
    }
  }

  /**
   * The series selection rules; {@code serve}, {@code rules test} and {@code grade} all take them
   * from here, so the dry run answers exactly as the appliance would.
   */
  public static SelectionRules selectionRules(Settings s) {
    return new SelectionRules(s.axialMaxAngleDeg(), s.t2MinEchoTimeMs(), s.t2MinRepetitionTimeMs());
  }

  /** Retention's rules and timer. */
  public static RetentionConfig retention(Settings s) {
    return new RetentionConfig(
        s.retentionMaxAge(),
        s.retentionDiskHighWater(),
        s.retentionDiskLowWater(),
        s.quarantineMaxAge(),
        s.retentionInterval());
  }

  /** The web stage's settings. */
  public static WebConfig web(Settings s) {
    return new WebConfig(
        s.bind(),
        s.httpPort(),
        s.aeTitle(),
        s.boxesApi(),
        s.apiTokenFile(),
        s.allowedHosts(),
        s.statusPageLogin(),
        s.dataDir(),
        s.httpsPort(),
        s.tlsCert(),
        s.tlsKey(),
        HttpMode.of(s.httpMode()),
        s.httpMaxConnections());
  }

  /** Access control's settings: session timeouts and the login throttle. */
  public static AuthConfig auth(Settings s) {
    return new AuthConfig(
        s.sessionIdleTimeout(), s.sessionMaxAge(), s.loginMaxFailures(), s.loginFailureWindow());
  }
}
