package io.cordwatch.trainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LrScheduleTest {
  @Test
  void constantIsOneAtEveryStep() {
    LrSchedule s = LrSchedule.constant();
    for (long step = 0; step < 50; step++) {
      assertEquals(1.0, s.factor(step, 10, 5));
    }
  }

  @Test
  void warmUpRisesLinearlyToOne() {
    LrSchedule s = new LrSchedule(LrSchedule.Kind.CONSTANT, 2);
    // 10 steps per epoch, 2 warm-up epochs: 20 warm-up steps, factor (step + 1) / 20.
    assertEquals(1 / 20.0, s.factor(0, 10, 5), 1e-12);
    assertEquals(10 / 20.0, s.factor(9, 10, 5), 1e-12);
    assertEquals(1.0, s.factor(19, 10, 5), 1e-12);
    assertEquals(1.0, s.factor(20, 10, 5), 1e-12);
  }

  @Test
  void cosineFallsFromOneToTheFloorAtTheLastStep() {
    LrSchedule s = new LrSchedule(LrSchedule.Kind.COSINE, 1);
    long perEpoch = 10;
    int epochs = 5; // steps 0..49; warm-up 0..9; cosine over 10..49
    assertEquals(1.0, s.factor(10, perEpoch, epochs), 1e-12);
    assertEquals(LrSchedule.FLOOR, s.factor(49, perEpoch, epochs), 1e-12);
    // Half way through the cosine part the factor is half way between 1 and the floor.
    double mid = s.factor(10 + 39 / 2, perEpoch, epochs);
    assertTrue(Math.abs(mid - (1 + LrSchedule.FLOOR) / 2) < 0.05, "mid " + mid);
    double previous = 2;
    for (long step = 10; step < 50; step++) {
      double f = s.factor(step, perEpoch, epochs);
      assertTrue(f <= previous && f >= LrSchedule.FLOOR, "step " + step + ": " + f);
      previous = f;
    }
  }

  @Test
  void badArgumentsAreNamed() {
    assertThrows(IllegalArgumentException.class, () -> new LrSchedule(null, 0));
    assertThrows(IllegalArgumentException.class, () -> new LrSchedule(LrSchedule.Kind.COSINE, -1));
    assertThrows(IllegalArgumentException.class, () -> LrSchedule.constant().factor(0, 0, 1));
  }
}
