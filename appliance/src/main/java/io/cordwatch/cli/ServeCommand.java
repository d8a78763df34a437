package io.cordwatch.cli;

import io.cordwatch.app.Appliance;
import io.cordwatch.app.Logging;
import io.cordwatch.config.Settings;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cordwatch serve}: runs the appliance until interrupted (SIGTERM/SIGINT stop it cleanly).
 */
@Command(
    name = "serve",
    description = "Run the appliance: DICOM receiver and HTTP API.",
    mixinStandardHelpOptions = true)
final class ServeCommand implements Callable<Integer> {
  @Option(names = "--config", description = "YAML file with the same keys as the flags")
  Path config;

  @Option(
      names = "--data-dir",
      description = "Where the index, spool and quarantine live (default: data)")
  String dataDir;

  @Option(names = "--dicom-port", description = "DICOM port (default 11112)")
  String dicomPort;

  @Option(names = "--http-port", description = "HTTP port (default 8080)")
  String httpPort;

  @Option(names = "--ae-title", description = "Our AE title (default CORDWATCH)")
  String aeTitle;

  @Option(
      names = "--allow-ae",
      description = "Calling AE titles allowed to send, comma separated (default: none)")
  String allowAe;

  @Option(names = "--bind", description = "Address to listen on (default 0.0.0.0)")
  String bind;

  @Option(names = "--max-associations", description = "Concurrent associations (default 25)")
  String maxAssociations;

  @Option(names = "--idle-timeout", description = "Association idle timeout, <= 60s (default 60s)")
  String idleTimeout;

  @Option(
      names = "--artim-timeout",
      description = "Time to send A-ASSOCIATE-RQ, <= 30s (default 30s)")
  String artimTimeout;

  @Option(names = "--max-object-size", description = "Largest data set accepted (default 1GiB)")
  String maxObjectSize;

  @Option(names = "--disk-reserve", description = "Free space kept in reserve (default 2GB)")
  String diskReserve;

  @Option(
      names = "--series-stable",
      description = "Quiet time after which a series is complete (default 5s)")
  String seriesStable;

  @Option(names = "--release-grace", description = "Grace after association release (default 1s)")
  String releaseGrace;

  @Option(
      names = "--bundle",
      description = "Model bundle folder or .zip; without one, series are queued, not graded")
  String bundle;

  @Option(
      names = "--boxes",
      description = "Canal boxes for grading: a labels.csv or a folder of LabelImg VOC XML")
  String boxes;

  @Option(
      names = "--profile",
      description = "Device profile id, or auto to detect it (default; cordwatch profile detect)")
  String profile;

  @Option(
      names = "--profiles",
      description =
          "A folder of your own device profiles (*.yaml) to use instead of the shipped ones")
  String profiles;

  @Option(
      names = "--gpu-retry",
      description = "After a GPU fault, grade on the CPU this long before retrying (default 30s)")
  String gpuRetry;

  @Option(names = "--verbose", description = "Log per-association detail")
  boolean verbose;

  /** The flags given, by setting key (absent flags are not in the map). */
  Map<String, String> overrides() {
    Map<String, String> m = new LinkedHashMap<>();
    put(m, "data-dir", dataDir);
    put(m, "dicom-port", dicomPort);
    put(m, "http-port", httpPort);
    put(m, "ae-title", aeTitle);
    put(m, "allow-ae", allowAe);
    put(m, "bind", bind);
    put(m, "max-associations", maxAssociations);
    put(m, "idle-timeout", idleTimeout);
    put(m, "artim-timeout", artimTimeout);
    put(m, "max-object-size", maxObjectSize);
    put(m, "disk-reserve", diskReserve);
    put(m, "series-stable", seriesStable);
    put(m, "release-grace", releaseGrace);
    put(m, "bundle", bundle);
    put(m, "boxes", boxes);
    put(m, "profile", profile);
    put(m, "profiles", profiles);
    put(m, "gpu-retry", gpuRetry);
    return m;
  }

  private static void put(Map<String, String> m, String key, String value) {
    if (value != null) {
      m.put(key, value);
    }
  }

  @Override
  public Integer call() throws InterruptedException {
    Logging.configure(verbose ? Level.FINE : Level.INFO);
    Settings settings = Settings.load(config, overrides());
    Appliance appliance = Appliance.start(settings, Clock.systemUTC());
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  appliance.close();
                  stop.countDown();
                }));
    stop.await();
    return 0;
  }
}
