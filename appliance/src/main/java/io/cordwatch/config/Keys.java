package io.cordwatch.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every setting the appliance takes, declared once. The order here is the order of the docs table
 * and of {@code serve --help}.
 */
public final class Keys {
  private Keys() {}

  /**
   * Filled by {@link #declare} as the constants below are initialised, which is in the order they
   * are written; so the list of settings is the declarations themselves, not a second list to keep
   * in step with them. It must stay above the first constant.
   */
  private static final List<Setting<?>> DECLARED = new ArrayList<>();

  /** An optional P(high) setting: empty, or a number strictly between 0 and 1. */
  private static Setting<Double> optionalProbability(String key, String doc) {
    return Setting.optionalNumber(key, doc)
        .check(
            t -> t == null || (t > 0 && t < 1),
            t -> "must be between 0 and 1 (a probability), was " + t);
  }

  private static <T> Setting<T> declare(Setting<T> s) {
    DECLARED.add(s);
    return s;
  }

  public static final Setting<Path> DATA_DIR =
      declare(
          Setting.path("data-dir", "data", "Where the index, spool and quarantine live.")
              .check(p -> p != null, p -> "must be set"));
  public static final Setting<Integer> INDEX_READ_CONNECTIONS =
      declare(
          Setting.wholeNumber(
                  "index-read-connections",
                  "4",
                  "Read-only connections to the index (1 to 64) that web requests, the status page"
                      + " and grading's lookups share; in WAL mode they never wait for receiving nor"
                      + " it for them. More lets more requests read at once; each keeps its own"
                      + " page cache (up to 2 MB).")
              .check(n -> n >= 1 && n <= 64, n -> "must be between 1 and 64, was " + n));
  public static final Setting<Integer> DICOM_PORT =
      declare(Setting.port("dicom-port", "11112", "DICOM listener port (0 picks a free one)."));
  public static final Setting<Integer> HTTP_PORT =
      declare(Setting.port("http-port", "8080", "HTTP listener port (0 picks a free one)."));
  public static final Setting<String> BIND =
      declare(Setting.text("bind", "0.0.0.0", "Address both listeners bind to."));
  public static final Setting<Integer> HTTPS_PORT =
      declare(
          Setting.port(
              "https-port",
              "8443",
              "HTTPS listener port, used when tls-cert and tls-key are set (0 picks a free one)."));
  public static final Setting<Path> TLS_CERT =
      declare(
          Setting.path(
              "tls-cert",
              null,
              "PEM file with the HTTPS server certificate first, then its intermediate CA"
                  + " certificates; set with tls-key to turn HTTPS on."));
  public static final Setting<Path> TLS_KEY =
      declare(
          Setting.path(
              "tls-key",
              null,
              "PEM file with the certificate's private key (unencrypted PKCS#8, BEGIN PRIVATE KEY;"
                  + " RSA or EC); readable by the appliance's user only (mode 600 or 640), else"
                  + " start-up is refused."));
  public static final Setting<String> HTTP_MODE =
      declare(
          Setting.text(
                  "http-mode",
                  null,
                  "What http-port does when HTTPS is on: redirect (pages to HTTPS; nothing with a"
                      + " password, token or session is taken), serve (what needs no login, such as"
                      + " the status page for a wall screen; the rest as redirect) or off (no HTTP"
                      + " listener). Without HTTPS only serve is allowed.")
              .check(
                  m -> m == null || m.isEmpty() || List.of("serve", "redirect", "off").contains(m),
                  m -> "'" + m + "' is not serve, redirect or off")
              .defaultSays("redirect with tls-cert, else serve"));
  public static final Setting<Integer> HTTP_MAX_CONNECTIONS =
      declare(
          Setting.wholeNumber(
                  "http-max-connections",
                  "200",
                  "Connections each web listener (HTTP, HTTPS) holds open at once; one more is not"
                      + " accepted until another closes (it waits in the system's accept queue).")
              .check(n -> n >= 1 && n <= 100_000, n -> "must be 1 to 100000, was " + n));
  public static final Setting<String> AE_TITLE =
      declare(Setting.aeTitle("ae-title", "CORDWATCH", "Our (called) AE title."));
  public static final Setting<List<String>> ALLOW_AE =
      declare(
          Setting.aeTitles(
                  "allow-ae",
                  "",
                  "Calling AE titles allowed to send (comma separated, or a YAML list); empty means"
                      + " nobody may.")
              .defaultSays("none"));
  public static final Setting<Integer> DICOM_TLS_PORT =
      declare(
          Setting.port(
              "dicom-tls-port",
              "2762",
              "DICOM TLS listener port (BCP 195: TLS 1.3 or 1.2), beside dicom-port, with the same"
                  + " AE titles, limits and timeouts. Listens only when dicom-tls-cert and"
                  + " dicom-tls-key are set; 0 picks a free one."));
  public static final Setting<Path> DICOM_TLS_CERT =
      declare(
          Setting.path(
                  "dicom-tls-cert",
                  null,
                  "PEM file with our certificate chain for the DICOM TLS port (ours first, then"
                      + " intermediates). Set with dicom-tls-key to turn DICOM TLS on.")
              .defaultSays("none (DICOM TLS off)"));
  public static final Setting<Path> DICOM_TLS_KEY =
      declare(
          Setting.path(
              "dicom-tls-key",
              null,
              "PEM file with the unencrypted PKCS#8 private key (RSA or EC) of dicom-tls-cert;"
                  + " readable by the service user only."));
  public static final Setting<Path> DICOM_TLS_CLIENT_CA =
      declare(
          Setting.path(
                  "dicom-tls-client-ca",
                  null,
                  "PEM file of CA certificates. Set: every sender on the DICOM TLS port must show a"
                      + " certificate signed by one of them (besides an allowed calling AE title).")
              .defaultSays("none (no client certificate asked for)"));
  public static final Setting<List<String>> DICOM_TLS_PROTOCOLS =
      declare(
          Setting.tlsProtocols(
              "dicom-tls-protocols",
              "TLSv1.3,TLSv1.2",
              "TLS versions the DICOM TLS port accepts: TLSv1.3, TLSv1.2 or both (TLS 1.3 is"
                  + " preferred; TLS 1.2 with ECDHE and AES-GCM only)."));
  public static final Setting<Integer> MAX_ASSOCIATIONS =
      declare(
          Setting.wholeNumber(
                  "max-associations",
                  "25",
                  "Concurrent associations; one more is rejected as \"local limit exceeded\".")
              .check(n -> n >= 1, n -> "must be at least 1, was " + n));
  public static final Setting<Integer> MAX_ASSOCIATIONS_PER_AE =
      declare(
          Setting.wholeNumber(
                  "max-associations-per-ae",
                  "0",
                  "Concurrent associations one calling AE title may hold (at most max-associations);"
                      + " one more from it is rejected as \"local limit exceeded\" while other"
                      + " senders still get in. 0: half of max-associations, rounded up.")
              .check(n -> n >= 0, n -> "must not be negative, was " + n));
  public static final Setting<Duration> IDLE_TIMEOUT =
      declare(
          Setting.duration(
                  "idle-timeout",
                  "60s",
                  "How long an association may wait for its next whole PDU, however many bytes of it"
                      + " trickle in; then it is aborted (A-ABORT). At most 60s; independent of"
                      + " artim-timeout.")
              .check(
                  d -> !d.isZero() && d.compareTo(Duration.ofSeconds(60)) <= 0,
                  d -> "must be between 1 ms and 60 s, was " + d.toMillis() + " ms"));
  public static final Setting<Duration> ARTIM_TIMEOUT =
      declare(
          Setting.duration(
                  "artim-timeout",
                  "30s",
                  "How long a new connection has to send its A-ASSOCIATE-RQ (at most 30s).")
              .check(
                  d -> !d.isZero() && d.compareTo(Duration.ofSeconds(30)) <= 0,
                  d -> "must be between 1 ms and 30 s, was " + d.toMillis() + " ms"));
  public static final Setting<Long> MAX_OBJECT_SIZE =
      declare(
          Setting.size(
                  "max-object-size",
                  "1GiB",
                  "Largest data set accepted in one C-STORE (at least 1KiB).")
              .check(n -> n >= 1024, n -> "must be at least 1 KB, was " + n));
  public static final Setting<Long> DISK_RESERVE =
      declare(
          Setting.size(
                  "disk-reserve",
                  "2GB",
                  "Free space kept in reserve; below it new associations are rejected (transient) and a"
                      + " C-STORE in flight is answered A700.")
              .check(n -> n >= 0, n -> "must not be negative"));
  public static final Setting<Duration> RETENTION_INTERVAL =
      declare(
          Setting.duration(
              "retention-interval",
              "10m",
              "How often retention runs (the rules below; the first run comes after at most a"
                  + " minute). 0: never on its own (`cordwatch retention` still runs it)."));
  public static final Setting<Duration> RETENTION_MAX_AGE =
      declare(
          Setting.duration(
              "retention-max-age",
              "0",
              "A settled study (nothing arriving, no grading pending, results delivered) whose"
                  + " last instance arrived longer ago is removed, e.g. 90d. 0: off, because how"
                  + " long images are kept is the site's decision; the disk rule still runs."));
  public static final Setting<Double> RETENTION_DISK_HIGH_WATER =
      declare(
          Setting.number(
                  "retention-disk-high-water",
                  "90",
                  "Percent of the data volume in use (bytes or inodes, whichever is fuller) at"
                      + " which settled studies are removed, least recently received first, down to"
                      + " retention-disk-low-water. 0: off.")
              .check(p -> p >= 0 && p <= 100, p -> "must be 0 to 100 (percent), was " + p));
  public static final Setting<Double> RETENTION_DISK_LOW_WATER =
      declare(
          Setting.number(
                  "retention-disk-low-water",
                  "80",
                  "Percent in use the disk rule brings the data volume down to (above 0, below the"
                      + " high water mark).")
              .check(p -> p > 0 && p < 100, p -> "must be above 0 and below 100, was " + p));
  public static final Setting<Duration> QUARANTINE_MAX_AGE =
      declare(
          Setting.duration(
              "quarantine-max-age",
              "30d",
              "Quarantined files (unindexed files found at start-up, earlier copies of re-sent"
                  + " instances) are deleted this long after they were written. 0: kept for"
                  + " ever."));
  public static final Setting<Duration> SERIES_STABLE =
      declare(
          Setting.duration(
              "series-stable", "5s", "A series with no new instance for this long is complete."));
  public static final Setting<Duration> RELEASE_GRACE =
      declare(
          Setting.duration(
              "release-grace",
              "1s",
              "A series whose association was released is complete after this grace."));
  public static final Setting<Double> AXIAL_MAX_ANGLE =
      declare(
          Setting.number(
                  "axial-max-angle",
                  "20",
                  "Largest angle in degrees between slice normal and patient z still called axial.")
              .check(a -> a > 0 && a < 90, a -> "must be between 0 and 90 degrees"));
  public static final Setting<Double> T2_MIN_TE =
      declare(Setting.number("t2-min-te", "60", "Shortest echo time (ms) called T2-weighted."));
  public static final Setting<Double> T2_MIN_TR =
      declare(
          Setting.number("t2-min-tr", "1500", "Shortest repetition time (ms) called T2-weighted."));
  public static final Setting<Path> BUNDLE =
      declare(
          Setting.path(
                  "bundle",
                  null,
                  "Model bundle (folder or .zip) to grade with; without one, series are queued, not"
                      + " graded.")
              .defaultSays("none (jobs wait)"));
  public static final Setting<Path> BUNDLE_TRUSTED_KEYS =
      declare(
          Setting.path(
              "bundle-trusted-keys",
              "/etc/cordwatch/bundle-keys",
              "Folder of the public keys (PEM, one *.pem file each, Ed25519) whose signatures the"
                  + " appliance trusts on model bundles (docs/model-bundle.md, Signatures). Absent"
                  + " or empty: no key is trusted."));
  public static final Setting<Boolean> ALLOW_UNSIGNED_BUNDLES =
      declare(
          Setting.onOff(
              "allow-unsigned-bundles",
              "off",
              "on: a bundle without a signature by a trusted key still runs, and the status page"
                  + " and results say UNSIGNED MODEL (test systems, the demo). off: it is refused"
                  + " and series queue as without a model. A signature that does not match its"
                  + " bundle.json is refused either way."));
  public static final Setting<Path> BOXES =
      declare(
          Setting.path(
              "boxes",
              null,
              "Canal boxes: a labels.csv or a folder of LabelImg VOC XML; they win over the bundle's"
                  + " localizer, which finds the rest."));
  public static final Setting<Double> SITE_HIGH_THRESHOLD =
      declare(
          optionalProbability(
              "site-high-threshold",
              "The site's own operating point: the P(high) from which a slice is called high,"
                  + " instead of the bundle's head.high_threshold (choose it with cordwatch"
                  + " validate --target-sensitivity on the site's own labelled studies). Every"
                  + " verdict names it as a site setting. Empty: the bundle's."));
  public static final Setting<Double> SITE_RULE_OUT_THRESHOLD =
      declare(
          optionalProbability(
              "site-rule-out-threshold",
              "The site's own rule-out threshold: a series with no high call is low only when no"
                  + " confident slice reaches this P(high), else indeterminate (possible_high),"
                  + " instead of the bundle's head.rule_out_threshold (choose it with cordwatch"
                  + " bundle set-rule-out on the site's own labelled studies). At most the"
                  + " triage threshold in use: otherwise start-up stops naming this setting,"
                  + " and a bundle switched to later is refused (the running one keeps"
                  + " grading). Verdicts show it in model.limits. Empty: the bundle's."));
  public static final Setting<String> PROFILE =
      declare(
          Setting.text(
                  "profile",
                  "auto",
                  "The device profile id, or auto to detect it from the hardware (`cordwatch profile"
                      + " detect` says what auto picks and why; docs/gpu.md).")
              .check(p -> p != null && !p.isBlank(), p -> "must be auto or a device profile id"));
  public static final Setting<Path> PROFILES =
      declare(
          Setting.path(
                  "profiles",
                  null,
                  "A folder of your own device profiles (*.yaml, a copy of firmware-config/profiles/"
                      + " edited) used instead of the shipped ones; it must keep a CPU profile.")
              .defaultSays("the shipped set"));
  public static final Setting<Duration> GPU_RETRY =
      declare(
          Setting.duration(
                  "gpu-retry",
                  "30s",
                  "After a GPU fault, grade on the CPU this long before trying the GPU again (doubling"
                      + " on each failed try, at most 16 times).")
              .check(
                  d -> d.compareTo(Duration.ofSeconds(1)) >= 0,
                  d -> "must be at least 1s, was " + d.toMillis() + " ms"));
  public static final Setting<Boolean> STREAMING =
      declare(
          Setting.onOff(
              "streaming",
              "on",
              "Decode instances as they arrive and grade a series ahead when its association is"
                  + " released (or nothing arrives for half of series-stable); the verdict is"
                  + " committed only if the completed series has exactly those instances. off: grade"
                  + " at completion."));
  public static final Setting<Long> STREAM_MEMORY =
      declare(
          Setting.size(
                  "stream-memory",
                  "256MiB",
                  "The most decoded pixel data held for series in flight (about 12 MB per 40-slice 384"
                      + " x 384 series); a series that does not fit is graded at completion.")
              .check(n -> n >= 0, n -> "must not be negative"));
  public static final Setting<Integer> GRADING_ATTEMPTS =
      declare(
          Setting.wholeNumber(
                  "grading-attempts",
                  "3",
                  "Attempts per grading job before it is marked failed (1-10).")
              .check(n -> n >= 1 && n <= 10, n -> "must be 1 to 10, was " + n));
  public static final Setting<Duration> GRADING_RETRY_DELAY =
      declare(
          Setting.duration(
              "grading-retry-delay",
              "1s",
              "Wait before the second attempt; each later wait is 4 times longer (1 s, 4 s, 16 s,"
                  + " ...)."));
  public static final Setting<Duration> GRADING_RETRY_MAX_DELAY =
      declare(
          Setting.duration(
              "grading-retry-max-delay",
              "1m",
              "The longest wait between attempts (at least grading-retry-delay, at most 1h)."));
  public static final Setting<Boolean> BOXES_API =
      declare(
          Setting.onOff(
              "boxes-api",
              "on",
              "Accept canal boxes with PUT /api/v1/studies/{uid}/boxes from a clinician or admin"
                  + " login or a write-scope API token; they win over the boxes file and the"
                  + " localizer."));
  public static final Setting<Path> API_TOKEN_FILE =
      declare(
          Setting.path(
              "api-token-file",
              null,
              "Deprecated: a file holding one shared token (16-256 printable characters) accepted as"
                  + " a write-scope API token named api-token-file. Make a token per client instead"
                  + " (`cordwatch token add NAME --scope read|write`) and remove this key; start-up"
                  + " warns while it is set."));
  public static final Setting<Duration> SESSION_IDLE_TIMEOUT =
      declare(
          Setting.duration(
                  "session-idle-timeout",
                  "30m",
                  "A browser login unused for this long ends (the next request goes to the login"
                      + " page).")
              .check(
                  d ->
                      d.compareTo(Duration.ofMinutes(1)) >= 0
                          && d.compareTo(Duration.ofHours(24)) <= 0,
                  d -> "must be 1m to 24h, was " + d.toMillis() + " ms"));
  public static final Setting<Duration> SESSION_MAX_AGE =
      declare(
          Setting.duration(
                  "session-max-age",
                  "12h",
                  "A browser login ends this long after it began, used or not (at least"
                      + " session-idle-timeout, at most 7 days).")
              .check(
                  d ->
                      d.compareTo(Duration.ofMinutes(1)) >= 0
                          && d.compareTo(Duration.ofDays(7)) <= 0,
                  d -> "must be 1m to 168h, was " + d.toMillis() + " ms"));
  public static final Setting<Integer> LOGIN_MAX_FAILURES =
      declare(
          Setting.wholeNumber(
                  "login-max-failures",
                  "5",
                  "Failed logins from one address, or for one user name, within login-failure-window"
                      + " before further logins are refused (429 with Retry-After).")
              .check(n -> n >= 1 && n <= 1000, n -> "must be 1 to 1000, was " + n));
  public static final Setting<Duration> LOGIN_FAILURE_WINDOW =
      declare(
          Setting.duration(
                  "login-failure-window",
                  "5m",
                  "The window failed logins are counted in (at most 24h).")
              .check(
                  d ->
                      d.compareTo(Duration.ofSeconds(1)) >= 0
                          && d.compareTo(Duration.ofHours(24)) <= 0,
                  d -> "must be 1s to 24h, was " + d.toMillis() + " ms"));
  public static final Setting<List<String>> ALLOWED_HOSTS =
      declare(
          Setting.hostNames(
                  "allowed-hosts",
                  "",
                  "Host names the HTTP API and pages answer to (the Host header; comma separated or a"
                      + " YAML list), besides localhost, this machine's name and the bind address. An"
                      + " IP address of any kind is always accepted; any other name gets 421, which"
                      + " stops DNS rebinding. Add the names people type, e.g. cordwatch.ward.example.")
              .defaultSays("localhost, this host's name, bind"));
  public static final Setting<Boolean> STATUS_PAGE_LOGIN =
      declare(
          Setting.onOff(
              "status-page-login",
              "off",
              "on: the status page and GET /api/v1/status need a login (any role) or an API token."
                  + " off: they are open; they carry no patient-derived text either way."));

