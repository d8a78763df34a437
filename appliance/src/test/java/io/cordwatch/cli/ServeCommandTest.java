package io.cordwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.config.Keys;
import io.cordwatch.config.Setting;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ServeCommandTest {
  @Test
  void everyConfigKeyIsAServeFlagOfTheSameName() {
    List<String> args = new ArrayList<>();
    Map<String, String> expected = new LinkedHashMap<>();
    for (Setting<?> s : Keys.ALL) {
      String value = "value-of-" + s.key();
      args.add("--" + s.key());
      args.add(value);
      expected.put(s.key(), value);
    }
    ServeCommand serve = new ServeCommand();
    new CommandLine(serve).parseArgs(args.toArray(String[]::new));

    assertEquals(expected, serve.overrides());
  }

  @Test
  void flagsNotGivenAreNotOverrides() {
    ServeCommand serve = new ServeCommand();
    new CommandLine(serve).parseArgs("--dicom-port", "104", "--streaming=off");

    assertEquals(Map.of("dicom-port", "104", "streaming", "off"), serve.overrides());
  }

  @Test
  void aListFlagMayBeRepeated() {
    ServeCommand serve = new ServeCommand();
    new CommandLine(serve)
        .parseArgs("--forward-to", "PACS@10.0.0.5:104", "--forward-to", "ARCHIVE@10.0.0.6:11112");
    assertEquals(
        Map.of("forward-to", "PACS@10.0.0.5:104,ARCHIVE@10.0.0.6:11112"), serve.overrides());
  }

  @Test
  void helpShowsEachFlagWithItsDefault() {
    StringWriter out = new StringWriter();
    CommandLine cl = new CommandLine(new ServeCommand());
    cl.setOut(new PrintWriter(out));
    assertEquals(0, cl.execute("--help"));

    String help = out.toString();
    for (Setting<?> s : Keys.ALL) {
      assertTrue(help.contains("--" + s.key() + "="), s.key() + " in\n" + help);
    }
    assertTrue(help.contains("(default: 11112)"), help);
    assertTrue(help.contains("(default: 256MiB)"), help);
  }
}
