package io.cordwatch.receive;

import io.cordwatch.app.Appliance;
import io.cordwatch.app.Settings;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/** An appliance started in-process on free ports over a temporary data directory. */
public final class RunningAppliance {
  private RunningAppliance() {}

  /**
   * The settings of a test appliance as a mutable map: loopback, free ports, the test callers
   * allowed, no disk reserve, short ARTIM and idle timeouts.
   */
  public static Map<String, String> flags(Path dataDir) {
    Map<String, String> m = new HashMap<>();
    m.put("data-dir", dataDir.toString());
    m.put("dicom-port", "0");
    m.put("http-port", "0");
    m.put("bind", "127.0.0.1");
    m.put("allow-ae", "STORESCU,ECHOSCU,RAWSCU,PIXELMED");
    m.put("disk-reserve", "0");
    m.put("artim-timeout", "2s");
    m.put("idle-timeout", "10s");
    return m;
  }

  static Settings settings(Path dataDir, Map<String, String> extra) {
    Map<String, String> m = flags(dataDir);
    m.putAll(extra);
    return Settings.load(null, m);
  }

  static Appliance start(Path dataDir) {
    return start(dataDir, Map.of());
  }

  static Appliance start(Path dataDir, Map<String, String> extra) {
    return Appliance.start(settings(dataDir, extra), Clock.systemUTC());
  }
}
