package io.cordwatch.trainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** A finite loss that blows up stops the run; an ordinary one, and the first epoch, do not. */
class DivergenceGuardTest {
  @Test
  void theFirstEpochIsNeverJudged() {
    DivergenceGuard g = new DivergenceGuard();
    assertNull(g.check(1, 1e12), "warm-up losses start high and there is no mean yet");
  }

  @Test
  void aStepOverAHundredTimesTheBestEpochMeanStopsTheRunNamingTheLastGoodCheckpoint() {
    DivergenceGuard g = new DivergenceGuard();
    g.epochDone(1, 14.2);
    g.epochDone(2, 1.4845);
    g.epochDone(3, 1.9); // a worse epoch does not move the bar
    assertNull(g.check(4, 148), "under 100 x 1.4845");
    String why = g.check(4, 149);
    assertNotNull(why);
    assertEquals(
        "training diverged in epoch 4: a step's loss reached 149.0, over 100 times the best epoch"
            + " mean (1.485, epoch 2); the work folder keeps the checkpoint of epoch 3; start"
            + " again with a lower --lr or another --seed",
        why);
  }

  @Test
  void theSeed3RunOfTheShippedRecipeWouldHaveStoppedInEpoch11() {
    // Epoch means of /work/runs/v23 (docs/validation.md): 0.9705 after epoch 10, 5.3e8 in 11.
    DivergenceGuard g = new DivergenceGuard();
    g.epochDone(9, 1.0093);
    g.epochDone(10, 0.9705);
    assertNull(g.check(11, 1.2));
    assertNotNull(g.check(11, 5.3e8));
  }
}
