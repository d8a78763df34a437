package io.cordwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.app.BundleLifecycle;
import io.cordwatch.app.RegradeOnBoxChange;
import io.cordwatch.config.Settings;
import io.cordwatch.infer.BundleException;
import io.cordwatch.infer.TorchFixture;
import io.cordwatch.store.Index;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The list of installed versions loads (hashes) each version once per process, since a version
 * never changes once installed; what guards against a changed file is not the list but the full
 * check at activation and {@code cordwatch bundle verify}, and both still catch it.
 */
class BundleListCacheTest {
  @TempDir Path tmp;

  @Test
  void theListLoadsEachVersionOnceAndAChangedFileIsStillCaughtWhereItMatters() throws Exception {
    TorchFixture.bundle(tmp.resolve("a"));
    TorchFixture.bundle(tmp.resolve("b"), "torch-tiny-b", 11);
    Path data = tmp.resolve("data");
    Settings settings =
        Settings.load(null, Map.of("data-dir", data.toString(), "allow-unsigned-bundles", "on"));
    Files.createDirectories(data);
    try (Index index = Index.open(data.resolve("index.db"), new RegradeOnBoxChange())) {
      BundleLifecycle life = BundleLifecycle.of(settings, index, Clock.systemUTC());
      String idA = life.install(tmp.resolve("a"), "test").id();
      String idB = life.install(tmp.resolve("b"), "test").id();
      life.activateChecked(idA, "test", "activate");

      List<BundleLifecycle.Entry> first = life.entries();
      List<BundleLifecycle.Entry> second = life.entries();
      assertEquals(2, second.size());
      for (int i = 0; i < 2; i++) {
        assertNull(second.get(i).problem(), second.get(i).id());
        assertSame(first.get(i).bundle(), second.get(i).bundle(), "loaded once, not again");
      }

      Path prototypes = data.resolve("bundles/" + idB + "/prototypes.f32");
      prototypes.toFile().setWritable(true, true);
      byte[] bytes = Files.readAllBytes(prototypes);
      bytes[0] ^= 1;
      Files.write(prototypes, bytes);

      BundleException refused =
          assertThrows(BundleException.class, () -> life.activateChecked(idB, "test", "activate"));
      assertEquals(BundleException.Code.CHECKSUM_MISMATCH, refused.code(), refused.getMessage());
      assertEquals(idA, life.activation().orElseThrow().bundleId(), "still on " + idA);

      CliRun verify = CliRun.run("bundle", "verify", data.resolve("bundles/" + idB).toString());
      assertNotEquals(0, verify.exit(), verify::all);
      assertTrue(verify.all().contains("prototypes.f32"), verify::all);
      assertTrue(verify.all().contains("CHECKSUM_MISMATCH"), verify::all);

      // A new process (here: a new lifecycle) lists it with the problem at once.
      BundleLifecycle fresh = BundleLifecycle.of(settings, index, Clock.systemUTC());
      BundleLifecycle.Entry b =
          fresh.entries().stream().filter(e -> e.id().equals(idB)).findFirst().orElseThrow();
      assertTrue(b.problem().contains("CHECKSUM_MISMATCH"), b.problem());
    }
  }
}
