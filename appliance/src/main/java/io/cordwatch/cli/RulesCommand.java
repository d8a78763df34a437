package io.cordwatch.cli;

import picocli.CommandLine.Command;

/**
 * {@code cordwatch rules test PATH...}: series-selection dry run (filled in by the study stage).
 */
@Command(name = "rules", description = "Series-selection rules: dry-run tester.")
final class RulesCommand implements Runnable {
  @Override
  public void run() {
    throw new UnsupportedOperationException("rules test is not built yet");
  }
}
