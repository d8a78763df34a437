package io.cordwatch.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.app.Appliance;
import io.cordwatch.phantom.SyntheticStudy;
import io.cordwatch.store.Records.InstanceRow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What start-up does with the traces a crash or a careless hand leaves in the data directory. */
class ReconciliationTest {
  @TempDir Path tmp;

  @Test
  void startUpRemovesPartialsQuarantinesOrphansAndForgetsRowsWhoseFileIsGone() throws Exception {
    Path data = tmp.resolve("data");
    List<Path> files =
        SyntheticStudy.write(
            tmp.resolve("study"), new SyntheticStudy.Spec(3, false, false, 64, 13));
    InstanceRow gone;
    try (Appliance appliance = RunningAppliance.start(data)) {
      assertEquals(3, Peers.successes(Peers.storescu(appliance.dicomPort(), "STORESCU", files)));
      gone = appliance.index().allInstances().get(0);
    }
    Files.writeString(data.resolve("spool/incoming/0000.part"), "half a transfer");
    Path orphanDir = Files.createDirectories(data.resolve("spool/instances/zz"));
    Files.copy(files.get(0), orphanDir.resolve("orphan.dcm"));
    Files.delete(data.resolve(gone.path()));

    try (Appliance appliance = RunningAppliance.start(data)) {
      assertEquals(0, ReceiverTest.countFiles(data.resolve("spool/incoming")));
      assertTrue(
          Files.isRegularFile(data.resolve("quarantine/orphans/orphan.dcm")),
          "orphan kept, not deleted");
      assertEquals(2, appliance.index().allInstances().size());
      assertTrue(appliance.index().findInstance(gone.sopInstanceUid()).isEmpty());
      // the instance whose file was lost can be sent again and is stored again
      assertEquals(3, Peers.successes(Peers.storescu(appliance.dicomPort(), "STORESCU", files)));
      assertEquals(3, appliance.index().allInstances().size());
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("index.db"));
        ResultSet rs =
            c.createStatement()
                .executeQuery(
                    "SELECT event, count(*) FROM audit WHERE event IN"
                        + " ('instance_file_missing', 'orphan_quarantined')"
                        + " GROUP BY event ORDER BY event")) {
      assertTrue(rs.next());
      assertEquals("instance_file_missing", rs.getString(1));
      assertEquals(1, rs.getInt(2));
      assertTrue(rs.next());
      assertEquals("orphan_quarantined", rs.getString(1));
      assertEquals(1, rs.getInt(2));
    }
  }
}
