package io.cordwatch.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pixelmed.network.PresentationContext;
import io.cordwatch.dicom.CompressedFrames;
import io.cordwatch.dicom.Uids;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Which transfer syntaxes are offered, depending on the codec libraries that load. */
class TransferSyntaxesTest {
  private static final String JPEG_LS = "1.2.840.10008.1.2.4.80";
  private static final String JPEG_LS_NEAR = "1.2.840.10008.1.2.4.81";
  private static final String J2K_LOSSLESS = "1.2.840.10008.1.2.4.90";
  private static final String J2K = "1.2.840.10008.1.2.4.91";

  @Test
  void losslessJpegLsAndJpeg2000AreOfferedHereLossyOnesNever() {
    assertTrue(TransferSyntaxes.STORAGE.contains(JPEG_LS), TransferSyntaxes.STORAGE.toString());
    assertTrue(TransferSyntaxes.STORAGE.contains(J2K_LOSSLESS));
    assertFalse(TransferSyntaxes.STORAGE.contains(JPEG_LS_NEAR));
    assertFalse(TransferSyntaxes.STORAGE.contains(J2K));
    assertEquals(
        Map.of(), TransferSyntaxes.notOffered(CompressedFrames::unavailableReason), "all load");
    assertEquals(TransferSyntaxes.CANDIDATES, TransferSyntaxes.STORAGE);
  }

  /** The conformance statement lists the same storage syntaxes, in the same order. */
  @Test
  void conformanceStatementListsTheOfferedSyntaxesInOrder() throws Exception {
    String doc = Files.readString(Path.of("..", "docs", "dicom-conformance.md"));
    int from = doc.indexOf("Storage transfer syntaxes:");
    String paragraph = doc.substring(from, doc.indexOf("\n\n", from));
    int last = -1;
    for (String ts : TransferSyntaxes.CANDIDATES) {
      int at = paragraph.indexOf("(" + ts + ")");
      if (at < 0) {
        at = paragraph.indexOf("(" + ts + ",");
      }
      assertTrue(at > last, ts + " missing or out of order in: " + paragraph);
      last = at;
    }
  }

  /**
   * Without CharLS the appliance still serves; JPEG-LS is refused at negotiation, with result 4.
   */
  @Test
  void missingCodecLibraryTakesItsSyntaxOffNegotiationOnly() {
    Function<String, String> noCharLs =
        ts ->
            ts.equals(JPEG_LS) || ts.equals(JPEG_LS_NEAR)
                ? "CharLS (libcharls.so.2) cannot be loaded"
                : CompressedFrames.unavailableReason(ts);

    List<String> storage = TransferSyntaxes.storage(noCharLs);

    assertFalse(storage.contains(JPEG_LS));
    assertTrue(storage.contains(J2K_LOSSLESS));
    assertTrue(storage.contains(TransferSyntaxes.JPEG_LOSSLESS_SV1));
    assertEquals(
        Map.of(JPEG_LS, "CharLS (libcharls.so.2) cannot be loaded"),
        TransferSyntaxes.notOffered(noCharLs));

    LinkedList<PresentationContext> contexts = new LinkedList<>();
    contexts.add(new PresentationContext((byte) 1, Uids.MR_IMAGE_STORAGE, JPEG_LS));
    contexts.add(new PresentationContext((byte) 3, Uids.MR_IMAGE_STORAGE, J2K_LOSSLESS));
    LinkedList<String> both = new LinkedList<>(List.of(JPEG_LS, TransferSyntaxes.EXPLICIT_LE));
    contexts.add(new PresentationContext((byte) 5, Uids.ENHANCED_MR_IMAGE_STORAGE, both));
    new MrStoragePolicy(storage).applyPresentationContextSelectionPolicy(contexts, 1);

    assertEquals(4, contexts.get(0).getResultReason(), "JPEG-LS only: no transfer syntax");
    assertEquals(0, contexts.get(1).getResultReason());
    assertEquals(J2K_LOSSLESS, contexts.get(1).getTransferSyntaxUID());
    assertEquals(0, contexts.get(2).getResultReason());
    assertEquals(TransferSyntaxes.EXPLICIT_LE, contexts.get(2).getTransferSyntaxUID());
  }
}
