package io.cordwatch.cli;

import io.cordwatch.Version;
import io.cordwatch.bench.BenchCommand;
import io.cordwatch.fuzz.FuzzCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code install/cordwatch}: one picocli subcommand per DESIGN.md CLI verb. */
@Command(
    name = "cordwatch",
    mixinStandardHelpOptions = true,
    versionProvider = Main.VersionProvider.class,
    description = "CordWatch: on-premise Bilsky MESCC triage appliance.",
    subcommands = {
      ServeCommand.class,
      DemoCommand.class,
      RulesCommand.class,
      BenchCommand.class,
      FuzzCommand.class,
      BundleCommand.class,
      PhantomCommand.class,
      RealSpineCommand.class,
      GradeCommand.class,
      AgreementCommand.class,
      EvaluateCommand.class,
      ProfileCommand.class,
      UserCommand.class,
      TokenCommand.class,
      BackupCommand.class,
      RestoreCommand.class,
      AdaptCommand.class,
      ValidateCommand.class,
      RetentionCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the CLI and returns the exit code (tests call this instead of {@link #main}). */
  public static int run(String... args) {
    return execute(new Main(), args);
  }

  /**
   * Runs a picocli command the way every CordWatch CLI does: an exception a command did not handle
   * is one line "cordwatch: message" on stderr and exit status 1, not a stack trace.
   */
  public static int execute(Object command, String... args) {
    CommandLine cl = new CommandLine(command);
    cl.setExecutionExceptionHandler(
        (ex, cmd, parsed) -> {
          cmd.getErr().println("cordwatch: " + ex.getMessage());
          return 1;
        });
    return cl.execute(args);
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /** Reports the jar's version. */
  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"cordwatch " + Version.current()};
    }
  }
}
