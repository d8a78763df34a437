package io.cordwatch.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Destinations as written in the configuration, and the back-off between delivery attempts. */
class DestinationTest {
  @Test
  void aeHostAndPortAreReadAndWrittenBackTheSame() {
    Destination d = Destination.parse("PACS@10.0.0.5:104");
    assertEquals(new Destination("PACS", "10.0.0.5", 104), d);
    assertEquals("PACS@10.0.0.5:104", d.toString());
    Destination v6 = Destination.parse("ARCHIVE@[fd00::5]:11112");
    assertEquals("fd00::5", v6.host());
    assertEquals("ARCHIVE@[fd00::5]:11112", v6.toString());
  }

  @Test
  void aMalformedDestinationSaysHowToWriteIt() {
    for (String bad :
        new String[] {
          "10.0.0.5:104", "PACS@10.0.0.5", "PACS@h:0", "WAY_TOO_LONG_AE_TITLE@h:1", ""
        }) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> Destination.parse(bad), bad);
      assertTrue(
          e.getMessage().contains("AE@HOST:PORT") || e.getMessage().contains("port"),
          e.getMessage());
    }
  }

  @Test
  void backOffDoublesUpToItsCapAndGivesUpOnlyAfterItsTime() {
    Backoff b = new Backoff(Duration.ofSeconds(30), Duration.ofMinutes(10), Duration.ofHours(48));
    assertEquals(Duration.ofSeconds(30), b.delayAfter(1));
    assertEquals(Duration.ofSeconds(60), b.delayAfter(2));
    assertEquals(Duration.ofSeconds(480), b.delayAfter(5));
    assertEquals(Duration.ofMinutes(10), b.delayAfter(6));
    assertEquals(Duration.ofMinutes(10), b.delayAfter(1000));
    long queued = 1_000;
    assertEquals(false, b.givesUp(queued, queued + Duration.ofHours(47).toMillis()));
    assertEquals(true, b.givesUp(queued, queued + Duration.ofHours(48).toMillis()));
  }
}