  public static final Setting<List<String>> FORWARD_TO =
      declare(
          Setting.destinations(
                  "forward-to",
                  "",
                  "Where results go: DICOM destinations AE@HOST:PORT (comma separated, a YAML list, or"
                      + " the flag repeated). Each verdict's SR and key-object document are sent by"
                      + " C-STORE from our ae-title, through a persisted outbox with retries.")
              .defaultSays("none (results stay on the box)"));
  public static final Setting<Duration> FORWARD_RETRY_DELAY =
      declare(
          Setting.duration(
                  "forward-retry-delay",
                  "30s",
                  "Wait after a failed delivery before the next try; each later wait is twice as"
                      + " long, up to forward-retry-max-delay.")
              .check(
                  d -> d.compareTo(Duration.ofMillis(100)) >= 0,
                  d -> "must be at least 100ms, was " + d.toMillis() + " ms"));
  public static final Setting<Duration> FORWARD_RETRY_MAX_DELAY =
      declare(
          Setting.duration(
              "forward-retry-max-delay",
              "10m",
              "The longest wait between delivery tries (at least forward-retry-delay, at most"
                  + " 1h)."));
  public static final Setting<Duration> FORWARD_GIVE_UP_AFTER =
      declare(
          Setting.duration(
                  "forward-give-up-after",
                  "48h",
                  "A delivery still failing this long after its verdict is given up (state failed,"
                      + " audited); at least 24h.")
              .check(
                  d -> d.compareTo(Duration.ofHours(24)) >= 0,
                  d -> "must be at least 24h, was " + d.toMinutes() + " min"));
  public static final Setting<Boolean> PUBLISH_SECONDARY_CAPTURE =
      declare(
          Setting.onOff(
              "publish-secondary-capture",
              "off",
              "on: each verdict's key slices also go to forward-to as Secondary Capture images with"
                  + " the canal box and grade burned in (for viewers that show no SR or key-object"
                  + " document); off: SR and key-object document only."));
  public static final Setting<List<String>> ALERT_WEBHOOKS =
      declare(
          Setting.urls(
                  "alert-webhooks",
                  "",
                  "URLs (http or https; comma separated, a YAML list, or the flag repeated) that get"
                      + " a signed JSON POST for every high-grade or indeterminate series verdict,"
                      + " retried from the outbox like DICOM results.")
              .defaultSays("none"));
  public static final Setting<Path> ALERT_KEY_FILE =
      declare(
          Setting.path(
              "alert-key-file",
              null,
              "A file holding the shared key (at least 16 characters) alerts are signed with: header"
                  + " X-CordWatch-Signature: sha256=HMAC-SHA256(key, body) in hex. Needed with"
                  + " alert-webhooks."));

