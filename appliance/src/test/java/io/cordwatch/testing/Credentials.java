package io.cordwatch.testing;

import io.cordwatch.auth.AccessControl;
import io.cordwatch.auth.Role;
import io.cordwatch.auth.Scope;
import io.cordwatch.store.Index;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Accounts for tests that talk to a running appliance: nothing carrying PHI answers without them.
 * Made through the same store API as {@code cordwatch token add} / {@code user add}, in the data
 * directory's index, before or while an appliance runs there.
 */
public final class Credentials {
  /** A password strong enough for the appliance's rules. */
  public static final String PASSWORD = "correct horse battery staple";

  private static final java.util.concurrent.atomic.AtomicInteger COUNT =
      new java.util.concurrent.atomic.AtomicInteger();

  private Credentials() {}

  /** A new API token with {@code scope} named {@code name} in {@code index}. */
  public static String token(Index index, String name, Scope scope) {
    return AccessControl.over(index, Clock.systemUTC()).tokens().add(name, scope);
  }

  /** A new write-scope API token (write includes read) in the index of {@code dataDir}. */
  public static String writeToken(Path dataDir) {
    try (Index index = Index.open(dataDir.resolve("index.db"))) {
      return writeToken(index);
    }
  }

  /** A new write-scope API token, with a name of its own, in {@code index}. */
  public static String writeToken(Index index) {
    return token(index, "test-" + COUNT.incrementAndGet(), Scope.WRITE);
  }

  /** A user with {@link #PASSWORD}. */
  public static void user(Index index, String name, Role role) {
    AccessControl.over(index, Clock.systemUTC()).users().add(name, role, PASSWORD.toCharArray());
  }

  /** {@code builder} with {@code Authorization: Bearer token}. */
  public static HttpRequest.Builder bearer(HttpRequest.Builder builder, String token) {
    return builder.header("Authorization", "Bearer " + token);
  }
}
