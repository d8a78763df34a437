package io.cordwatch.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** What an association carried: counts for its log line and audit record, series told once. */
class AssociationTallyTest {
  @Test
  void countsStoredRefusedAndAlreadyHeldAndTellsTheSeriesOnce() {
    AssociationTally t = new AssociationTally();
    assertTrue(t.seriesToTell().isEmpty(), "nothing stored, nothing to tell");

    t.stored(new Ingest.Stored(null, false, "1.2.3"));
    t.stored(new Ingest.Stored(null, true, "1.2.3"));
    t.stored(new Ingest.Stored(null, true, null));
    t.stored(new Ingest.Stored(null, false, "1.2.4"));
    t.failed();

    assertEquals(4, t.stored());
    assertEquals(1, t.refused());
    assertEquals(2, t.duplicates());
    assertEquals(2, t.seriesCount());
    assertTrue(t.studies().isEmpty(), "no facts, no study");
    assertEquals(Set.of("1.2.3", "1.2.4"), t.seriesToTell());
    assertTrue(t.seriesToTell().isEmpty(), "a release request and the end tell the listener once");
  }
}
