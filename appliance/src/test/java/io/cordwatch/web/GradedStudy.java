package io.cordwatch.web;

import io.cordwatch.dicom.DicomFacts;
import io.cordwatch.dicom.InstanceFacts;
import io.cordwatch.dicom.Uids;
import io.cordwatch.phantom.Phantom;
import io.cordwatch.phantom.StudyPlan;
import io.cordwatch.store.Index;
import io.cordwatch.store.Records.InstanceRow;
import io.cordwatch.store.Records.JobRow;
import io.cordwatch.store.Records.SliceRow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A phantom study written into the test appliance's data directory and indexed as the receiver
 * would, with results for its axial series as the grading worker would commit them. The grades are
 * fixed here, not computed by a model, so the pages' marks can be checked slice by slice: the
 * slices are graded 0 except the third ({@link #key}: 2, P(high) 0.93, the key image), the fourth
 * ({@link #uncertain}: 1c, called high but uncertain) and the fifth (1b); the last has no canal
 * box.
 */
final class GradedStudy {
  static final String MODEL = "test-model-v7";
  static final double KEY_P_HIGH = 0.93;

  final String studyUid;
  final String seriesUid;

  /** The axial slices' SOP Instance UIDs in slice order. */
  final List<String> sops;

  /** Canal boxes of the labelled slices (phantom labels.csv). */
  final Map<String, int[]> boxes;

  final int rows;
  final int columns;

  /** The key image: the slice graded 2. */
  final String key;

  /** The slice graded 1c but uncertain. */
  final String uncertain;

  private GradedStudy(
      String studyUid,
      String seriesUid,
      List<String> sops,
      Map<String, int[]> boxes,
      int rows,
      int columns,
      String key,
      String uncertain) {
    this.studyUid = studyUid;
    this.seriesUid = seriesUid;
    this.sops = sops;
    this.boxes = boxes;
    this.rows = rows;
    this.columns = columns;
    this.key = key;
    this.uncertain = uncertain;
  }

  /** Writes a 10-slice phantom under {@code dataDir/phantom}, indexes it and grades it. */
  static GradedStudy into(Index index, Path dataDir, long receivedMs) {
    try {
      return write(index, dataDir, receivedMs);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static GradedStudy write(Index index, Path dataDir, long receivedMs) throws IOException {
    Path out = dataDir.resolve("phantom");
    Phantom.generate(new Phantom.Options(out, 1, 11, StudyPlan.Style.INTERNAL, 10, false, false));
    Map<String, int[]> boxes = new HashMap<>();
    List<String> labels = Files.readAllLines(out.resolve("labels.csv"));
    for (String line : labels.subList(1, labels.size())) {
      String[] f = line.split(",");
      boxes.put(
          f[1],
          new int[] {
            Integer.parseInt(f[3]),
            Integer.parseInt(f[4]),
            Integer.parseInt(f[5]),
            Integer.parseInt(f[6])
          });
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(out.resolve("study-0001"))) {
      files = s.filter(p -> p.toString().endsWith(".dcm")).sorted().toList();
    }
    String study = null;
    String axial = null;
    List<InstanceFacts> slices = new ArrayList<>();
    List<String> otherSeries = new ArrayList<>();
    for (Path file : files) {
      InstanceFacts f = DicomFacts.read(file);
      study = f.studyInstanceUid();
      index.recordInstance(
          new InstanceRow(
              0,
              f.sopInstanceUid(),
              f.sopClassUid(),
              f.studyInstanceUid(),
              f.seriesInstanceUid(),
              "1.2.840.10008.1.2.1",
              dataDir.relativize(file).toString(),
              Files.size(file),
              "00",
              receivedMs,
              "SCANNER",
              "{\"rows\":"
                  + f.rows()
                  + ",\"columns\":"
                  + f.columns()
                  + ",\"frames\":1,\"studyDate\":\""
                  + f.studyDate()
                  + "\",\"studyTime\":\""
                  + f.studyTime()
                  + "\"}"),
          f.modality(),
          f.seriesNumber(),
          f.seriesDescription());
      if (boxes.containsKey(f.sopInstanceUid())) {
        axial = f.seriesInstanceUid();
      }
      if (!otherSeries.contains(f.seriesInstanceUid())) {
        otherSeries.add(f.seriesInstanceUid());
      }
    }
    for (Path file : files) {
      InstanceFacts f = DicomFacts.read(file);
      if (f.seriesInstanceUid().equals(axial)) {
        slices.add(f);
      }
    }
    slices.sort(Comparator.comparing(f -> f.instanceNumber() == null ? 0 : f.instanceNumber()));
    for (String s : otherSeries) {
      index.completeSeries(s, receivedMs, s.equals(axial), "test", List.of());
    }
    JobRow job = index.claimJob(receivedMs).orElseThrow();
    List<String> sops = slices.stream().map(InstanceFacts::sopInstanceUid).toList();
    // The last slice is graded as if its canal box were missing.
    String noRoi = sops.getLast();
    List<String> labelled =
        sops.stream().filter(s -> boxes.containsKey(s) && !s.equals(noRoi)).toList();
    String key = labelled.get(2);
    String uncertain = labelled.get(3);
    List<SliceRow> rows = new ArrayList<>();
    for (int i = 0; i < sops.size(); i++) {
      String sop = sops.get(i);
      int[] box = sop.equals(noRoi) ? null : boxes.get(sop);
      if (box == null) {
        rows.add(
            new SliceRow(
                i,
                sop,
                1,
                "no_roi",
                null,
                null,
                null,
                null,
                null,
                "no canal box",
                null,
                null,
                null));
        continue;
      }
      String grade =
          sop.equals(key)
              ? "2"
              : sop.equals(uncertain) ? "1c" : sop.equals(labelled.get(4)) ? "1b" : "0";
      // The 1b slice, not called high, reaches the rule-out threshold (0.1): a possible high.
      double pHigh =
          sop.equals(key)
              ? KEY_P_HIGH
              : sop.equals(uncertain) ? 0.71 : sop.equals(labelled.get(4)) ? 0.2 : 0.05;
      rows.add(
          new SliceRow(
              i,
              sop,
              1,
              "graded",
              grade,
              "{\"0\":0.1,\"1a\":0.1,\"1b\":0.1,\"1c\":0.1,\"2\":0.5,\"3\":0.1}",
              box,
              sop.equals(uncertain) ? 4.2 : 0.3,
              sop.equals(uncertain),
              null,
              "supplied",
              pHigh,
              sop.equals(key) || sop.equals(uncertain)));
    }
    String verdict =
        """
        {"grade":"2","group":"high","indeterminate_reason":null,"indeterminate_message":null,
         "segments":[],"key_images":[{"sop_instance_uid":"%s","frame":1,"grade":"2",
         "probability":0.5}],
         "counts":{"slices":%d,"graded":%d,"no_roi":%d,"unreadable":0,"uncertain":1,
           "high_calls":1,"uncertain_high_calls":1,"borderline_high_calls":0},
         "model":{"name":"%s","format":"onnx","engine":"onnxruntime-cpu","clinical_use":false,
           "decision":"threshold 0.25","limits":{"max_uncertain_fraction":0.25,
           "max_no_roi_fraction":0.5,"confident_high_threshold":0.6,"rule_out_threshold":0.1}},
         "timings":{}}"""
            .formatted(key, sops.size(), labelled.size(), sops.size() - labelled.size(), MODEL)
            .replace("\n", "");
    index.finishJob(job, verdict, rows, receivedMs);
    InstanceFacts first = slices.getFirst();
    if (!Uids.isValid(study)) {
      throw new IllegalStateException("phantom wrote no study UID");
    }
    return new GradedStudy(
        study, axial, sops, boxes, first.rows(), first.columns(), key, uncertain);
  }
}
