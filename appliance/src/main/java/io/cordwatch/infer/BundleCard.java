package io.cordwatch.infer;

import io.cordwatch.infer.BundleException.Code;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;

/**
 * A bundle's model card ({@value #FILE}, written by the trainer): the commands that change a bundle
 * after training (a new triage threshold or confident band, a localizer, calibration slices) add a
 * dated line to its {@value #HEADING} section, so the card does not go on describing as trained a
 * bundle whose thresholds were chosen again. A bundle without a card gets none (bundle.json is what
 * the appliance reads; the card is for people).
 */
final class BundleCard {
  static final String FILE = "MODEL_CARD.md";

  static final String HEADING = "## Changes after training";

  private static final String PREAMBLE =
      "Each line is a change a `cordwatch bundle` command made to this bundle after training, with"
          + " the figures it printed; the sections above describe the bundle as the trainer wrote"
          + " it. bundle.json holds the values in force.";

  private BundleCard() {}

  /**
   * Adds {@code change} as a line dated {@code day} under {@value #HEADING} (the section is added
   * at the end the first time). Nothing happens when the bundle has no card.
   *
   * @throws BundleException when the card exists but cannot be read or written
   */
  static void record(Path bundleDir, LocalDate day, String change) {
    Path card = bundleDir.resolve(FILE);
    String text;
    try {
      text = Files.readString(card, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return;
    } catch (IOException e) {
      throw new BundleException(Code.MISSING_FILE, card + ": cannot read: " + e, e);
    }
    String line = "- " + day + ": " + change.strip() + "\n";
    int at = text.startsWith(HEADING + "\n") ? 0 : text.indexOf("\n" + HEADING + "\n");
    String updated;
    if (at < 0) {
      String body = text.isEmpty() || text.endsWith("\n") ? text : text + "\n";
      updated = body + "\n" + HEADING + "\n\n" + PREAMBLE + "\n\n" + line;
    } else {
      // At the end of the section: before the next heading of its level or above, if any.
      int next = text.indexOf("\n## ", at + HEADING.length());
      int end = next < 0 ? text.length() : next + 1;
      String rest = next < 0 ? "" : "\n" + text.substring(end);
      updated = text.substring(0, end).stripTrailing() + "\n" + line + rest;
    }
    Path partial = bundleDir.resolve(FILE + ".partial");
    try {
      Files.writeString(partial, updated, StandardCharsets.UTF_8);
      Files.move(
          partial, card, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new BundleException(Code.MISSING_FILE, card + ": cannot write: " + e, e);
    }
  }
}
