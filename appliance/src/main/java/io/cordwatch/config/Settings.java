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
 * #load} only; checks that span two keys are in its constructor.
 *
 * @param dataDir where the index, spool and quarantine live
 * @param dicomPort DICOM listener port
 * @param httpPort HTTP listener port
 * @param bind address both listeners bind to
 * @param aeTitle our (called) AE title
 * @param allowAe calling AE titles allowed to send; empty means nobody may
 * @param maxAssociations concurrent associations before "local limit exceeded"
 * @param idleTimeout how long an association may sit idle between PDUs
 * @param artimTimeout how long a new connection has to send its A-ASSOCIATE-RQ
 * @param maxObjectBytes largest data set accepted in one C-STORE
 * @param diskReserveBytes free space kept in reserve; below it we refuse new data
 * @param seriesStable a series with no new instance for this long is complete
 * @param releaseGrace a series whose association was released is complete after this grace
 * @param axialMaxAngleDeg largest angle between slice normal and patient z for "axial"
 * @param t2MinEchoTimeMs shortest echo time called T2-weighted
 * @param t2MinRepetitionTimeMs shortest repetition time called T2-weighted
 * @param bundle the model bundle (folder or .zip) to grade with; null: no grading, jobs wait
 * @param boxes canal boxes (labels.csv or a folder of LabelImg VOC XML); null: none supplied
 * @param profile the device profile id, or {@code auto} to detect it (docs/gpu.md)
 * @param profiles a folder of the operator's own device profiles (*.yaml) used instead of the
 *     shipped ones; null: the shipped ones
 * @param gpuRetry after a GPU fault, how long grading stays on the CPU before the GPU is tried
 *     again (doubling on each failed retry, at most 16 times this)
 * @param streaming grade slices as they arrive (decode ahead, speculative grading at association
 *     release); off: grade each series from its files once it is complete
 * @param streamMemoryBytes the most decoded pixel data held for series in flight; beyond it a
 *     series falls back to grading at completion
 * @param gradingAttempts attempts per grading job before it is marked failed
 * @param gradingRetryDelay wait before the second attempt; each later wait is four times longer
 * @param gradingRetryMaxDelay the longest wait between attempts
 * @param boxesApi whether canal boxes may be supplied with {@code PUT /api/v1/studies/{uid}/boxes}
 * @param apiTokenFile deprecated: a file holding one shared token accepted as a write-scope API
 *     token; null: none
 * @param sessionIdleTimeout a browser login unused this long ends
 * @param sessionMaxAge a browser login ends this long after it began
 * @param loginMaxFailures failed logins per address or user name before 429
 * @param loginFailureWindow the window failed logins are counted in
 * @param allowedHosts extra Host header names the web listener answers to
 * @param statusPageLogin whether the status page needs a login
 */
public record Settings(
    Path dataDir,
    int dicomPort,
    int httpPort,
    String bind,
    String aeTitle,
    List<String> allowAe,
    int maxAssociations,
    Duration idleTimeout,
    Duration artimTimeout,
    long maxObjectBytes,
    long diskReserveBytes,
    Duration seriesStable,
    Duration releaseGrace,
    double axialMaxAngleDeg,
    double t2MinEchoTimeMs,
    double t2MinRepetitionTimeMs,
    Path bundle,
    Path boxes,
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
    boolean statusPageLogin) {

  public Settings {
    allowAe = List.copyOf(allowAe);
    allowedHosts = List.copyOf(allowedHosts);
    if (sessionMaxAge.compareTo(sessionIdleTimeout) < 0) {
      throw new ConfigException(
          "session-max-age: must be at least session-idle-timeout ("
              + sessionIdleTimeout.toMinutes()
              + " min), was "
              + sessionMaxAge.toMinutes()
              + " min");
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
            v.get(Keys.DICOM_PORT),
            v.get(Keys.HTTP_PORT),
            v.get(Keys.BIND),
            v.get(Keys.AE_TITLE),
            v.get(Keys.ALLOW_AE),
            v.get(Keys.MAX_ASSOCIATIONS),
            v.get(Keys.IDLE_TIMEOUT),
            v.get(Keys.ARTIM_TIMEOUT),
            v.get(Keys.MAX_OBJECT_SIZE),
            v.get(Keys.DISK_RESERVE),
            v.get(Keys.SERIES_STABLE),
            v.get(Keys.RELEASE_GRACE),
            v.get(Keys.AXIAL_MAX_ANGLE),
            v.get(Keys.T2_MIN_TE),
            v.get(Keys.T2_MIN_TR),
            v.get(Keys.BUNDLE),
            v.get(Keys.BOXES),
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
            v.get(Keys.STATUS_PAGE_LOGIN));
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
