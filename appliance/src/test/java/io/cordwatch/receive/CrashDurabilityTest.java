package io.cordwatch.receive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import io.cordwatch.phantom.SyntheticStudy;
import io.cordwatch.store.Index;
import io.cordwatch.store.Records.InstanceRow;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a separately started server in the middle of a 200-instance transfer: every instance
 * storescu saw acknowledged must be in the index after a restart, with its file intact.
 */
class CrashDurabilityTest {
  @TempDir Path tmp;

  @Test
  void acknowledgedInstancesSurviveKillNine() throws Exception {
    Peers.requireTool("storescu");
    List<Path> files =
        SyntheticStudy.write(
            tmp.resolve("study"), new SyntheticStudy.Spec(200, false, false, 128, 11));
    Path data = tmp.resolve("data");
    RunningAppliance.Served first = RunningAppliance.serve(data);
    Process server = first.process();
    int port = first.dicomPort();
    List<String> acked = new ArrayList<>();
    Process storescu;
    try {
      List<String> cmd =
          new ArrayList<>(
              List.of(
                  "storescu",
                  "-v",
                  "-aet",
                  "STORESCU",
                  "-aec",
                  "CORDWATCH",
                  "127.0.0.1",
                  Integer.toString(port)));
      files.forEach(f -> cmd.add(f.toString()));
      storescu = Peers.dcmtk(cmd).redirectErrorStream(true).start();
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(storescu.getInputStream(), StandardCharsets.UTF_8))) {
        String sending = null;
        String line;
        while ((line = out.readLine()) != null) {
          if (line.startsWith("I: Sending file: ")) {
            sending = line.substring("I: Sending file: ".length()).trim();
          } else if (line.contains("Received Store Response (Success)")) {
            acked.add(sending);
            if (acked.size() == 60) {
              server.destroyForcibly();
            }
          }
        }
      }
      assertTrue(storescu.waitFor(60, TimeUnit.SECONDS));
    } finally {
      server.destroyForcibly();
      server.waitFor();
    }
    assertTrue(
        acked.size() >= 60 && acked.size() < 200, "killed mid-transfer, acked " + acked.size());

    RunningAppliance.Served again = RunningAppliance.serve(data);
    Process restarted = again.process();
    try {
      Peers.Run resend = Peers.storescu(again.dicomPort(), "STORESCU", files);
      assertEquals(200, Peers.successes(resend), resend.output());
    } finally {
      restarted.destroy();
      assertTrue(restarted.waitFor(30, TimeUnit.SECONDS));
    }

    int lost = 0;
    try (Index index = Index.open(data.resolve("index.db"))) {
      for (String file : acked) {
        AttributeList sent = ReceiverTest.read(Path.of(file));
        String uid = Attribute.getSingleStringValueOrNull(sent, TagFromName.SOPInstanceUID);
        InstanceRow row = index.findInstance(uid).orElse(null);
        if (row == null) {
          lost++;
          continue;
        }
        AttributeList stored = ReceiverTest.read(data.resolve(row.path()));
        assertArrayEquals(
            sent.get(TagFromName.PixelData).getShortValues(),
            stored.get(TagFromName.PixelData).getShortValues());
      }
      assertEquals(200, index.allInstances().size());
    }
    long orphans = ReceiverTest.countFiles(data.resolve("quarantine/orphans"));
    System.out.printf(
        "kill -9 after %d acknowledged of 200: lost %d, orphans quarantined %d, partial files left %d%n",
        acked.size(), lost, orphans, ReceiverTest.countFiles(data.resolve("spool/incoming")));
    assertEquals(0, lost, "acknowledged instances lost");
    assertEquals(0, ReceiverTest.countFiles(data.resolve("spool/incoming")));
  }
}
