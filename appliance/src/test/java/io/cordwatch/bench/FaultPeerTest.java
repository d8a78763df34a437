package io.cordwatch.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cordwatch.dicom.Dcmtk;
import io.cordwatch.dicom.DicomFacts;
import io.cordwatch.dicom.Fixtures;
import io.cordwatch.dicom.InstanceFacts;
import io.cordwatch.fuzz.PduStreams;
import io.cordwatch.testing.SkipPeers;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FaultPeer}'s count of what a real dcmqrscp stored agrees with what its archive holds when
 * the sender vanishes between its C-STORE and the response, as a killed appliance does: the request
 * is written in full and the socket closed unread (the kernel closes a killed process's sockets the
 * same way). dcmqrscp then logs a Success response, fails to write it and deletes the file; the
 * document sent again later arrived once, not twice. This was the fault bench's one CI failure.
 */
class FaultPeerTest {
  @TempDir Path tmp;

  @Test
  void aStoreWhoseSenderVanishedCountsOnlyWhenThePeerKeptIt() throws Exception {
    SkipPeers.assumePeers("dcmqrscp and storescu");
    Path file = Fixtures.root().resolve("real-dicom/transfer-syntaxes/1.dcm");
    InstanceFacts facts = DicomFacts.read(file);
    Path dir = tmp.resolve("peer");
    try (FaultPeer peer = FaultPeer.start(FaultPeer.Kind.DCMQRSCP, dir)) {
      List<byte[]> steps =
          PduStreams.storeSteps(Files.readAllBytes(file), FaultPeer.AE, "VANISHING");
      try (Socket s = new Socket("127.0.0.1", peer.port)) {
        s.setSoTimeout(30_000);
        OutputStream out = s.getOutputStream();
        DataInputStream in = new DataInputStream(s.getInputStream());
        out.write(steps.get(0));
        out.flush();
        int type = in.readUnsignedByte();
        in.readUnsignedByte();
        in.readFully(new byte[in.readInt()]);
        assertEquals(0x02, type, "A-ASSOCIATE-AC expected");
        out.write(steps.get(1));
        out.flush();
      }
      String log = awaitEndOfAssociation(dir);
      boolean kept = archiveHolds(dir, facts.sopInstanceUid());

      Process scu =
          Dcmtk.storescu("AGAIN", FaultPeer.AE, peer.port, List.of(), List.of(file.toString()))
              .start();
      String scuLog = new String(scu.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, scu.waitFor(), scuLog);

      Map<String, Integer> counts =
          FaultPeer.receivedByStudy(dir).getOrDefault(facts.studyInstanceUid(), Map.of());
      // Kept: the peer stored it twice (a true duplicate). Deleted after the failed response: once.
      assertEquals(
          kept ? 2 : 1,
          counts.getOrDefault(facts.sopInstanceUid(), 0),
          "the vanished sender's store was " + (kept ? "kept" : "deleted") + "; peer log:\n" + log);
    }
  }

  /** The peer's log once the vanished sender's association is over (aborted or failed). */
  private static String awaitEndOfAssociation(Path dir) throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (true) {
      String log = FaultPeer.logs(dir);
      if (log.contains("Association Aborted") || log.contains("DIMSE Failure")) {
        return log;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the peer never ended the association:\n" + log);
      }
      Thread.sleep(50);
    }
  }

  private static boolean archiveHolds(Path dir, String sop) throws IOException {
    try (Stream<Path> files = Files.list(dir.resolve("archive"))) {
      return files
          .filter(f -> f.getFileName().toString().endsWith(".dcm"))
          .anyMatch(f -> DicomFacts.read(f).sopInstanceUid().equals(sop));
    }
  }
}
