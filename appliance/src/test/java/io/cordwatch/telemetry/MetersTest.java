package io.cordwatch.telemetry;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MetersTest {
  @Test
  void gaugesBoundToLambdasStillReadAfterGarbageCollection() {
    Meters meters = new Meters();
    long[] free = {123_456};
    meters.bindGauges(() -> free[0], () -> 1000L, () -> 7L);
    meters.bindStreaming(() -> 42L, () -> 1L);
    for (int i = 0; i < 5; i++) {
      System.gc();
    }
    String scrape = meters.scrape();
    assertTrue(scrape.contains("cordwatch_disk_free_bytes 123456.0"), scrape);
    assertTrue(scrape.contains("cordwatch_queue_depth 7.0"), scrape);
    assertTrue(scrape.contains("cordwatch_grading_streaming_held_bytes 42.0"), scrape);
    assertTrue(scrape.contains("cordwatch_grading_streaming_ready 1.0"), scrape);
    assertTrue(!scrape.contains("NaN"), scrape);
  }

  @Test
  void theVolumeGaugesReadBytesAndInodesAsRatiosAndNanWhenUnreadable() {
    Meters meters = new Meters();
    meters.bindVolume(p -> new VolumeFigures(75, 25, 200, 50), java.nio.file.Path.of("data"));
    String scrape = meters.scrape();
    assertTrue(scrape.contains("cordwatch_disk_used_ratio 0.75"), scrape);
    assertTrue(scrape.contains("cordwatch_disk_inodes_used_ratio 0.75"), scrape);

    Meters broken = new Meters();
    broken.bindVolume(
        p -> {
          throw new java.io.IOException("gone");
        },
        java.nio.file.Path.of("data"));
    assertTrue(broken.scrape().contains("cordwatch_disk_used_ratio NaN"), broken.scrape());
  }
}
