package io.cordwatch.trainer.cli;

import io.cordwatch.cli.Main;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the trainer's {@code cordwatch} verbs ({@code train}, {@code bench train}). The
 * launcher runs this class, with the trainer's class path, for those verbs and the appliance's
 * {@code io.cordwatch.cli.Main} for every other one, so the appliance never needs the trainer (or
 * libtorch) on its class path.
 */
@Command(
    name = "cordwatch",
    mixinStandardHelpOptions = true,
    description =
        "CordWatch model development: pretrain a backbone, train a bundle, join bundles into an"
            + " ensemble, measure training throughput.",
    subcommands = {
      TrainCommand.class,
      PretrainCommand.class,
      EnsembleCommand.class,
      TrainerMain.Bench.class,
      CommandLine.HelpCommand.class
    })
public final class TrainerMain implements Runnable {

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the CLI and returns the exit code (tests call this instead of {@link #main}). */
  public static int run(String... args) {
    return Main.execute(new TrainerMain(), args);
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /** {@code cordwatch bench train}. */
  @Command(
      name = "bench",
      mixinStandardHelpOptions = true,
      description = "Benchmarks of model development.",
      subcommands = {TrainBench.class})
  static final class Bench implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      spec.commandLine().usage(spec.commandLine().getOut());
    }
  }
}
