package io.cordwatch.app;

import io.cordwatch.config.Settings;
import io.cordwatch.retention.Retention;
import io.cordwatch.store.Index;
import io.cordwatch.telemetry.Meters;
import io.cordwatch.telemetry.VolumeUsage;
import java.time.Clock;

/**
 * Retention as the appliance and the {@code retention} command both run it: the settings' rules,
 * the operating system's volume figures, and the store's hold on studies whose results are not yet
 * delivered or that clinicians have reviewed ({@link Index#resultsHold}).
 */
public final class RetentionWiring {
  private RetentionWiring() {}

  public static Retention retention(Settings s, Index index, Meters meters, Clock clock) {
    return new Retention(
        s.dataDir(),
        index,
        StageSettings.retention(s),
        index.resultsHold(),
        VolumeUsage.statvfs(),
        meters,
        clock);
  }
}
