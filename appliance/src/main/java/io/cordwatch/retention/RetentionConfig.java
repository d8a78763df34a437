package io.cordwatch.retention;

import java.time.Duration;

/**
 * What retention is told at start-up (keys of the same names in the appliance's settings; checked
 * there). A zero duration or percentage switches its rule off.
 *
 * @param maxAge a settled study whose last instance arrived longer ago goes ({@code
 *     retention-max-age}); zero: studies are not removed for their age
 * @param highWaterPercent when the data volume is this full (bytes or inodes), settled studies go,
 *     least recently received first ({@code retention-disk-high-water}); zero: off
 * @param lowWaterPercent ... until it is at most this full ({@code retention-disk-low-water})
 * @param quarantineMaxAge quarantined files older than this are deleted ({@code
 *     quarantine-max-age}); zero: kept for ever
 * @param interval how often the worker runs ({@code retention-interval}); zero: never (the {@code
 *     retention} command still runs it by hand)
 */
public record RetentionConfig(
    Duration maxAge,
    double highWaterPercent,
    double lowWaterPercent,
    Duration quarantineMaxAge,
    Duration interval) {

  public RetentionConfig {
    if (highWaterPercent < 0 || highWaterPercent > 100) {
      throw new IllegalArgumentException("high water must be 0 to 100 %, was " + highWaterPercent);
    }
    if (highWaterPercent > 0 && (lowWaterPercent <= 0 || lowWaterPercent >= highWaterPercent)) {
      throw new IllegalArgumentException(
          "low water must be above 0 and below high water, was " + lowWaterPercent);
    }
  }

  boolean ageRule() {
    return !maxAge.isZero();
  }

  boolean diskRule() {
    return highWaterPercent > 0;
  }

  boolean quarantineRule() {
    return !quarantineMaxAge.isZero();
  }
}
