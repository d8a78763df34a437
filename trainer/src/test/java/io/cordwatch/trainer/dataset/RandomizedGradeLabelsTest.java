package io.cordwatch.trainer.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cordwatch.phantom.Phantom;
import io.cordwatch.phantom.StudyPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trainer reads a randomized run's labels.csv, extra columns and all, by header name. */
class RandomizedGradeLabelsTest {
  @TempDir Path tmp;

  @Test
  void gradeLabelsReadTheRandomizedColumns() throws Exception {
    Phantom.Result r =
        Phantom.generate(
            new Phantom.Options(tmp, 2, 31, StudyPlan.Style.RANDOMIZED, 6, false, false));
    Map<GradeLabels.Key, GradeLabels.Graded> graded =
        GradeLabels.read(r.labels(), List.of("0", "1a", "1b", "1c", "2", "3"));
    List<String> lines = Files.readAllLines(r.labels());
    assertEquals(lines.size() - 1, graded.size());
    String[] first = lines.get(1).split(",", -1);
    assertEquals(
        List.of("0", "1a", "1b", "1c", "2", "3").indexOf(first[2]),
        graded.get(new GradeLabels.Key(first[1], 1)).classIndex());
  }
}
