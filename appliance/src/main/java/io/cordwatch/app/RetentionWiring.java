package io.cordwatch.app;

import io.cordwatch.config.Settings;
import io.cordwatch.retention.Retention;
import io.cordwatch.store.Index;
import io.cordwatch.store.RetentionHold;
import io.cordwatch.telemetry.Meters;
import io.cordwatch.telemetry.VolumeUsage;
import java.time.Clock;

/**
 * Retention as the appliance and the {@code retention} command both run it: the settings' rules,
 * the operating system's volume figures, and the hold that keeps studies whose results are not yet
 * delivered. Results are delivered nowhere yet, so nothing holds a study; when the publish stage's
 * outbox lands in the store, its hold goes here, once, for both.
 */
public final class RetentionWiring {
  private RetentionWiring() {}

  public static Retention retention(Settings s, Index index, Meters meters, Clock clock) {
    return new Retention(
        s.dataDir(),
        index,
        StageSettings.retention(s),
        RetentionHold.NONE,
        VolumeUsage.statvfs(),
        meters,
        clock);
  }
}
