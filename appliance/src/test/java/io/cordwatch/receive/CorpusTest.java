package io.cordwatch.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import io.cordwatch.app.Appliance;
import io.cordwatch.store.Records.InstanceRow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real files from elsewhere, sent one by one with storescu proposing each file's own transfer
 * syntax: the Debian pydicom test corpus and the scanner fixtures. Each must end either stored (and
 * readable back) or refused with a status or at negotiation; and the receiver must keep serving
 * after every one.
 */
class CorpusTest {
  @TempDir Path tmp;

  @Test
  void everyCorpusFileIsStoredAndReadableOrRefusedAndServiceSurvives() throws Exception {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.list(Peers.pydicomTestFiles())) {
      s.filter(p -> p.toString().endsWith(".dcm")).sorted().forEach(files::add);
    }
    try (Stream<Path> s = Files.walk(Peers.fixtures().resolve("real-dicom"))) {
      s.filter(p -> p.toString().endsWith(".dcm")).sorted().forEach(files::add);
    }
    assertTrue(files.size() > 60, "corpus found: " + files.size());
    Map<String, List<String>> outcomes = new TreeMap<>();
    try (Appliance appliance = RunningAppliance.start(tmp.resolve("data"))) {
      int port = appliance.dicomPort();
      for (Path file : files) {
        Peers.Run r = Peers.storescu(port, "STORESCU", List.of(file), proposalFor(file));
        String outcome = classify(r);
        outcomes
            .computeIfAbsent(outcome, k -> new ArrayList<>())
            .add(file.getFileName().toString());
        String uid = sopInstanceUid(file);
        if (outcome.equals("stored")) {
          InstanceRow row =
              appliance
                  .index()
                  .findInstance(uid)
                  .orElseThrow(() -> new AssertionError("acknowledged but not indexed: " + file));
          AttributeList back = ReceiverTest.read(tmp.resolve("data").resolve(row.path()));
          assertTrue(back.get(TagFromName.PixelData) != null, "stored copy readable: " + file);
        } else if (outcome.startsWith("status") && uid != null) {
          assertFalse(
              appliance
                  .index()
                  .findInstance(uid)
                  .map(row -> row.receivedMs() > 0 && isRecent(row))
                  .orElse(false),
              "refused yet indexed: " + file);
        }
        Peers.Run echo = Peers.echoscu(port, "ECHOSCU");
        assertEquals(0, echo.exit(), "service alive after " + file + ": " + echo.output());
      }
      assertEquals(0, ReceiverTest.countFiles(tmp.resolve("data/spool/incoming")));
    }
    StringBuilder report = new StringBuilder("corpus outcomes (" + files.size() + " files):\n");
    outcomes.forEach((k, v) -> report.append(String.format("  %-40s %3d  %s%n", k, v.size(), v)));
    System.out.print(report);
    List<String> stored = outcomes.getOrDefault("stored", List.of());
    for (String mustStore :
        List.of(
            "MR_small.dcm",
            "MR_small_implicit.dcm",
            "MR_small_bigendian.dcm",
            "MR_small_RLE.dcm",
            "1.dcm",
            "2.dcm",
            "3.dcm",
            "4.dcm",
            "7.dcm",
            "8.dcm",
            "9.dcm",
            "MR_small_jpeg_ls_lossless.dcm",
            "MR_small_jp2klossless.dcm")) {
      assertTrue(stored.contains(mustStore), mustStore + " should be stored; " + report);
    }
    // JPEG-LS and JPEG 2000: MR in a lossless syntax is stored; every other one is refused for a
    // reason the conformance statement gives (another SOP class, or a lossy syntax not offered).
    int jpegLsOrJ2k = 0;
    for (Path file : files) {
      String ts = transferSyntax(file);
      if (ts == null || !ts.matches("1\\.2\\.840\\.10008\\.1\\.2\\.4\\.(80|81|90|91)")) {
        continue;
      }
      jpegLsOrJ2k++;
      String name = file.getFileName().toString();
      boolean mr = MrStoragePolicy.STORAGE_CLASSES.contains(sopClassUid(file));
      boolean lossless = ts.endsWith(".80") || ts.endsWith(".90");
      assertEquals(mr && lossless, stored.contains(name), name + " (" + ts + "); " + report);
      if (!mr) {
        assertTrue(
            outcomes.getOrDefault("refused at negotiation", List.of()).contains(name),
            name + " is not MR: refused at negotiation; " + report);
      }
    }
    assertEquals(11, jpegLsOrJ2k, "JPEG-LS and JPEG 2000 files in the corpus; " + report);
    assertFalse(stored.contains("MR_truncated.dcm"), report.toString());
    assertFalse(stored.contains("CT_small.dcm"), report.toString());
  }

  private long started = System.currentTimeMillis();

  private boolean isRecent(InstanceRow row) {
    return row.receivedMs() >= started;
  }

  private static String classify(Peers.Run r) {
    String out = r.output();
    if (out.contains("Received Store Response (Success)")) {
      return "stored";
    }
    int at = out.indexOf("Received Store Response (");
    if (at >= 0) {
      String status = out.substring(at + 26, out.indexOf(')', at));
      return "status " + status;
    }
    if (out.contains("No presentation context")
        || out.contains("No Acceptable Presentation Contexts")) {
      return "refused at negotiation";
    }
    if (out.contains("unable to convert")) {
      return "sender cannot transcode";
    }
    if (out.contains("cannot")
        || out.contains("No such")
        || out.contains("E: ")
        || out.contains("W: ")) {
      return "sender could not read file";
    }
    return "other";
  }

  /**
   * storescu's proposal flag for the file's own transfer syntax, so compressed files are sent as
   * they are.
   */
  private static String proposalFor(Path file) {
    String ts = transferSyntax(file);
    if (ts == null) {
      return "-xe";
    }
    return switch (ts) {
      case "1.2.840.10008.1.2.5" -> "-xr";
      case "1.2.840.10008.1.2.4.70", "1.2.840.10008.1.2.4.57" -> "-xs";
      case "1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81" -> "-xt";
      case "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91" -> "-xv";
      case "1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51" -> "-xy";
      case "1.2.840.10008.1.2.1.99" -> "-xd";
      case "1.2.840.10008.1.2.2" -> "-xb";
      case "1.2.840.10008.1.2" -> "-xi";
      default -> "-xe";
    };
  }

  private static String transferSyntax(Path file) {
    try {
      AttributeList meta = new AttributeList();
      meta.read(file.toString(), TagFromName.PixelData);
      return Attribute.getSingleStringValueOrNull(meta, TagFromName.TransferSyntaxUID);
    } catch (Exception | StackOverflowError e) {
      return null;
    }
  }

  private static String sopClassUid(Path file) {
    try {
      AttributeList list = new AttributeList();
      list.read(file.toString(), TagFromName.PixelData);
      return Attribute.getSingleStringValueOrNull(list, TagFromName.SOPClassUID);
    } catch (Exception | StackOverflowError e) {
      return null;
    }
  }

  private static String sopInstanceUid(Path file) {
    try {
      AttributeList list = new AttributeList();
      list.read(file.toString(), TagFromName.PixelData);
      return Attribute.getSingleStringValueOrNull(list, TagFromName.SOPInstanceUID);
    } catch (Exception | StackOverflowError e) {
      return null;
    }
  }
}
