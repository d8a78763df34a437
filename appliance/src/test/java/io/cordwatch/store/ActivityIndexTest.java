package io.cordwatch.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The status page's window: arrivals, verdict latencies and traffic per calling AE. */
class ActivityIndexTest {
  @TempDir Path tmp;

  @Test
  void anEmptyIndexHasNoActivityAndNoLastStudy() {
    try (Index index = Index.open(tmp.resolve("index.db"))) {
      Activity a = index.activity(0);
      assertEquals(List.of(), a.studyArrivals());
      assertEquals(List.of(), a.verdicts());
      assertEquals(List.of(), a.callers());
      assertNull(a.lastReceivedMs());
    }
  }

  @Test
  void theWindowCountsArrivalsLatenciesAndCallersSinceItsStart() {
    try (Index index = Index.open(tmp.resolve("index.db"))) {
      // Before the window: counts towards the last study only if it is the newest.
      ReceivedInstances.receive(index, "1.1", "1.1.9", "1.1.9.1", 500, "OLD_CT");
      ReceivedInstances.receive(index, "1.2", "1.2.9", "1.2.9.1", 2_000, "MRI_A");
      ReceivedInstances.receive(index, "1.2", "1.2.9", "1.2.9.2", 3_000, "MRI_A");
      ReceivedInstances.receive(index, "1.3", "1.3.9", "1.3.9.1", 4_000, "MRI_B");
      ReceivedInstances.receive(index, "1.4", "1.4.9", "1.4.9.1", 5_000, "MRI_A");
      index.completeSeries("1.2.9", 3_500, true, "selected", List.of());
      index.finishJob(index.claimJob(3_600).orElseThrow(), "{}", List.of(), 4_500);

      Activity a = index.activity(1_000);

      assertEquals(List.of(2_000L, 4_000L, 5_000L), a.studyArrivals());
      assertEquals(
          List.of(new Activity.Latency(4_500, 1_500)),
          a.verdicts(),
          "from the series' last instance (3.0 s) to the stored verdict (4.5 s)");
      assertEquals(5_000L, a.lastReceivedMs());
      assertEquals(
          List.of(new Activity.Caller("MRI_A", 3, 2), new Activity.Caller("MRI_B", 1, 1)),
          a.callers(),
          "the old study's caller is outside the window");
    }
  }

  @Test
  void callersCountExactlyTheInstancesFromTheWindowStartAmongMany() {
    try (Index index = Index.open(tmp.resolve("index.db"))) {
      for (int i = 1; i <= 100; i++) {
        ReceivedInstances.receive(
            index, "2." + (i / 10), "2." + (i / 10) + ".9", "2.9." + i, i * 1_000L, "AE" + i % 2);
      }

      // Instances 61..100 arrived at or after 60.5 s: 20 from each AE; the even ones (AE0) in
      // studies 2.6 to 2.10, the odd ones (AE1) in 2.6 to 2.9.
      Activity a = index.activity(60_500);

      assertEquals(
          List.of(new Activity.Caller("AE0", 20, 5), new Activity.Caller("AE1", 20, 4)),
          a.callers());
      assertEquals(List.of(), index.activity(100_001).callers(), "a window after the last one");
      assertEquals(100, index.activity(0).callers().stream().mapToLong(c -> c.instances()).sum());
    }
  }
}
