package io.cordwatch.receive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import io.cordwatch.app.Appliance;
import io.cordwatch.dicom.Uids;
import io.cordwatch.phantom.SyntheticStudy;
import io.cordwatch.store.Records.InstanceRow;
import io.cordwatch.telemetry.VolumeFigures;
import io.cordwatch.telemetry.VolumeUsage;
import io.cordwatch.testing.AuditRows;
import io.cordwatch.testing.Await;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReceiverTest {
  @TempDir Path tmp;
  private Appliance appliance;
  private int port;

  @BeforeEach
  void start() {
    appliance = RunningAppliance.start(tmp.resolve("data"));
    port = appliance.dicomPort();
  }

  @AfterEach
  void stop() {
    appliance.close();
  }

  @Test
  void echoIsAnswered() throws Exception {
    Peers.Run r = Peers.echoscu(port, "ECHOSCU");
    assertEquals(0, r.exit(), r.output());
    assertTrue(r.output().contains("Received Echo Response (Success)"), r.output());
  }

  @Test
  void fortySliceStudyIsStoredIndexedAndReadsBackIdentically() throws Exception {
    List<Path> files =
        SyntheticStudy.write(
            tmp.resolve("study"), new SyntheticStudy.Spec(40, false, false, 128, 1));
    Peers.Run r = Peers.storescu(port, "STORESCU", files);
    assertEquals(0, r.exit(), r.output());
    assertEquals(40, Peers.successes(r));
    List<InstanceRow> rows = appliance.index().allInstances();
    assertEquals(40, rows.size());
    assertEquals(1, appliance.index().totals().studies());
    for (Path sent : files) {
      AttributeList original = read(sent);
      String uid = Attribute.getSingleStringValueOrNull(original, TagFromName.SOPInstanceUID);
      InstanceRow row = appliance.index().findInstance(uid).orElseThrow();
      Path stored = tmp.resolve("data").resolve(row.path());
      assertTrue(
          stored.getFileName().toString().matches("[0-9a-f-]{36}\\.dcm"),
          "name from us, not the peer");
      AttributeList back = read(stored);
      assertArrayEquals(
          original.get(TagFromName.PixelData).getShortValues(),
          back.get(TagFromName.PixelData).getShortValues());
      assertEquals("STORESCU", row.callingAe());
    }
    assertEquals(40.0, appliance.meters().instancesReceived());
  }

  @Test
  void whatIsStoredIsReadableByTheServiceUserAlone() throws Exception {
    List<Path> files =
        SyntheticStudy.write(tmp.resolve("study"), new SyntheticStudy.Spec(2, false, false, 64, 7));
    assertEquals(2, Peers.successes(Peers.storescu(port, "STORESCU", files)));
    Path data = tmp.resolve("data");
    List<Path> all;
    try (Stream<Path> s = Files.walk(data)) {
      all = s.toList();
    }
    int stored = 0;
    for (Path p : all) {
      String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
      if (Files.isDirectory(p)) {
        assertEquals("rwx------", mode, data.relativize(p).toString());
      } else {
        assertEquals("rw-------", mode, data.relativize(p).toString());
        stored += p.toString().endsWith(".dcm") ? 1 : 0;
      }
    }
    assertEquals(2, stored);
    assertTrue(all.contains(data.resolve("index.db-wal")), "the WAL is checked too: " + all);
  }

  @Test
  void aResentInstanceWithOtherContentIsServedNewestKeepsTheFirstAndIsAudited() throws Exception {
    Path file =
        SyntheticStudy.write(tmp.resolve("study"), new SyntheticStudy.Spec(1, false, false, 64, 8))
            .get(0);
    String uid = Attribute.getSingleStringValueOrNull(read(file), TagFromName.SOPInstanceUID);
    byte[] first = RawScu.dataSetOf(file);
    byte[] second = first.clone();
    second[second.length - 1] ^= 0x01; // one pixel differs
    try (RawScu scu = RawScu.associate(port, "RAWSCU", "CORDWATCH", Uids.MR_IMAGE_STORAGE)) {
      assertEquals(DimseStatus.SUCCESS, scu.store(Uids.MR_IMAGE_STORAGE, uid, first).status());
      assertEquals(DimseStatus.SUCCESS, scu.store(Uids.MR_IMAGE_STORAGE, uid, second).status());
      scu.release();
    }
    InstanceRow row = appliance.index().findInstance(uid).orElseThrow();
    byte[] served = Files.readAllBytes(tmp.resolve("data").resolve(row.path()));
    assertEquals(second[second.length - 1], served[served.length - 1]);
    List<Path> kept;
    try (Stream<Path> s = Files.list(tmp.resolve("data/quarantine/superseded"))) {
      kept = s.toList();
    }
    assertEquals(1, kept.size());
    byte[] earlier = Files.readAllBytes(kept.getFirst());
    assertEquals(first[first.length - 1], earlier[earlier.length - 1]);
    try (java.sql.Connection c =
            java.sql.DriverManager.getConnection(
                "jdbc:sqlite:" + tmp.resolve("data/index.db").toAbsolutePath());
        java.sql.ResultSet rs =
            c.createStatement()
                .executeQuery("SELECT detail FROM audit WHERE event = 'instance_superseded'")) {
      assertTrue(rs.next(), "no instance_superseded audit row");
      String detail = rs.getString(1);
      assertTrue(detail.contains(uid) && detail.contains(row.sha256()), detail);
      assertTrue(!rs.next(), "one audit row per replacement");
    }
  }

  @Test
  void resentIdenticalStudyIsAcknowledgedAndStoredOnce() throws Exception {
    List<Path> files =
        SyntheticStudy.write(tmp.resolve("study"), new SyntheticStudy.Spec(5, false, false, 64, 2));
    assertEquals(5, Peers.successes(Peers.storescu(port, "STORESCU", files)));
    Peers.Run again = Peers.storescu(port, "STORESCU", files);
    assertEquals(5, Peers.successes(again), again.output());
    assertEquals(5, appliance.index().allInstances().size());
    assertEquals(5, countFiles(tmp.resolve("data/spool/instances")));
  }

  @Test
  void unknownCallingAeIsRejectedPermanentlyAndNothingStored() throws Exception {
    List<Path> files =
        SyntheticStudy.write(tmp.resolve("study"), new SyntheticStudy.Spec(1, false, false, 64, 3));
    Peers.Run r = Peers.storescu(port, "INTRUDER", files);
    assertTrue(r.output().contains("Rejected Permanent"), r.output());
    assertTrue(r.output().contains("Calling AE Title Not Recognized"), r.output());
    assertEquals(0, appliance.index().allInstances().size());
    List<String> alerts = AuditRows.of(tmp.resolve("data/index.db"), "association_rejected");
    assertEquals(1, alerts.size());
    assertTrue(
        alerts.getFirst().startsWith("calling AE INTRUDER (called CORDWATCH) from 127.0.0.1"));
  }

  @Test
  void anAssociationThatStoredInstancesIsOneAuditRowNamingSenderAndStudy() throws Exception {
    List<Path> files =
        SyntheticStudy.write(tmp.resolve("study"), new SyntheticStudy.Spec(4, false, false, 64, 9));
    assertEquals(4, Peers.successes(Peers.storescu(port, "STORESCU", files)));
    String study = appliance.index().allInstances().getFirst().studyUid();
    Path db = tmp.resolve("data/index.db");
    Await.until(
        "the association's audit row", () -> !auditRows(db, "instances_received").isEmpty());
    assertEquals(
        List.of("4 instances of study " + study + " sent by AE STORESCU from 127.0.0.1 (released)"),
        auditRows(db, "instances_received"));
  }

  private static List<String> auditRows(Path db, String event) {
    try {
      return AuditRows.of(db, event);
    } catch (java.sql.SQLException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void unsupportedSopClassIsRefusedAtNegotiation() throws Exception {
    Path ct = Peers.pydicomTestFiles().resolve("CT_small.dcm");
    Peers.Run r = Peers.storescu(port, "STORESCU", List.of(ct));
    assertTrue(r.output().contains("No presentation context"), r.output());
    assertEquals(0, appliance.index().allInstances().size());
    assertEquals(0, Peers.echoscu(port, "ECHOSCU").exit());
  }

  @Test
  void pathTraversalUidsAreRefusedWithErrorCommentAndNothingIsWritten() throws Exception {
    Path file =
        SyntheticStudy.write(tmp.resolve("study"), new SyntheticStudy.Spec(1, false, false, 64, 4))
            .get(0);
    byte[] data = RawScu.dataSetOf(file);
    try (RawScu scu = RawScu.associate(port, "RAWSCU", "CORDWATCH", Uids.MR_IMAGE_STORAGE)) {
      RawScu.Response r = scu.store(Uids.MR_IMAGE_STORAGE, "../../../etc/passwd", data);
      assertEquals(DimseStatus.CANNOT_UNDERSTAND, r.status());
      assertTrue(r.errorComment().contains("not a valid UID"), r.errorComment());
      AttributeList list = read(file);
      String real = Attribute.getSingleStringValueOrNull(list, TagFromName.SOPInstanceUID);
      byte[] badStudy =
          replaceAscii(
              data,
              Attribute.getSingleStringValueOrNull(list, TagFromName.StudyInstanceUID),
              "../../x");
      RawScu.Response r2 = scu.store(Uids.MR_IMAGE_STORAGE, real, badStudy);
      assertEquals(DimseStatus.CANNOT_UNDERSTAND, r2.status());
      assertTrue(r2.errorComment().contains("Study Instance UID"), r2.errorComment());
      scu.release();
    }
    assertEquals(0, appliance.index().allInstances().size());
    assertEquals(0, countFiles(tmp.resolve("data/spool")));
    assertEquals(2.0, appliance.meters().instancesRejected());
  }

  @Test
  void dataSetWhoseUidDisagreesWithTheCommandGetsA900() throws Exception {
    Path file =
        SyntheticStudy.write(tmp.resolve("study"), new SyntheticStudy.Spec(1, false, false, 64, 5))
            .get(0);
    try (RawScu scu = RawScu.associate(port, "RAWSCU", "CORDWATCH", Uids.MR_IMAGE_STORAGE)) {
      RawScu.Response r = scu.store(Uids.MR_IMAGE_STORAGE, "1.2.3.4.5.6.7", RawScu.dataSetOf(file));
      assertEquals(DimseStatus.DATASET_DOES_NOT_MATCH, r.status());
      assertNotNull(r.errorComment());
      scu.release();
    }
    assertEquals(0, appliance.index().allInstances().size());
  }

  @Test
  void truncatedDataSetGetsC000LeavesNothingAndTheAssociationGoesOn() throws Exception {
    List<Path> files =
        SyntheticStudy.write(tmp.resolve("study"), new SyntheticStudy.Spec(2, false, false, 64, 6));
    byte[] whole = RawScu.dataSetOf(files.get(0));
    byte[] cut = java.util.Arrays.copyOf(whole, whole.length / 2);
    String uid0 =
        Attribute.getSingleStringValueOrNull(read(files.get(0)), TagFromName.SOPInstanceUID);
    String uid1 =
        Attribute.getSingleStringValueOrNull(read(files.get(1)), TagFromName.SOPInstanceUID);
    try (RawScu scu = RawScu.associate(port, "RAWSCU", "CORDWATCH", Uids.MR_IMAGE_STORAGE)) {
      RawScu.Response bad = scu.store(Uids.MR_IMAGE_STORAGE, uid0, cut);
      assertEquals(DimseStatus.CANNOT_UNDERSTAND, bad.status());
      assertNotNull(bad.errorComment());
      RawScu.Response good = scu.store(Uids.MR_IMAGE_STORAGE, uid1, RawScu.dataSetOf(files.get(1)));
      assertEquals(DimseStatus.SUCCESS, good.status());
      scu.release();
    }
    assertEquals(1, appliance.index().allInstances().size());
    assertEquals(0, countFiles(tmp.resolve("data/spool/incoming")));
    assertEquals(1, countFiles(tmp.resolve("data/spool/instances")));
  }

  @Test
  void httpRequestGarbageAndHugeClaimedLengthsAreClosedAndServiceGoesOn() throws Exception {
    assertClosedAfterSending(
        "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    assertClosedAfterSending(new byte[] {0x01, 0x00, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff});
    byte[] noise = new byte[4096];
    new java.util.Random(7).nextBytes(noise);
    noise[0] = 0x09;
    assertClosedAfterSending(noise);
    assertClosedAfterSending(new byte[0]);
    assertEquals(0, Peers.echoscu(port, "ECHOSCU").exit());
  }

  private void assertClosedAfterSending(byte[] bytes) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(15_000);
      OutputStream out = s.getOutputStream();
      out.write(bytes);
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[1024];
      int total = 0;
      int n;
      while ((n = in.read(buf)) > 0) {
        total += n;
      }
      assertEquals(0, total, "nothing is answered to a peer that does not speak DICOM");
    }
  }

  @Test
  void belowDiskReserveNewAssociationsAreRejectedTransientlyAndServiceResumes() throws Exception {
    List<Path> files =
        SyntheticStudy.write(tmp.resolve("study"), new SyntheticStudy.Spec(2, false, false, 64, 8));
    appliance.disk().setReserveBytes(Long.MAX_VALUE / 4);
    Peers.Run refused = Peers.storescu(port, "STORESCU", files);
    assertTrue(refused.output().contains("Rejected Transient"), refused.output());
    assertEquals(0, appliance.index().allInstances().size());
    appliance.disk().setReserveBytes(0);
    assertEquals(2, Peers.successes(Peers.storescu(port, "STORESCU", files)));
  }

  @Test
  void inFlightStoreBelowReserveGetsA700AndTheNextOneSucceeds() throws Exception {
    List<Path> files =
        SyntheticStudy.write(tmp.resolve("study"), new SyntheticStudy.Spec(1, false, false, 64, 9));
    String uid =
        Attribute.getSingleStringValueOrNull(read(files.get(0)), TagFromName.SOPInstanceUID);
    try (RawScu scu = RawScu.associate(port, "RAWSCU", "CORDWATCH", Uids.MR_IMAGE_STORAGE)) {
      appliance.disk().setReserveBytes(Long.MAX_VALUE / 4);
      RawScu.Response r = scu.store(Uids.MR_IMAGE_STORAGE, uid, RawScu.dataSetOf(files.get(0)));
      assertEquals(DimseStatus.OUT_OF_RESOURCES, r.status());
      assertTrue(r.errorComment().contains("reserve"), r.errorComment());
      appliance.disk().setReserveBytes(0);
      assertEquals(
          DimseStatus.SUCCESS,
          scu.store(Uids.MR_IMAGE_STORAGE, uid, RawScu.dataSetOf(files.get(0))).status());
      scu.release();
    }
    assertEquals(1, appliance.index().allInstances().size());
  }

  @Test
  void aVolumeOutOfInodesRefusesLikeAFullDiskAndServiceResumesWhenInodesReturn() throws Exception {
    List<Path> files =
        SyntheticStudy.write(
            tmp.resolve("study"), new SyntheticStudy.Spec(1, false, false, 64, 11));
    String uid =
        Attribute.getSingleStringValueOrNull(read(files.get(0)), TagFromName.SOPInstanceUID);
    try (RawScu scu = RawScu.associate(port, "RAWSCU", "CORDWATCH", Uids.MR_IMAGE_STORAGE)) {
      // Plenty of bytes, 100 free inodes of a million: below the inode reserve.
      appliance.disk().readVolumeWith(p -> new VolumeFigures(1L << 30, 1L << 40, 1_000_000, 100));
      RawScu.Response r = scu.store(Uids.MR_IMAGE_STORAGE, uid, RawScu.dataSetOf(files.get(0)));
      assertEquals(DimseStatus.OUT_OF_RESOURCES, r.status());
      assertTrue(r.errorComment().contains("inodes"), r.errorComment());
      assertEquals(0, appliance.index().allInstances().size());
      appliance.disk().readVolumeWith(VolumeUsage.statvfs());
      assertEquals(
          DimseStatus.SUCCESS,
          scu.store(Uids.MR_IMAGE_STORAGE, uid, RawScu.dataSetOf(files.get(0))).status());
      scu.release();
    }
    assertEquals(1, appliance.index().allInstances().size());
  }

  @Test
  void twentyFiveParallelSendersAreServedAndTheTwentySixthIsRefusedAsLocalLimit() throws Exception {
    List<Path> files =
        SyntheticStudy.write(
            tmp.resolve("study"), new SyntheticStudy.Spec(52, false, false, 32, 10));
    List<RawScu> open = new ArrayList<>();
    try {
      // Two calling AEs (13 and 12): one alone may hold only half of the 25 slots, rounded up.
      for (int i = 0; i < 25; i++) {
        RawScu scu =
            RawScu.associate(
                port, i % 2 == 0 ? "RAWSCU" : "PIXELMED", "CORDWATCH", Uids.MR_IMAGE_STORAGE);
        open.add(scu);
        Path f = files.get(i);
        String uid = Attribute.getSingleStringValueOrNull(read(f), TagFromName.SOPInstanceUID);
        assertEquals(
            DimseStatus.SUCCESS,
            scu.store(Uids.MR_IMAGE_STORAGE, uid, RawScu.dataSetOf(f)).status());
      }
      Peers.Run refused = Peers.storescu(port, "STORESCU", List.of(files.get(50)));
      assertTrue(refused.output().contains("Rejected Transient"), refused.output());
      assertTrue(refused.output().contains("Local Limit Exceeded"), refused.output());
      for (int i = 0; i < 25; i++) {
        Path f = files.get(25 + i);
        String uid = Attribute.getSingleStringValueOrNull(read(f), TagFromName.SOPInstanceUID);
        assertEquals(
            DimseStatus.SUCCESS,
            open.get(i).store(Uids.MR_IMAGE_STORAGE, uid, RawScu.dataSetOf(f)).status());
        open.get(i).release();
        open.get(i).close();
      }
      awaitNoActiveAssociations();
    } finally {
      for (RawScu s : open) {
        s.close();
      }
    }
    assertEquals(50, appliance.index().allInstances().size());
    assertEquals(1, Peers.successes(Peers.storescu(port, "STORESCU", List.of(files.get(51)))));
  }

  private void awaitNoActiveAssociations() throws InterruptedException {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (appliance.meters().activeAssociations() > 0) {
      assertTrue(System.nanoTime() < deadline, "associations still open after release");
      Thread.sleep(20);
    }
  }

  /** Reads a stored or sent file as it is on disk (compressed pixel data stays compressed). */
  @Test
  void idleAssociationIsAbortedAfterTheIdleTimeout() throws Exception {
    try (Appliance quick =
            RunningAppliance.start(tmp.resolve("idle"), Map.of("idle-timeout", "1s"));
        RawScu scu =
            RawScu.associate(quick.dicomPort(), "RAWSCU", "CORDWATCH", Uids.MR_IMAGE_STORAGE)) {
      assertTrue(scu.awaitClosedOrAbort(15_000), "association still open after the idle timeout");
      assertEquals(0, Peers.echoscu(quick.dicomPort(), "ECHOSCU").exit());
    }
  }

  @Test
  void dataSetAboveTheSizeLimitGetsA700AndNothingIsKept() throws Exception {
    List<Path> files =
        SyntheticStudy.write(
            tmp.resolve("study"), new SyntheticStudy.Spec(1, false, false, 128, 12));
    String uid =
        Attribute.getSingleStringValueOrNull(read(files.get(0)), TagFromName.SOPInstanceUID);
    try (Appliance small =
            RunningAppliance.start(tmp.resolve("small"), Map.of("max-object-size", "16KiB"));
        RawScu scu =
            RawScu.associate(small.dicomPort(), "RAWSCU", "CORDWATCH", Uids.MR_IMAGE_STORAGE)) {
      RawScu.Response r = scu.store(Uids.MR_IMAGE_STORAGE, uid, RawScu.dataSetOf(files.get(0)));
      assertEquals(DimseStatus.OUT_OF_RESOURCES, r.status());
      assertTrue(r.errorComment().contains("larger than the limit"), r.errorComment());
      scu.release();
      assertEquals(0, small.index().allInstances().size());
      assertEquals(0, countFiles(tmp.resolve("small/spool")));
    }
  }

  static AttributeList read(Path file) throws Exception {
    AttributeList list = new AttributeList();
    list.setDecompressPixelData(false);
    list.read(file.toString());
    return list;
  }

  static long countFiles(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).count();
    }
  }

  private static byte[] replaceAscii(byte[] data, String from, String to) {
    String s = new String(data, StandardCharsets.ISO_8859_1);
    int at = s.indexOf(from);
    assertTrue(at > 0);
    // Keep the element length: pad the replacement with NULs up to the original length.
    byte[] out = data.clone();
    byte[] rep =
        (to + "\0".repeat(from.length() - to.length())).getBytes(StandardCharsets.ISO_8859_1);
    System.arraycopy(rep, 0, out, at, rep.length);
    return out;
  }
}
