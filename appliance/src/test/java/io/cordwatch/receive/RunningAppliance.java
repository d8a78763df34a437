package io.cordwatch.receive;

import io.cordwatch.app.Appliance;
import io.cordwatch.app.Settings;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/** An appliance started in-process on free ports over a temporary data directory. */
final class RunningAppliance {
  private RunningAppliance() {}

  static Settings settings(Path dataDir, Map<String, String> extra) {
    Map<String, String> m = new HashMap<>();
    m.put("data-dir", dataDir.toString());
    m.put("dicom-port", "0");
    m.put("http-port", "0");
    m.put("bind", "127.0.0.1");
    m.put("allow-ae", "STORESCU,ECHOSCU,RAWSCU,PIXELMED");
    m.put("disk-reserve", "0");
    m.put("artim-timeout", "2s");
    m.put("idle-timeout", "10s");
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
