package io.cordwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.infer.TorchFixture;
import io.cordwatch.testing.AuditRows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cordwatch bundle shadow ID|--off} on a real data directory: the choice recorded with an
 * audit row, marked in {@code bundle list}, and refused by the same signature rules as activate.
 */
class ShadowCommandsTest {
  @TempDir Path tmp;

  @Test
  void chooseListAndTurnOffTheShadowWithAnAuditRowEach() throws Exception {
    TorchFixture.bundle(tmp.resolve("a"));
    TorchFixture.bundle(tmp.resolve("b"), "torch-tiny-b", 11);
    Path data = tmp.resolve("data");
    Path config = tmp.resolve("cordwatch.yaml");
    Files.writeString(config, "data-dir: " + data + "\nallow-unsigned-bundles: on\n");
    CliRun ib =
        CliRun.run("bundle", "install", tmp.resolve("b").toString(), "--config", config.toString());
    assertEquals(0, ib.exit(), ib::all);
    String idB =
        ib.out().lines().findFirst().orElseThrow().replaceAll("installed: (\\S+) .*", "$1");

    // Without allow-unsigned-bundles (the default), the unsigned version may not run in shadow.
    CliRun refused = CliRun.run("bundle", "shadow", idB, "--data-dir", data.toString());
    assertEquals(1, refused.exit(), refused::all);
    assertTrue(refused.err().contains("not signed"), refused::all);
    CliRun unknown =
        CliRun.run("bundle", "shadow", "nope-000000000000", "--config", config.toString());
    assertEquals(1, unknown.exit(), unknown::all);

    CliRun on = CliRun.run("bundle", "shadow", idB, "--config", config.toString());
    assertEquals(0, on.exit(), on::all);
    assertTrue(on.out().startsWith("shadow: " + idB + ";"), on::all);
    CliRun again = CliRun.run("bundle", "shadow", idB, "--config", config.toString());
    assertTrue(again.out().contains(idB + " is already in shadow"), again::all);
    CliRun list = CliRun.run("bundle", "list", "--config", config.toString());
    assertTrue(list.out().contains("S " + idB + "  UNSIGNED"), list::all);
    assertTrue(list.out().contains("in shadow (S): " + idB + ", 0 series"), list::all);

    CliRun off = CliRun.run("bundle", "shadow", "--off", "--config", config.toString());
    assertEquals(0, off.exit(), off::all);
    assertTrue(off.out().contains("shadow off (was " + idB + ")"), off::all);
    CliRun both = CliRun.run("bundle", "shadow", idB, "--off", "--config", config.toString());
    assertTrue(both.exit() != 0, both::all);

    List<String> audit = AuditRows.of(data.resolve("index.db"), "bundle_shadow");
    String user = System.getProperty("user.name");
    assertEquals(
        List.of(
            "shadow " + idB + " (was off) by cli (os user " + user + ")",
            "shadow off (was " + idB + ") by cli (os user " + user + ")"),
        audit);
  }
}
