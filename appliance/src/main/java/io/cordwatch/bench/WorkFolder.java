package io.cordwatch.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The folder a bench writes in, a picocli mixin: a fresh temporary folder removed afterwards, or
 * with {@code --keep DIR} a folder the operator names and keeps (inputs, data directories, peers'
 * files and logs, to look at after a surprising figure). Every bench that writes files takes it, so
 * each refuses the same {@code --keep} values with the same words before any work starts.
 */
final class WorkFolder {
  @Option(
      names = "--keep",
      paramLabel = "DIR",
      description =
          "Work in DIR (absent or empty) and leave everything the bench wrote there (inputs, data,"
              + " peers' files, logs); default: a temporary folder, deleted afterwards")
  Path keep;

  /**
   * Refuses a {@code --keep} that is not a folder or not empty: the bench would mix its files with
   * others, and its checks would count them.
   */
  void check(CommandLine cl) {
    if (keep == null || !Files.exists(keep)) {
      return;
    }
    if (!Files.isDirectory(keep)) {
      throw new ParameterException(cl, "--keep " + keep + " is not a folder");
    }
    try (Stream<Path> s = Files.list(keep)) {
      if (s.findAny().isPresent()) {
        throw new ParameterException(
            cl, "--keep " + keep + " is not empty (the bench would mix its files with others)");
      }
    } catch (IOException e) {
      throw new ParameterException(cl, "--keep " + keep + ": " + e.getMessage());
    }
  }

  /** Whether the operator keeps the folder (then nothing in it is deleted). */
  boolean kept() {
    return keep != null;
  }

  /** The folder, made now: {@code --keep}'s, or a new temporary one named {@code prefix...}. */
  Path create(String prefix) throws IOException {
    return kept()
        ? Files.createDirectories(keep).toAbsolutePath()
        : Files.createTempDirectory(prefix);
  }

  /** Deletes {@code work} (from {@link #create}) unless it is kept. */
  void release(Path work) throws IOException {
    if (!kept()) {
      BenchHost.deleteTree(work);
    }
  }
}
