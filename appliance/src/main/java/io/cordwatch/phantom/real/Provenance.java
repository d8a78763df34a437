package io.cordwatch.phantom.real;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Writes sources.csv and SOURCES.md: every real series used, where it came from, its licence. */
final class Provenance {
  private Provenance() {}

  static void write(Path out, Map<RealSource, RealSpine.Counts> counts) throws IOException {
    StringBuilder csv =
        new StringBuilder(
            "source,file,mask,origin,licence,series_description,t2_weighted,series,slices,labelled\n");
    StringBuilder md =
        new StringBuilder(
            """
            # Sources of this real-spine set

            Real MRI of healthy volunteers from the Spinal Cord Toolbox example data (NeuroPoly,
            Polytechnique Montreal), MIT licence; no tumour, every untouched slice is Bilsky grade 0.
            Cervical and lumbar only (no thoracic); the T2* series is a gradient echo, NOT
            T2-weighted, and is correctly skipped by the appliance's series rules. Lesion series
            carry synthetic epidural tumours inserted by CordWatch (grades measured from the warped
            masks). Acquisition fields (TE, TR) are plausible values, not the source's.

            | source | file | origin | licence | series | slices | labelled |
            |---|---|---|---|---|---|---|
            """);
    for (var e : counts.entrySet()) {
      RealSource s = e.getKey();
      RealSpine.Counts c = e.getValue();
      csv.append(
          String.join(
                  ",",
                  s.id(),
                  s.image(),
                  s.mask() == null ? "" : s.mask(),
                  "\"SCT " + s.origin() + "\"",
                  "MIT",
                  "\"" + s.description() + "\"",
                  Boolean.toString(s.t2Weighted()),
                  Integer.toString(c.series()),
                  Integer.toString(c.slices()),
                  Integer.toString(c.labelled()))
              + "\n");
      md.append(
          String.format(
              "| %s | %s | SCT %s | MIT | %d | %d | %d |%n",
              s.id(), s.image(), s.origin(), c.series(), c.slices(), c.labelled()));
    }
    Files.writeString(out.resolve("sources.csv"), csv, StandardCharsets.UTF_8);
    Files.writeString(out.resolve("SOURCES.md"), md, StandardCharsets.UTF_8);
  }
}
