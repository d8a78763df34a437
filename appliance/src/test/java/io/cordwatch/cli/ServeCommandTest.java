package io.cordwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.config.Keys;
import io.cordwatch.config.Setting;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ServeCommandTest {
  @TempDir Path tmp;

  @Test
  void anUnusableCertificateStopsServeBeforeAnythingOpens() throws IOException {
    Path cert = Files.writeString(tmp.resolve("cert.pem"), "not a certificate\n");
    Path key = Files.writeString(tmp.resolve("key.pem"), "nor a key\n");
    Path data = tmp.resolve("data");
    CliRun r =
        CliRun.run(
            "serve",
            "--data-dir",
            data.toString(),
            "--dicom-port",
            "0",
            "--http-port",
            "0",
            "--https-port",
            "0",
            "--tls-cert",
            cert.toString(),
            "--tls-key",
            key.toString());

    assertEquals(1, r.exit(), r.all());
    assertTrue(r.err().startsWith("cordwatch: tls-cert: " + cert + ": is not a PEM file"), r.all());
    assertTrue(r.err().contains("CordWatch did not start"), r.all());
    assertFalse(Files.exists(data.resolve("index.db")), "checked before the index opens");
  }

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
