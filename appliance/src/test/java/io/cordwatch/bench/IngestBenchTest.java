package io.cordwatch.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code bench ingest} refuses nonsense sizes; the bench itself is a command, never a test. */
class IngestBenchTest {

  @Test
  void nonsenseSizesAreRefusedWithTheOptionNamed() {
    PrintStream saved = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    int instances;
    int size;
    int runs;
    try {
      instances = Main.run("bench", "ingest", "--instances", "0");
      size = Main.run("bench", "ingest", "--size", "5");
      runs = Main.run("bench", "ingest", "--runs", "-1");
    } finally {
      System.setErr(saved);
    }
    assertEquals(2, instances);
    assertEquals(2, size);
    assertEquals(2, runs);
    String text = err.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("--instances must be between 1 and 100000, was 0"), text);
    assertTrue(text.contains("--size must be between 16 and 4096 pixels, was 5"), text);
    assertTrue(text.contains("--runs must be between 1 and 50, was -1"), text);
  }
}
