package io.cordwatch.cli;

import io.cordwatch.store.Backup;
import io.cordwatch.store.StoreException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cordwatch restore}: puts a backup ({@link Backup#restore}) into an empty or absent data
 * directory; start the appliance on it afterwards. Exit 2 when refused.
 */
@Command(
    name = "restore",
    mixinStandardHelpOptions = true,
    description =
        "Restore a backup into an empty or absent data directory (checks the manifest first;"
            + " writes the index last).")
final class RestoreCommand implements Callable<Integer> {
  @Option(
      names = "--from",
      required = true,
      paramLabel = "BACKUP_DIR",
      description = "A folder written by cordwatch backup")
  Path from;

  @Option(names = "--config", description = "The appliance's YAML config (for its data-dir)")
  Path config;

  @Option(
      names = "--data-dir",
      description = "The data directory to restore into: absent or empty (default: data)")
  Path dataDir;

  @Override
  public Integer call() throws Exception {
    try {
      Backup.restore(from, BackupCommand.dataDir(config, dataDir), System.out::println);
      return 0;
    } catch (StoreException e) {
      return BackupCommand.refusedOrThrow("restore", e);
    }
  }
}
