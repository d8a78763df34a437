package io.cordwatch.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Slows password guessing: after {@link AuthConfig#loginMaxFailures} failed logins within {@link
 * AuthConfig#loginFailureWindow}, from one remote address or for one user name, further attempts
 * from that address or for that name are refused until the oldest failure leaves the window. Both
 * keys count because a guesser either tries many names from one place or one name from many.
 *
 * <p>Counts live in memory only: a restart forgets them, which costs an attacker a restart of the
 * appliance, not a bypass. The map is pruned of stale keys as it grows, so a flood of distinct
 * addresses or names cannot exhaust memory.
 */
public final class LoginThrottle {
  private static final int PRUNE_ABOVE = 10_000;

  private final int maxFailures;
  private final long windowMs;
  private final Clock clock;
  private final Map<String, Deque<Long>> failures = new HashMap<>();

  public LoginThrottle(AuthConfig config, Clock clock) {
    this.maxFailures = config.loginMaxFailures();
    this.windowMs = config.loginFailureWindow().toMillis();
    this.clock = clock;
  }

  /** How long until a login from this address for this name may be tried; empty: now. */
  public synchronized Optional<Duration> retryAfter(String address, String name) {
    long now = clock.millis();
    long wait = Math.max(wait(addressKey(address), now), wait(nameKey(name), now));
    return wait > 0 ? Optional.of(Duration.ofMillis(wait)) : Optional.empty();
  }

  /** Counts a failed login. */
  public synchronized void failed(String address, String name) {
    long now = clock.millis();
    if (failures.size() > PRUNE_ABOVE) {
      failures.values().removeIf(d -> d.isEmpty() || d.peekLast() <= now - windowMs);
    }
    failures.computeIfAbsent(addressKey(address), k -> new ArrayDeque<>()).addLast(now);
    failures.computeIfAbsent(nameKey(name), k -> new ArrayDeque<>()).addLast(now);
  }

  /** A successful login clears the name's failures (the address's stay counted). */
  public synchronized void succeeded(String name) {
    failures.remove(nameKey(name));
  }

  private long wait(String key, long now) {
    Deque<Long> d = failures.get(key);
    if (d == null) {
      return 0;
    }
    while (!d.isEmpty() && d.peekFirst() <= now - windowMs) {
      d.removeFirst();
    }
    if (d.isEmpty()) {
      failures.remove(key);
      return 0;
    }
    return d.size() >= maxFailures ? d.peekFirst() + windowMs - now : 0;
  }

  private static String addressKey(String address) {
    return "address " + address;
  }

  private static String nameKey(String name) {
    return "name " + (name == null ? "" : name.toLowerCase(Locale.ROOT));
  }
}
