package io.cordwatch.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * {@code cordwatch bench ...}: the benchmarks, each a subcommand that prints a ratio against a peer
 * measured in the same process or by the same script, so the number means something on whatever
 * machine it runs on. The product CLI only registers this command.
 */
@Command(
    name = "bench",
    description = "Benchmarks against a real peer, reported as ratios (not run by the tests).",
    mixinStandardHelpOptions = true,
    subcommands = {
      IngestBench.class,
      LoadBench.class,
      GradeBench.class,
      FusedBench.class,
      FaultBench.class
    })
public final class BenchCommand implements Runnable {
  @CommandLine.Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(), "name a benchmark: ingest, load, grade, fused, faults");
  }
}
