package io.cordwatch.publish;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.network.AReleaseException;
import com.pixelmed.network.Association;
import com.pixelmed.network.AssociationFactory;
import com.pixelmed.network.DicomNetworkException;
import com.pixelmed.network.PresentationContextListFactory;
import com.pixelmed.network.StorageSOPClassSCU;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The C-STORE SCU: one association to one destination per batch, each document sent and its
 * response awaited before the next. PixelMed's own multi-file sender swallows connection failures
 * and reports no per-instance status we can rely on, so this opens the association itself and uses
 * the library's one-instance send, which returns whether the response status was success (or a
 * warning). PixelMed sets no read timeout on its socket, so a watchdog aborts an association that
 * is still open after {@code timeout}: a peer that accepts and then says nothing cannot hold the
 * sender for ever.
 */
final class StoreScu {
  /** A document to send. */
  record Document(String sopClassUid, String sopInstanceUid, Path file) {}

  /** What became of one document: stored, or the reason it was not. */
  record Outcome(boolean stored, String error) {}

  private static final ScheduledExecutorService WATCHDOG =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().name("c-store-watchdog").daemon(true).unstarted(r));

  private StoreScu() {}

  /**
   * Sends {@code docs} to {@code to} as {@code callingAe}; returns an outcome per SOP Instance UID
   * (all failed, with the reason, when no association could be made). {@code onStored} hears of
   * each document the moment the peer's C-STORE response says it is stored, before the next one is
   * sent and before the association is released, so that the caller can record it at once: a crash
   * later in the association then does not send it again.
   */
  static Map<String, Outcome> send(
      Destination to,
      String callingAe,
      List<Document> docs,
      Duration timeout,
      Consumer<Document> onStored) {
    Map<String, Outcome> out = new LinkedHashMap<>();
    Set<String> classes = new LinkedHashSet<>();
    docs.forEach(d -> classes.add(d.sopClassUid()));
    Association association;
    try {
      LinkedList<?> contexts =
          PresentationContextListFactory.createNewPresentationContextList(classes, 0);
      association =
          AssociationFactory.createNewAssociation(
              to.host(), to.port(), to.aeTitle(), callingAe, contexts, null, false);
    } catch (DicomNetworkException | IOException | RuntimeException e) {
      String why = "no association with " + to + ": " + message(e);
      docs.forEach(d -> out.put(d.sopInstanceUid(), new Outcome(false, why)));
      return out;
    }
    ScheduledFuture<?> watchdog =
        WATCHDOG.schedule(
            () -> abortQuietly(association), timeout.toMillis(), TimeUnit.MILLISECONDS);
    try {
      Sender sender = new Sender();
      for (Document d : docs) {
        Outcome o = sender.store(association, d);
        out.put(d.sopInstanceUid(), o);
        if (o.stored()) {
          onStored.accept(d);
        }
      }
      association.release();
    } catch (AReleaseException e) {
      // The peer released first; the outcomes already collected stand.
    } catch (DicomNetworkException | DicomException | IOException | RuntimeException e) {
      abortQuietly(association);
      String why = "association with " + to + " failed: " + message(e);
      docs.forEach(d -> out.putIfAbsent(d.sopInstanceUid(), new Outcome(false, why)));
    } finally {
      watchdog.cancel(false);
    }
    docs.forEach(
        d ->
            out.putIfAbsent(
                d.sopInstanceUid(),
                new Outcome(false, "association with " + to + " ended before this was sent")));
    return out;
  }

  private static void abortQuietly(Association a) {
    try {
      a.abort();
    } catch (DicomNetworkException | RuntimeException e) {
      // Already closed.
    }
  }

  private static String message(Exception e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName()
        + (m == null ? "" : ": " + m.lines().findFirst().orElse("").strip());
  }

  /** Reaches the library's one-instance send, which is protected. */
  private static final class Sender extends StorageSOPClassSCU {
    Sender() throws DicomNetworkException, DicomException, IOException {
      super();
    }

    Outcome store(Association association, Document d)
        throws DicomNetworkException, DicomException, IOException, AReleaseException {
      AttributeList list = new AttributeList();
      list.read(d.file().toString());
      list.removeMetaInformationHeaderAttributes();
      byte context;
      try {
        context = association.getSuitablePresentationContextID(d.sopClassUid());
      } catch (DicomNetworkException e) {
        return new Outcome(false, "the destination does not accept SOP class " + d.sopClassUid());
      }
      String syntax = association.getTransferSyntaxForPresentationContextID(context);
      boolean ok =
          sendOneSOPInstance(
              association, d.sopClassUid(), d.sopInstanceUid(), list, context, syntax, null, -1);
      return ok
          ? new Outcome(true, null)
          : new Outcome(false, "the destination answered the C-STORE with a failure status");
    }
  }
}
