package io.cordwatch.publish;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.network.AReleaseException;
import com.pixelmed.network.Association;
import com.pixelmed.network.AssociationFactory;
import com.pixelmed.network.DicomNetworkException;
import com.pixelmed.network.PresentationContextListFactory;
import com.pixelmed.network.StorageSOPClassSCU;
import io.cordwatch.store.OutboxRecords.Via;
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

/**
 * The C-STORE SCU: one association to one destination per batch, each document sent and its
 * response awaited before the next. PixelMed's own multi-file sender swallows connection failures
 * and reports no per-instance status we can rely on, so this opens the association itself and uses
 * the library's one-instance send, which returns whether the response status was success (or a
 * warning). PixelMed sets no read timeout on its socket, so a watchdog aborts an association that
 * is still open after {@code timeout}: a peer that accepts and then says nothing cannot hold the
 * sender for ever.
 *
 * <p>A document in doubt (its C-STORE was started before and never confirmed) is first looked up at
 * the destination by {@link InstanceFind} on the same association, for which the Study Root FIND
 * context is proposed beside the storage contexts: held means confirmed without a second C-STORE;
 * not held means sent; a destination that does not accept the FIND context (a bare storescp) or
 * cannot answer gets it sent again, flagged as unchecked so the caller can count it.
 */
final class StoreScu {
  /**
   * A document to send.
   *
   * @param inDoubt whether a C-STORE of it was started before without its outcome recorded, so that
   *     the destination may hold it already
   */
  record Document(String sopClassUid, String sopInstanceUid, Path file, boolean inDoubt) {}

  /**
   * What became of one document: stored (by our C-STORE, or found already held by C-FIND), or the
   * reason it was not.
   *
   * @param via how the store was proven; null when not stored
   * @param unchecked stored by a C-STORE although in doubt, since the destination could not be
   *     asked (at-least-once: it may now hold the document from both attempts)
   */
  record Outcome(boolean stored, String error, Via via, boolean unchecked) {
    Outcome(boolean stored, String error) {
      this(stored, error, stored ? Via.C_STORE : null, false);
    }

    static Outcome confirmedByFind() {
      return new Outcome(true, null, Via.C_FIND, false);
    }
  }

  /** Hears how a batch goes, as it goes, so the caller can commit each step at once. */
  interface Progress {
    /**
     * The association is open and the first request is about to go: from here on the destination
     * may hold any of the documents, so the caller records them as started.
     */
    void associated();

    /** The destination stored {@code d}, or already held it ({@link Outcome#via}). */
    void stored(Document d, Outcome o);
  }

  private static final ScheduledExecutorService WATCHDOG =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().name("c-store-watchdog").daemon(true).unstarted(r));

  private StoreScu() {}

  /**
   * Sends {@code docs} to {@code to} as {@code callingAe}; returns an outcome per SOP Instance UID
   * (all failed, with the reason, when no association could be made). {@code progress} hears when
   * the association is open, before the first request, and of each document the moment the peer's
   * response says it is stored (or its C-FIND that it is held), before the next one and before the
   * association is released, so that the caller can record it at once: a crash later in the
   * association then does not send it again.
   */
  static Map<String, Outcome> send(
      Destination to, String callingAe, List<Document> docs, Duration timeout, Progress progress) {
    Map<String, Outcome> out = new LinkedHashMap<>();
    Set<String> classes = new LinkedHashSet<>();
    docs.forEach(d -> classes.add(d.sopClassUid()));
    if (docs.stream().anyMatch(Document::inDoubt)) {
      classes.add(InstanceFind.SOP_CLASS);
    }
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
      boolean canAsk = InstanceFind.accepted(association);
      progress.associated();
      for (Document d : docs) {
        Outcome o = deliver(association, sender, d, canAsk);
        out.put(d.sopInstanceUid(), o);
        if (o.stored()) {
          progress.stored(d, o);
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

  /**
   * One document: asked about first when in doubt and the destination answers C-FIND, then sent.
   */
  private static Outcome deliver(Association association, Sender sender, Document d, boolean canAsk)
      throws DicomNetworkException, DicomException, IOException, AReleaseException {
    AttributeList list = new AttributeList();
    list.read(d.file().toString());
    list.removeMetaInformationHeaderAttributes();
    InstanceFind.Answer answer =
        d.inDoubt() && canAsk ? InstanceFind.ask(association, list) : InstanceFind.Answer.UNKNOWN;
    if (answer == InstanceFind.Answer.HELD) {
      return Outcome.confirmedByFind();
    }
    Outcome o = sender.store(association, d, list);
    boolean unchecked = d.inDoubt() && answer == InstanceFind.Answer.UNKNOWN;
    return o.stored() && unchecked ? new Outcome(true, null, Via.C_STORE, true) : o;
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

    Outcome store(Association association, Document d, AttributeList list)
        throws DicomNetworkException, DicomException, IOException, AReleaseException {
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
