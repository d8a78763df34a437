package io.cordwatch.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.config.Settings;
import io.cordwatch.infer.TorchFixture;
import io.cordwatch.phantom.Phantom;
import io.cordwatch.phantom.StudyPlan;
import io.cordwatch.receive.Peers;
import io.cordwatch.receive.RunningAppliance;
import io.cordwatch.store.Records.InstanceRow;
import io.cordwatch.store.Records.SeriesRow;
import io.cordwatch.store.Records.SliceRow;
import io.cordwatch.testing.Await;
import io.cordwatch.testing.Codecs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A phantom study whose slices arrive half as JPEG-LS (DCMTK's dcmcjpls) and half as JPEG 2000
 * (OpenJPEG's opj_compress), each sent by DCMTK's dcmsend in its own syntax on one association, is
 * stored as sent and graded like an uncompressed one: every slice decodes, none is unreadable.
 */
class CompressedStudyGradingTest {
  private static final String JPEG_LS = "1.2.840.10008.1.2.4.80";

  @TempDir Path tmp;

  @Test
  void studyArrivingAsJpegLsAndJpeg2000IsStoredAsSentAndEverySliceGrades() throws Exception {
    Path bundle = tmp.resolve("bundle");
    TorchFixture.bundle(bundle);
    Path phantom = tmp.resolve("phantom");
    Phantom.generate(
        new Phantom.Options(phantom, 1, 9, StudyPlan.Style.INTERNAL, 12, false, false));
    List<Path> originals;
    try (Stream<Path> s = Files.list(phantom.resolve("study-0001"))) {
      originals = s.filter(p -> p.toString().endsWith(".dcm")).sorted().toList();
    }
    Path work = Files.createDirectories(tmp.resolve("compressed"));
    List<Path> jpegLs = new ArrayList<>();
    List<Path> jpeg2000 = new ArrayList<>();
    for (int i = 0; i < originals.size(); i++) {
      Path out = work.resolve(originals.get(i).getFileName());
      if (i % 2 == 0) {
        Codecs.run(List.of("dcmcjpls", originals.get(i).toString(), out.toString()));
        jpegLs.add(out);
      } else {
        Codecs.toJpeg2000(originals.get(i), out, work);
        jpeg2000.add(out);
      }
    }
    Map<String, String> flags = RunningAppliance.flags(tmp.resolve("data"));
    flags.put("release-grace", "100ms");
    RunningAppliance.unsignedBundle(flags, bundle);
    flags.put("boxes", phantom.resolve("labels.csv").toString());

    try (Appliance appliance = Appliance.start(Settings.load(null, flags), Clock.systemUTC())) {
      // One association for both halves: sent in two, the first half could be released, graded
      // and counted before the second arrived.
      List<Path> all = new ArrayList<>(jpegLs);
      all.addAll(jpeg2000);
      Peers.Run sent = Peers.dcmsend(appliance.dicomPort(), "STORESCU", all);
      assertEquals(all.size(), Peers.dcmsendSuccesses(sent), sent.output());

      List<InstanceRow> stored = appliance.index().allInstances();
      assertEquals(originals.size(), stored.size());
      assertEquals(
          jpegLs.size(), stored.stream().filter(r -> r.transferSyntax().equals(JPEG_LS)).count());
      assertEquals(
          jpeg2000.size(),
          stored.stream()
              .filter(r -> r.transferSyntax().equals(Codecs.JPEG_2000_LOSSLESS))
              .count());
      Await.until(
          "the study's axial series is graded", () -> appliance.meters().seriesGraded() >= 1);
      String study = stored.getFirst().studyUid();
      List<SliceRow> slices =
          appliance.index().study(study).orElseThrow().series().stream()
              .map(SeriesRow::slices)
              .flatMap(List::stream)
              .toList();
      for (SliceRow slice : slices) {
        assertTrue(!slice.status().equals("unreadable"), slice.toString());
      }
      // The graded slices include some sent in each syntax: the grader decoded both.
      Map<String, String> syntaxOf = new java.util.HashMap<>();
      stored.forEach(r -> syntaxOf.put(r.sopInstanceUid(), r.transferSyntax()));
      List<String> gradedSyntaxes =
          slices.stream()
              .filter(s -> s.status().equals("graded"))
              .map(s -> syntaxOf.get(s.sopInstanceUid()))
              .distinct()
              .sorted()
              .toList();
      assertEquals(List.of(JPEG_LS, Codecs.JPEG_2000_LOSSLESS), gradedSyntaxes, slices.toString());
    }
  }
}
