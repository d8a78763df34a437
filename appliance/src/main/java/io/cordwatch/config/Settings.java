package io.cordwatch.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything the appliance can be told at start-up. The YAML file and the command line use the same
 * keys (flag {@code --dicom-port} is key {@code dicom-port}); flags win over the file, the file
 * over defaults. Each key is declared once in {@link Keys} (kind, default, doc, checks); values are
 * checked there, once, with messages that name the key, so a bad setting stops start-up with a
 * sentence an operator can act on rather than a stack trace later. The record is made by {@link
 * #load} only; checks that span two keys are in its constructor. What each component means is said
 * once, at its key's declaration; a path without a default is null when it is not set.
 *
 * @param dataDir {@link Keys#DATA_DIR}
 * @param indexReadConnections {@link Keys#INDEX_READ_CONNECTIONS}
 * @param dicomPort {@link Keys#DICOM_PORT}
 * @param httpPort {@link Keys#HTTP_PORT}
 * @param bind {@link Keys#BIND}
 * @param httpsPort {@link Keys#HTTPS_PORT}
 * @param tlsCert {@link Keys#TLS_CERT} (null: no HTTPS)
 * @param tlsKey {@link Keys#TLS_KEY} (null: no HTTPS)
 * @param httpMode {@link Keys#HTTP_MODE}: serve, redirect or off, the default filled in
 * @param httpMaxConnections {@link Keys#HTTP_MAX_CONNECTIONS}
 * @param aeTitle {@link Keys#AE_TITLE}
 * @param allowAe {@link Keys#ALLOW_AE}
 * @param dicomTlsPort {@link Keys#DICOM_TLS_PORT}
 * @param dicomTlsCert {@link Keys#DICOM_TLS_CERT} (null: DICOM TLS off)
 * @param dicomTlsKey {@link Keys#DICOM_TLS_KEY}
 * @param dicomTlsClientCa {@link Keys#DICOM_TLS_CLIENT_CA} (null: no client certificate)
 * @param dicomTlsProtocols {@link Keys#DICOM_TLS_PROTOCOLS}
 * @param maxAssociations {@link Keys#MAX_ASSOCIATIONS}
 * @param maxAssociationsPerAe {@link Keys#MAX_ASSOCIATIONS_PER_AE} (0: half of maxAssociations)
 * @param idleTimeout {@link Keys#IDLE_TIMEOUT}
 * @param artimTimeout {@link Keys#ARTIM_TIMEOUT}
 * @param maxObjectBytes {@link Keys#MAX_OBJECT_SIZE}
 * @param diskReserveBytes {@link Keys#DISK_RESERVE}
 * @param retentionInterval {@link Keys#RETENTION_INTERVAL}
 * @param retentionMaxAge {@link Keys#RETENTION_MAX_AGE} (zero: off)
 * @param retentionDiskHighWater {@link Keys#RETENTION_DISK_HIGH_WATER} (zero: off)
 * @param retentionDiskLowWater {@link Keys#RETENTION_DISK_LOW_WATER}
 * @param quarantineMaxAge {@link Keys#QUARANTINE_MAX_AGE} (zero: kept for ever)
 * @param seriesStable {@link Keys#SERIES_STABLE}
 * @param releaseGrace {@link Keys#RELEASE_GRACE}
 * @param axialMaxAngleDeg {@link Keys#AXIAL_MAX_ANGLE}
 * @param t2MinEchoTimeMs {@link Keys#T2_MIN_TE}
 * @param t2MinRepetitionTimeMs {@link Keys#T2_MIN_TR}
 * @param bundle {@link Keys#BUNDLE}
 * @param bundleTrustedKeys {@link Keys#BUNDLE_TRUSTED_KEYS}
 * @param allowUnsignedBundles {@link Keys#ALLOW_UNSIGNED_BUNDLES}
 * @param boxes {@link Keys#BOXES}
 * @param siteHighThreshold {@link Keys#SITE_HIGH_THRESHOLD}; null when not set
 * @param siteRuleOutThreshold {@link Keys#SITE_RULE_OUT_THRESHOLD}; null when not set
 * @param profile {@link Keys#PROFILE}
 * @param profiles {@link Keys#PROFILES}
 * @param gpuRetry {@link Keys#GPU_RETRY}
 * @param streaming {@link Keys#STREAMING}
 * @param streamMemoryBytes {@link Keys#STREAM_MEMORY}
 * @param gradingAttempts {@link Keys#GRADING_ATTEMPTS}
 * @param gradingRetryDelay {@link Keys#GRADING_RETRY_DELAY}
 * @param gradingRetryMaxDelay {@link Keys#GRADING_RETRY_MAX_DELAY}
 * @param boxesApi {@link Keys#BOXES_API}
 * @param apiTokenFile {@link Keys#API_TOKEN_FILE}
 * @param sessionIdleTimeout {@link Keys#SESSION_IDLE_TIMEOUT}
 * @param sessionMaxAge {@link Keys#SESSION_MAX_AGE}
 * @param loginMaxFailures {@link Keys#LOGIN_MAX_FAILURES}
 * @param loginFailureWindow {@link Keys#LOGIN_FAILURE_WINDOW}
 * @param allowedHosts {@link Keys#ALLOWED_HOSTS}
 * @param statusPageLogin {@link Keys#STATUS_PAGE_LOGIN}
 * @param forwardTo {@link Keys#FORWARD_TO}
 * @param forwardRetryDelay {@link Keys#FORWARD_RETRY_DELAY}
 * @param forwardRetryMaxDelay {@link Keys#FORWARD_RETRY_MAX_DELAY}
 * @param forwardGiveUpAfter {@link Keys#FORWARD_GIVE_UP_AFTER}
 * @param publishSecondaryCapture {@link Keys#PUBLISH_SECONDARY_CAPTURE}
 * @param alertWebhooks {@link Keys#ALERT_WEBHOOKS}
 * @param alertKeyFile {@link Keys#ALERT_KEY_FILE}
 * @param auditSyslog {@link Keys#AUDIT_SYSLOG}; empty when the trail is not exported
 * @param auditSyslogAppName {@link Keys#AUDIT_SYSLOG_APP_NAME}
 * @param auditSyslogCa {@link Keys#AUDIT_SYSLOG_CA}
 * @param auditSyslogAlertAfter {@link Keys#AUDIT_SYSLOG_ALERT_AFTER}
 */
public record Settings(
    Path dataDir,
    int indexReadConnections,
    int dicomPort,
    int httpPort,
    String bind,
    int httpsPort,
    Path tlsCert,
    Path tlsKey,
    String httpMode,
    int httpMaxConnections,
    String aeTitle,
    List<String> allowAe,
    int dicomTlsPort,
    Path dicomTlsCert,
    Path dicomTlsKey,
    Path dicomTlsClientCa,
    List<String> dicomTlsProtocols,
    int maxAssociations,
    int maxAssociationsPerAe,
    Duration idleTimeout,
    Duration artimTimeout,
    long maxObjectBytes,
    long diskReserveBytes,
    Duration retentionInterval,
    Duration retentionMaxAge,
    double retentionDiskHighWater,
    double retentionDiskLowWater,
    Duration quarantineMaxAge,
    Duration seriesStable,
    Duration releaseGrace,
    double axialMaxAngleDeg,
    double t2MinEchoTimeMs,
    double t2MinRepetitionTimeMs,
    Path bundle,
    Path bundleTrustedKeys,
    boolean allowUnsignedBundles,
    Path boxes,
    Double siteHighThreshold,
    Double siteRuleOutThreshold,
    String profile,
    Path profiles,
    Duration gpuRetry,
    boolean streaming,
    long streamMemoryBytes,
    int gradingAttempts,
    Duration gradingRetryDelay,
    Duration gradingRetryMaxDelay,
    boolean boxesApi,
    Path apiTokenFile,
    Duration sessionIdleTimeout,
    Duration sessionMaxAge,
    int loginMaxFailures,
    Duration loginFailureWindow,
    List<String> allowedHosts,
    boolean statusPageLogin,
    List<String> forwardTo,
    Duration forwardRetryDelay,
    Duration forwardRetryMaxDelay,
    Duration forwardGiveUpAfter,
    boolean publishSecondaryCapture,
    List<String> alertWebhooks,
    Path alertKeyFile,
    String auditSyslog,
    String auditSyslogAppName,
    Path auditSyslogCa,
    Duration auditSyslogAlertAfter) {

  public Settings {
    allowAe = List.copyOf(allowAe);
    dicomTlsProtocols = List.copyOf(dicomTlsProtocols);
    if ((dicomTlsCert == null) != (dicomTlsKey == null)) {
      throw new ConfigException(
          (dicomTlsCert == null ? "dicom-tls-cert" : "dicom-tls-key")
              + ": must be set with "
              + (dicomTlsCert == null ? "dicom-tls-key" : "dicom-tls-cert")
              + " (DICOM TLS needs both the certificate and its key)");
    }
    if (dicomTlsClientCa != null && dicomTlsCert == null) {
      throw new ConfigException(
          "dicom-tls-client-ca: needs dicom-tls-cert and dicom-tls-key (client certificates are"
              + " checked on the DICOM TLS port only)");
    }
    if (dicomTlsCert != null && dicomTlsPort != 0 && dicomTlsPort == dicomPort) {
      throw new ConfigException("dicom-tls-port: must differ from dicom-port (" + dicomPort + ")");
    }
    allowedHosts = List.copyOf(allowedHosts);
    forwardTo = List.copyOf(forwardTo);
    alertWebhooks = List.copyOf(alertWebhooks);
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new ConfigException(
          (tlsCert == null ? "tls-cert" : "tls-key")
              + ": must be set with "
              + (tlsCert == null ? "tls-key" : "tls-cert")
              + " (HTTPS needs both the certificate and its private key)");
    }
    if (httpMode == null || httpMode.isEmpty()) {
      httpMode = tlsCert == null ? "serve" : "redirect";
    }
    if (tlsCert == null && !httpMode.equals("serve")) {
      throw new ConfigException(
          "http-mode: "
              + httpMode
              + " needs HTTPS (tls-cert and tls-key); without them HTTP is the only listener and"
              + " must serve");
    }
    auditSyslog = auditSyslog == null ? "" : auditSyslog.strip();
    if (auditSyslogCa != null
        && !auditSyslog.toLowerCase(java.util.Locale.ROOT).startsWith("tls:")) {
      throw new ConfigException(
          "audit-syslog-ca: only used with a tls:// audit-syslog collector; remove it or use tls://");
    }
    if (!alertWebhooks.isEmpty() && alertKeyFile == null) {
      throw new ConfigException(
          "alert-key-file: must be set with alert-webhooks (alerts are always signed)");
    }
    if (forwardRetryMaxDelay.compareTo(forwardRetryDelay) < 0
        || forwardRetryMaxDelay.compareTo(Duration.ofHours(1)) > 0) {
      throw new ConfigException(
          "forward-retry-max-delay: must be at least forward-retry-delay ("
              + forwardRetryDelay.toMillis()
              + " ms) and at most 1h, was "
              + forwardRetryMaxDelay.toMillis()
              + " ms");
    }
    if (maxAssociationsPerAe > maxAssociations) {
      throw new ConfigException(
          "max-associations-per-ae: must be at most max-associations ("
              + maxAssociations
              + "), was "
              + maxAssociationsPerAe);
    }
    if (sessionMaxAge.compareTo(sessionIdleTimeout) < 0) {
      throw new ConfigException(
          "session-max-age: must be at least session-idle-timeout ("
              + sessionIdleTimeout.toMinutes()
              + " min), was "
              + sessionMaxAge.toMinutes()
              + " min");
    }
    if (retentionDiskHighWater > 0 && retentionDiskLowWater >= retentionDiskHighWater) {
      throw new ConfigException(
          "retention-disk-low-water: must be below retention-disk-high-water ("
              + retentionDiskHighWater
              + " %), was "
              + retentionDiskLowWater
              + " %");
    }
    if (gradingRetryMaxDelay.compareTo(gradingRetryDelay) < 0
        || gradingRetryMaxDelay.compareTo(Duration.ofHours(1)) > 0) {
      throw new ConfigException(
          "grading-retry-max-delay: must be at least grading-retry-delay ("
              + gradingRetryDelay.toMillis()
              + " ms) and at most 1h, was "
              + gradingRetryMaxDelay.toMillis()
              + " ms");
    }
  }

  /**
   * Builds settings from defaults, then the YAML file (if any), then {@code overrides} (the flags
   * given; a null value is a flag not given).
   *
   * @throws ConfigException naming the first key that is unknown or cannot be used
   */
  public static Settings load(Path configFile, Map<String, String> overrides) {
    Map<String, String> values = Keys.defaults();
    if (configFile != null) {
      values.putAll(ConfigFile.read(configFile));
    }
    for (Map.Entry<String, String> e : overrides.entrySet()) {
      if (Keys.byKey(e.getKey()) == null) {
        throw new ConfigException("unknown setting '" + e.getKey() + "'");
      }
      if (e.getValue() != null) {
        values.put(e.getKey(), e.getValue());
      }
    }
    return fromMap(values);
  }

  private static Settings fromMap(Map<String, String> text) {
    Values v = new Values(text);
    Settings s =
        new Settings(
            v.get(Keys.DATA_DIR),
            v.get(Keys.INDEX_READ_CONNECTIONS),
            v.get(Keys.DICOM_PORT),
            v.get(Keys.HTTP_PORT),
            v.get(Keys.BIND),
            v.get(Keys.HTTPS_PORT),
            v.get(Keys.TLS_CERT),
            v.get(Keys.TLS_KEY),
            v.get(Keys.HTTP_MODE),
            v.get(Keys.HTTP_MAX_CONNECTIONS),
            v.get(Keys.AE_TITLE),
            v.get(Keys.ALLOW_AE),
            v.get(Keys.DICOM_TLS_PORT),
            v.get(Keys.DICOM_TLS_CERT),
            v.get(Keys.DICOM_TLS_KEY),
            v.get(Keys.DICOM_TLS_CLIENT_CA),
            v.get(Keys.DICOM_TLS_PROTOCOLS),
            v.get(Keys.MAX_ASSOCIATIONS),
            v.get(Keys.MAX_ASSOCIATIONS_PER_AE),
            v.get(Keys.IDLE_TIMEOUT),
            v.get(Keys.ARTIM_TIMEOUT),
            v.get(Keys.MAX_OBJECT_SIZE),
            v.get(Keys.DISK_RESERVE),
            v.get(Keys.RETENTION_INTERVAL),
            v.get(Keys.RETENTION_MAX_AGE),
            v.get(Keys.RETENTION_DISK_HIGH_WATER),
            v.get(Keys.RETENTION_DISK_LOW_WATER),
            v.get(Keys.QUARANTINE_MAX_AGE),
            v.get(Keys.SERIES_STABLE),
            v.get(Keys.RELEASE_GRACE),
            v.get(Keys.AXIAL_MAX_ANGLE),
            v.get(Keys.T2_MIN_TE),
            v.get(Keys.T2_MIN_TR),
            v.get(Keys.BUNDLE),
            v.get(Keys.BUNDLE_TRUSTED_KEYS),
            v.get(Keys.ALLOW_UNSIGNED_BUNDLES),
            v.get(Keys.BOXES),
            v.get(Keys.SITE_HIGH_THRESHOLD),
            v.get(Keys.SITE_RULE_OUT_THRESHOLD),
            v.get(Keys.PROFILE),
            v.get(Keys.PROFILES),
            v.get(Keys.GPU_RETRY),
            v.get(Keys.STREAMING),
            v.get(Keys.STREAM_MEMORY),
            v.get(Keys.GRADING_ATTEMPTS),
            v.get(Keys.GRADING_RETRY_DELAY),
            v.get(Keys.GRADING_RETRY_MAX_DELAY),
            v.get(Keys.BOXES_API),
            v.get(Keys.API_TOKEN_FILE),
            v.get(Keys.SESSION_IDLE_TIMEOUT),
            v.get(Keys.SESSION_MAX_AGE),
            v.get(Keys.LOGIN_MAX_FAILURES),
            v.get(Keys.LOGIN_FAILURE_WINDOW),
            v.get(Keys.ALLOWED_HOSTS),
            v.get(Keys.STATUS_PAGE_LOGIN),
            v.get(Keys.FORWARD_TO),
            v.get(Keys.FORWARD_RETRY_DELAY),
            v.get(Keys.FORWARD_RETRY_MAX_DELAY),
            v.get(Keys.FORWARD_GIVE_UP_AFTER),
            v.get(Keys.PUBLISH_SECONDARY_CAPTURE),
            v.get(Keys.ALERT_WEBHOOKS),
            v.get(Keys.ALERT_KEY_FILE),
            v.get(Keys.AUDIT_SYSLOG),
            v.get(Keys.AUDIT_SYSLOG_APP_NAME),
            v.get(Keys.AUDIT_SYSLOG_CA),
            v.get(Keys.AUDIT_SYSLOG_ALERT_AFTER));
    v.requireAllRead();
    return s;
  }

  /**
   * The text of each key parsed by its declaration, remembering which were read: a setting declared
   * in {@link Keys} but not passed into the record fails every load (and so every test that starts
   * an appliance) instead of being silently ignored.
   */
  private static final class Values {
    private final Map<String, String> text;
    private final Set<String> read = new LinkedHashSet<>();

    Values(Map<String, String> text) {
      this.text = text;
    }

    <T> T get(Setting<T> s) {
      read.add(s.key());
      return s.parse(text.get(s.key()));
    }

    void requireAllRead() {
      for (Setting<?> s : Keys.ALL) {
        if (!read.contains(s.key())) {
          throw new IllegalStateException("setting " + s.key() + " is declared but never read");
        }
      }
    }
  }
}
