package io.cordwatch.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleCardTest {
  private static final LocalDate DAY = LocalDate.of(2026, 12, 6);

  @TempDir Path dir;

  @Test
  void theFirstChangeAddsTheSectionAtTheEndAndLaterOnesGoUnderIt() throws IOException {
    Path card = dir.resolve(BundleCard.FILE);
    Files.writeString(card, "# Model card: m\n\n## Limitations\n\nPhantoms only."); // no final \n
    BundleCard.record(dir, DAY, "head.high_threshold 0.2000 (was 0.2585): chosen again");
    BundleCard.record(dir, DAY.plusDays(1), "  canal localizer added \n");
    String text = Files.readString(card);
    assertEquals(
        "# Model card: m\n\n## Limitations\n\nPhantoms only.\n\n"
            + BundleCard.HEADING
            + "\n\n"
            + text.split("\n")[8]
            + "\n\n- 2026-12-06: head.high_threshold 0.2000 (was 0.2585): chosen again\n"
            + "- 2026-12-07: canal localizer added\n",
        text);
    assertEquals(1, text.split(BundleCard.HEADING, -1).length - 1, "one section");
  }

  @Test
  void aSectionFollowedByAnotherGetsTheLineInsideIt() throws IOException {
    Path card = dir.resolve(BundleCard.FILE);
    Files.writeString(
        card,
        "# Model card: m\n\n"
            + BundleCard.HEADING
            + "\n\n- 2026-12-01: first\n\n## Canal localizer\n\nAdded by hand.\n");
    BundleCard.record(dir, DAY, "second");
    assertEquals(
        "# Model card: m\n\n"
            + BundleCard.HEADING
            + "\n\n- 2026-12-01: first\n- 2026-12-06: second\n\n## Canal localizer\n\nAdded by"
            + " hand.\n",
        Files.readString(card));
  }

  @Test
  void aBundleWithoutACardGetsNone() throws IOException {
    BundleCard.record(dir, DAY, "anything");
    assertFalse(Files.exists(dir.resolve(BundleCard.FILE)));
    try (var s = Files.list(dir)) {
      assertEquals(0, s.count(), "no partial file left either");
    }
  }
}
