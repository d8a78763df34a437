package io.cordwatch.publish;

import io.cordwatch.dicom.DicomFacts;
import io.cordwatch.dicom.InstanceFacts;
import io.cordwatch.grade.SeriesGrader;
import io.cordwatch.grade.SeriesResult;
import io.cordwatch.infer.BackboneEngine;
import io.cordwatch.infer.Bundle;
import io.cordwatch.infer.Bundles;
import io.cordwatch.infer.TorchFixture;
import io.cordwatch.phantom.Phantom;
import io.cordwatch.phantom.StudyPlan;
import io.cordwatch.roi.ConfiguredBoxes;
import io.cordwatch.study.SelectionRules;
import io.cordwatch.study.SeriesSelector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A phantom study graded offline as the appliance grades it (the tiny torch bundle, the phantom's
 * own canal boxes), and its selected series as a {@link SeriesReport}.
 */
public record GradedPhantom(List<Path> studyFiles, List<Path> seriesFiles, SeriesReport report) {

  /** The file of each instance of the graded series, by SOP Instance UID. */
  public Map<String, Path> instanceFiles() {
    Map<String, Path> out = new LinkedHashMap<>();
    for (Path f : seriesFiles) {
      out.put(DicomFacts.read(f).sopInstanceUid(), f);
    }
    return out;
  }

  public static GradedPhantom make(Path tmp, long seed) throws Exception {
    Path phantom = tmp.resolve("phantom");
    Phantom.generate(
        new Phantom.Options(phantom, 1, seed, StudyPlan.Style.INTERNAL, 24, false, false));
    List<Path> files;
    try (Stream<Path> s = Files.list(phantom.resolve("study-0001"))) {
      files = s.filter(p -> p.toString().endsWith(".dcm")).sorted().toList();
    }
    Map<String, List<InstanceFacts>> bySeries = new LinkedHashMap<>();
    Map<String, List<Path>> pathsBySeries = new LinkedHashMap<>();
    for (Path f : files) {
      InstanceFacts facts = DicomFacts.read(f);
      bySeries.computeIfAbsent(facts.seriesInstanceUid(), k -> new ArrayList<>()).add(facts);
      pathsBySeries.computeIfAbsent(facts.seriesInstanceUid(), k -> new ArrayList<>()).add(f);
    }
    SeriesSelector selector = new SeriesSelector(new SelectionRules(20, 60, 1500));
    String selected =
        bySeries.entrySet().stream()
            .filter(e -> selector.decide(e.getValue()).selected())
            .map(Map.Entry::getKey)
            .findFirst()
            .orElseThrow();
    List<InstanceFacts> facts = bySeries.get(selected);
    List<Path> paths = pathsBySeries.get(selected);
    Bundle bundle = TorchFixture.bundle(tmp.resolve("bundle"));
    SeriesResult result;
    try (ConfiguredBoxes boxes = ConfiguredBoxes.open(bundle, phantom.resolve("labels.csv"));
        BackboneEngine engine = Bundles.openEngine(bundle)) {
      List<SeriesGrader.Input> inputs = new ArrayList<>();
      for (int i = 0; i < facts.size(); i++) {
        inputs.add(new SeriesGrader.Input(facts.get(i).sopInstanceUid(), paths.get(i)));
      }
      result =
          new SeriesGrader(bundle, engine, boxes.source())
              .grade(facts.getFirst().studyInstanceUid(), selected, inputs);
    }
    Map<String, String> classes = new LinkedHashMap<>();
    facts.forEach(f -> classes.put(f.sopInstanceUid(), f.sopClassUid()));
    SeriesReport report =
        new SeriesReport(
            result.studyInstanceUid(),
            selected,
            facts.getFirst().seriesNumber(),
            result.verdict(),
            result.slices(),
            classes,
            BundleIdentity.of(bundle),
            "CORDWATCH",
            Instant.parse("2026-12-05T06:30:00.123Z"));
    return new GradedPhantom(files, paths, report);
  }
}
