package io.cordwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every command's and subcommand's {@code --help} prints without picocli falling back to raw text:
 * picocli formats descriptions with {@link String#format}, so a bare "95% CIs" made it warn "Could
 * not format" on stderr and print the text unformatted.
 */
class HelpTextTest {
  @Test
  void everyHelpTextFormatsCleanly() {
    List<List<String>> paths = new ArrayList<>();
    collect(new CommandLine(new Main()), new ArrayList<>(), paths);
    assertTrue(paths.size() > 20, "found " + paths.size() + " commands");
    for (List<String> path : paths) {
      List<String> args = new ArrayList<>(path);
      args.add("--help");
      CliRun r = CliRun.run(args.toArray(String[]::new));
      assertEquals(0, r.exit(), r.all());
      assertFalse(r.all().contains("Could not format"), String.join(" ", path) + ":\n" + r.all());
      assertFalse(r.out().isBlank(), String.join(" ", path));
    }
  }

  private static void collect(CommandLine cl, List<String> path, List<List<String>> out) {
    for (var e : cl.getSubcommands().entrySet()) {
      if (e.getKey().equals("help") || !e.getValue().getCommandName().equals(e.getKey())) {
        continue; // the help command and aliases
      }
      List<String> p = new ArrayList<>(path);
      p.add(e.getKey());
      out.add(p);
      collect(e.getValue(), p, out);
    }
  }
}