  public static final Setting<String> AUDIT_SYSLOG =
      declare(
          Setting.text(
                  "audit-syslog",
                  "",
                  "Where the audit trail also goes, as DICOM audit messages (PS3.15 A.5) in RFC 5424"
                      + " syslog: udp://HOST:PORT, tcp://HOST:PORT or tls://HOST:PORT (RFC 5425"
                      + " octet counting on TCP and TLS). Sent from the index in the background;"
                      + " nothing waits for the collector, and rows written while it is down go out"
                      + " when it is back.")
              .check(
                  v -> v == null || v.isEmpty() || v.matches("(?i)(udp|tcp|tls)://[^/?#@\\s]+/?"),
                  v -> "'" + v + "' is not udp://HOST:PORT, tcp://HOST:PORT or tls://HOST:PORT")
              .defaultSays("none (the trail stays in the index)"));
  public static final Setting<String> AUDIT_SYSLOG_APP_NAME =
      declare(
          Setting.text(
                  "audit-syslog-app-name",
                  "cordwatch",
                  "The APP-NAME of the audit syslog messages (1 to 48 printable characters, no"
                      + " spaces).")
              .check(
                  v -> v != null && v.matches("[!-~]{1,48}"),
                  v -> "'" + v + "' is not 1 to 48 printable characters without spaces"));
  public static final Setting<Path> AUDIT_SYSLOG_CA =
      declare(
          Setting.path(
                  "audit-syslog-ca",
                  null,
                  "PEM file with the CA certificate(s) a tls:// audit collector's certificate must"
                      + " chain to (its name must match the host in audit-syslog).")
              .defaultSays("the JDK's trusted CAs"));
  public static final Setting<Duration> AUDIT_SYSLOG_ALERT_AFTER =
      declare(
          Setting.duration(
              "audit-syslog-alert-after",
              "5m",
              "How long the audit collector may be unreachable before the status page says"
                  + " ATTENTION (the trail is kept meanwhile)."));

