package io.cordwatch.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.grade.SeriesGrader;
import io.cordwatch.infer.Bundle;
import io.cordwatch.infer.Bundles;
import io.cordwatch.infer.EngineException;
import io.cordwatch.infer.FallbackEngine;
import io.cordwatch.infer.TorchFixture;
import io.cordwatch.roi.BoxSource;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The swap under a running worker: a job holding the old model keeps a working engine until it is
 * done, every later job gets the new model, and the old engine is closed with the last job on it.
 */
class ModelSlotTest {
  @TempDir Path tmp;

  private LoadedModel model(String name, long seed) throws Exception {
    Bundle b = TorchFixture.bundle(tmp.resolve(name), name, seed);
    FallbackEngine engine =
        FallbackEngine.cpuOnly(Bundles.openEngine(b), Clock.systemUTC(), false, "test");
    return new LoadedModel(
        b.versionId(),
        b,
        engine,
        null,
        null,
        new SeriesGrader(b, engine, BoxSource.none()),
        null,
        "test");
  }

  private static float[][] embedOnce(LoadedModel m) {
    int s = TorchFixture.SIZE;
    return m.engine().embed(FloatBuffer.allocate(3 * s * s), 1);
  }

  @Test
  void aJobInFlightFinishesOnTheOldModelWhichClosesAfterItsLastJob() throws Exception {
    LoadedModel a = model("a", 7);
    LoadedModel b = model("b", 11);
    try (ModelSlot slot = new ModelSlot(a)) {
      ModelSlot.Lease inFlight = slot.acquire();
      assertSame(a, inFlight.model());

      assertSame(a, slot.install(b));
      assertEquals(2, slot.version());
      // The job in flight still grades on A, whose engine is open.
      assertEquals(TorchFixture.D, embedOnce(inFlight.model())[0].length);
      try (ModelSlot.Lease next = slot.acquire()) {
        assertSame(b, next.model());
        assertEquals(2, next.version());
        assertTrue(next.version() != inFlight.version());
      }
      inFlight.close();
      EngineException e = assertThrows(EngineException.class, () -> embedOnce(a));
      assertEquals(EngineException.Code.CLOSED, e.code());
      // Giving a lease back twice changes nothing; B stays open while it is current.
      inFlight.close();
      assertEquals(TorchFixture.D, embedOnce(b)[0].length);
    }
    assertThrows(EngineException.class, () -> embedOnce(b));
  }

  @Test
  void aModelNobodyHoldsIsClosedAtTheSwitchAndAnEmptySlotLendsNothing() throws Exception {
    LoadedModel a = model("a", 7);
    try (ModelSlot slot = new ModelSlot()) {
      assertNull(slot.acquire());
      slot.install(a);
      slot.install(model("b", 11));
      assertThrows(EngineException.class, () -> embedOnce(a));
    }
  }
}
