package io.cordwatch.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A UTC clock the test moves by hand, at millisecond resolution. Safe to read from the threads of
 * the code under test while the test thread moves it.
 */
public final class MutableClock extends Clock {
  private final AtomicLong millis;

  /** A clock showing {@code epochMillis}. */
  public MutableClock(long epochMillis) {
    this.millis = new AtomicLong(epochMillis);
  }

  /** A clock showing {@code start}. */
  public MutableClock(Instant start) {
    this(start.toEpochMilli());
  }

  /** Moves the clock to {@code epochMillis}. */
  public void set(long epochMillis) {
    millis.set(epochMillis);
  }

  /** Moves the clock forward by {@code ms}. */
  public void advance(long ms) {
    millis.addAndGet(ms);
  }

  /** Moves the clock forward by {@code d}. */
  public void advance(Duration d) {
    advance(d.toMillis());
  }

  @Override
  public long millis() {
    return millis.get();
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis.get());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