  /** All settings, in the order of the docs: the order they are declared in above. */
  public static final List<Setting<?>> ALL = List.copyOf(DECLARED);

  private static final Map<String, Setting<?>> BY_KEY =
      ALL.stream()
          .collect(
              Collectors.toMap(
                  Setting::key,
                  Function.identity(),
                  (a, b) -> {
                    throw new IllegalStateException("setting " + a + " is declared twice");
                  },
                  LinkedHashMap::new));

  /** The setting with this key, or null. */
  public static Setting<?> byKey(String key) {
    return BY_KEY.get(key);
  }

  /** The keys, sorted (for messages that list them). */
  public static List<String> sortedKeys() {
    return BY_KEY.keySet().stream().sorted().toList();
  }

  /**
   * The settings table of docs/operations.md: one row per setting, in declaration order ({@code
   * SettingsDocTest} fails when the doc's copy differs).
   */
  public static String markdownTable() {
    StringBuilder out = new StringBuilder();
    out.append("| key (flag `--key`) | value | default | what |\n|---|---|---|---|\n");
    for (Setting<?> s : ALL) {
      boolean none = s.defaultValue() == null || s.defaultValue().isEmpty();
      String def = none ? s.defaultText() : "`" + s.defaultValue() + "`";
      out.append("| `")
          .append(s.key())
          .append("` | ")
          .append(s.type())
          .append(" | ")
          .append(def)
          .append(" | ")
          .append(s.doc().replace("|", "\\|"))
          .append(" |\n");
    }
    return out.toString();
  }

  /** The defaults as text, by key (settings without a default are absent). */
  static Map<String, String> defaults() {
    Map<String, String> d = new LinkedHashMap<>();
    for (Setting<?> s : ALL) {
      if (s.defaultValue() != null) {
        d.put(s.key(), s.defaultValue());
      }
    }
    return d;
  }
}
