package io.cordwatch.cli;

import io.cordwatch.Version;
import io.cordwatch.config.Settings;
import io.cordwatch.infer.Bundle;
import io.cordwatch.infer.BundleException;
import io.cordwatch.infer.Bundles;
import io.cordwatch.store.Backup;
import io.cordwatch.store.StoreException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cordwatch backup}: a consistent copy of a data directory taken while the appliance runs
 * ({@link Backup#create}), with the installed model bundles, each copy checked against its
 * bundle.json ({@link #bundleProblem}). Exit 2 when refused (the target is not empty, no index to
 * back up).
 */
@Command(
    name = "backup",
    mixinStandardHelpOptions = true,
    description =
        "Back up the data directory (index snapshot, the instance files it names, quarantine,"
            + " outbox, installed model bundles) while the appliance runs.")
final class BackupCommand implements Callable<Integer> {
  @Option(names = "--config", description = "The appliance's YAML config (for its data-dir)")
  Path config;

  @Option(names = "--data-dir", description = "The appliance's data directory (default: data)")
  Path dataDir;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "BACKUP_DIR",
      description = "Where to write the backup: a folder that is absent or empty")
  Path out;

  @Override
  public Integer call() throws Exception {
    try {
      Backup.create(
          dataDir(config, dataDir),
          out,
          Version.current(),
          Clock.systemUTC(),
          System.out::println,
          BackupCommand::bundleProblem);
      return 0;
    } catch (StoreException e) {
      return refusedOrThrow("backup", e);
    }
  }

  /**
   * Why the copy of an installed model bundle version is not that version: a file that differs from
   * the SHA-256 its bundle.json gives (or is missing), or a bundle.json whose digest is not the one
   * the version's id names. The signature is not judged here: the restored appliance judges it with
   * its own trusted keys, as it does at every load.
   */
  static String bundleProblem(Path copy) {
    try {
      Bundle b = Bundles.load(copy);
      String id = copy.getFileName().toString();
      return b.versionId().equals(id)
          ? null
          : "its bundle.json makes it "
              + b.versionId()
              + ", not "
              + id
              + " (changed after install)";
    } catch (BundleException e) {
      return e.getMessage() + " [" + e.code() + "]";
    }
  }

  /** The data directory named by {@code --data-dir}, or by the {@code data-dir} of the config. */
  static Path dataDir(Path config, Path dataDir) {
    Map<String, String> flags = new HashMap<>();
    if (dataDir != null) {
      flags.put("data-dir", dataDir.toString());
    }
    return Settings.load(config, flags).dataDir();
  }

  /** A refusal is exit 2 with its reason; any other failure goes to the common error policy. */
  static int refusedOrThrow(String command, StoreException e) {
    if (e.code() != StoreException.Code.REFUSED) {
      throw e;
    }
    System.err.println("cordwatch " + command + ": " + e.getMessage());
    return 2;
  }
}
