package io.cordwatch.publish;

import java.time.Duration;

/**
 * When a failed delivery is tried again, and when it is given up: after attempt n failed, wait
 * {@code first * 2^(n - 1)}, at most {@code max}; a delivery still failing {@code giveUpAfter}
 * after it was queued is failed for good. The defaults (30 s doubling to 10 min, 48 h) keep trying
 * through a PACS outage of a weekend's night shift without hammering a PACS that is down.
 *
 * @param first the wait after the first failed attempt
 * @param max the longest wait
 * @param giveUpAfter how long after queueing a delivery is still tried (at least 24 h in service)
 */
public record Backoff(Duration first, Duration max, Duration giveUpAfter) {
  public Backoff {
    if (first.isNegative()
        || first.isZero()
        || max.compareTo(first) < 0
        || giveUpAfter.isNegative()) {
      throw new IllegalArgumentException(
          "back-off needs 0 < first <= max and giveUpAfter >= 0, got "
              + first
              + ", "
              + max
              + ", "
              + giveUpAfter);
    }
  }

  /** The wait after attempt {@code attempt} (1-based) failed. */
  public Duration delayAfter(int attempt) {
    Duration d = first;
    for (int i = 1; i < attempt && d.compareTo(max) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(max) > 0 ? max : d;
  }

  /**
   * Whether a delivery queued at {@code createdMs} is given up when an attempt fails at {@code
   * nowMs}.
   */
  public boolean givesUp(long createdMs, long nowMs) {
    return nowMs - createdMs >= giveUpAfter.toMillis();
  }
}
