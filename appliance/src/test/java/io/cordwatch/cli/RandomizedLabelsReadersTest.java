package io.cordwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.phantom.Phantom;
import io.cordwatch.phantom.StudyPlan;
import io.cordwatch.roi.CanalBox;
import io.cordwatch.roi.LabelFiles;
import io.cordwatch.roi.SuppliedBoxes;
import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A randomized run's labels.csv (exact box columns and a last {@code boundary_distance} column,
 * often empty) reads through every appliance reader of labels.csv, which go by header name.
 */
class RandomizedLabelsReadersTest {
  @TempDir Path tmp;

  @Test
  void everyReaderAcceptsTheExtraColumns() throws Exception {
    for (boolean enhanced : new boolean[] {false, true}) {
      Path dir = tmp.resolve(enhanced ? "enhanced" : "classic");
      Phantom.Result r =
          Phantom.generate(
              new Phantom.Options(dir, 2, 31, StudyPlan.Style.RANDOMIZED, 8, false, enhanced));
      Path csv = r.labels();
      List<String> lines = Files.readAllLines(csv);
      List<String> header = LabelFiles.csvColumns(lines.getFirst());
      assertEquals("boundary_distance", header.getLast());
      assertTrue(header.containsAll(List.of("exact_x0", "exact_y0", "exact_x1", "exact_y1")));
      assertEquals(enhanced, header.contains("frame"));
      int rows = lines.size() - 1;
      assertEquals(16, rows);
      assertTrue(
          lines.stream().skip(1).anyMatch(l -> l.endsWith(",")),
          "grade-0 slices without tumour leave boundary_distance empty");

      List<String> sops = new ArrayList<>();
      try (BufferedReader in = Files.newBufferedReader(csv)) {
        in.readLine();
        LabelFiles.csvRows(
            in,
            header.size(),
            header.indexOf("sop_instance_uid"),
            (line, what) -> new IllegalStateException(line + ": " + what),
            (line, fields, sop) -> sops.add(sop));
      }
      assertEquals(rows, sops.size());

      SuppliedBoxes boxes = SuppliedBoxes.load(csv);
      assertEquals(rows, boxes.size());
      String[] first = lines.get(1).split(",", -1);
      int frame = enhanced ? Integer.parseInt(first[header.indexOf("frame")]) : 1;
      CanalBox box = boxes.box(first[1], frame).orElseThrow();
      assertEquals(Integer.parseInt(first[header.indexOf("x0")]), box.x0());
      assertEquals(Integer.parseInt(first[header.indexOf("y1")]), box.y1());

      List<Evaluation.Slice> reference = Evaluation.readLabels(csv);
      assertEquals(rows, reference.size());
    }
  }
}
