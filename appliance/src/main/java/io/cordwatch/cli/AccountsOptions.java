package io.cordwatch.cli;

import io.cordwatch.auth.AccessControl;
import io.cordwatch.config.Settings;
import io.cordwatch.store.Index;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import picocli.CommandLine.Option;

/**
 * Where {@code user} and {@code token} find the accounts: the index in the appliance's data
 * directory, named by {@code --data-dir} or by the {@code data-dir} of {@code --config} (the same
 * file {@code serve} reads). The running appliance sees changes at its next request.
 */
final class AccountsOptions {
  @Option(names = "--config", description = "The appliance's YAML config (for its data-dir)")
  Path config;

  @Option(names = "--data-dir", description = "The appliance's data directory (default: data)")
  Path dataDir;

  /** Opens the index; the caller closes it. */
  Index open() {
    Map<String, String> flags = new HashMap<>();
    if (dataDir != null) {
      flags.put("data-dir", dataDir.toString());
    }
    Path dir = Settings.load(config, flags).dataDir();
    return Index.open(dir.resolve("index.db"));
  }

  /** Runs {@code work} on the accounts, with the index open only for as long. */
  <T> T apply(Function<AccessControl, T> work) {
    try (Index index = open()) {
      return work.apply(access(index));
    }
  }

  /** Runs {@code work} on the accounts, then prints {@code done}. */
  void run(Consumer<AccessControl> work, String done) {
    apply(
        a -> {
          work.accept(a);
          return null;
        });
    System.out.println(done);
  }

  static AccessControl access(Index index) {
    return AccessControl.over(index, Clock.systemUTC());
  }

  static String time(Long ms) {
    return ms == null ? "never" : Instant.ofEpochMilli(ms).toString();
  }
}
