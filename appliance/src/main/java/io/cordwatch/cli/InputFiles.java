package io.cordwatch.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The files named on a command line: folders are walked recursively (symbolic links followed, as a
 * site may link study folders into one) in a stable order, a path that does not exist is reported
 * on stderr and skipped, a folder that cannot be listed is recorded as not read.
 *
 * @param files every regular file found, in order
 * @param notRead "path: reason" lines; mutable, so the caller can add files it could not read
 * @param existing how many of the named paths existed (0 means there was nothing to do)
 */
record InputFiles(List<Path> files, List<String> notRead, int existing) {
  /**
   * PixelMed logs a stack trace for every damaged file it is handed; a command that reads a user's
   * folders lists such files with a one-line reason, so while it runs those logs would only bury
   * the answer. Held here because the logging framework keeps loggers weakly.
   */
  private static final Logger PIXELMED_LOG = Logger.getLogger("com.pixelmed");

  /** Runs {@code body} with PixelMed's log off, restoring it and flushing both writers after. */
  static int readingQuietly(
      PrintWriter out, PrintWriter err, BiFunction<PrintWriter, PrintWriter, Integer> body) {
    Level previous = PIXELMED_LOG.getLevel();
    PIXELMED_LOG.setLevel(Level.OFF);
    try {
      return body.apply(out, err);
    } finally {
      PIXELMED_LOG.setLevel(previous);
      out.flush();
      err.flush();
    }
  }

  /** {@link #readingQuietly(PrintWriter, PrintWriter, BiFunction)} with the command's writers. */
  static int readingQuietly(CommandSpec spec, BiFunction<PrintWriter, PrintWriter, Integer> body) {
    return readingQuietly(spec.commandLine().getOut(), spec.commandLine().getErr(), body);
  }

  static InputFiles collect(List<Path> paths, String command, PrintWriter err) {
    List<Path> files = new ArrayList<>();
    List<String> notRead = new ArrayList<>();
    int existing = 0;
    for (Path p : paths) {
      if (!Files.exists(p)) {
        err.println(command + ": " + p + ": no such file or folder");
        continue;
      }
      existing++;
      if (!Files.isDirectory(p)) {
        files.add(p);
        continue;
      }
      try (Stream<Path> walk = Files.walk(p, FileVisitOption.FOLLOW_LINKS)) {
        walk.filter(Files::isRegularFile).sorted().forEach(files::add);
      } catch (IOException | UncheckedIOException e) {
        notRead.add(p + ": cannot list folder (" + e.getMessage() + ")");
      }
    }
    return new InputFiles(files, notRead, existing);
  }
}
