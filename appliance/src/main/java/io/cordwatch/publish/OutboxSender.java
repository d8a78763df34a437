package io.cordwatch.publish;

import io.cordwatch.dicom.Uids;
import io.cordwatch.store.Index;
import io.cordwatch.store.OutboxRecords.Row;
import io.cordwatch.store.OutboxRecords.Via;
import io.cordwatch.store.StoreException;
import io.cordwatch.telemetry.Meters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Delivers the outbox, on one thread.
 *
 * <p>The queue is the {@code outbox} table, filled in the transaction that commits each verdict, so
 * what is waiting survives kill -9 and is picked up at the next start. The loop takes the rows that
 * are due, sends them grouped by destination (one association per destination and round), and
 * records each outcome in its own transaction: sent, or due again after {@link Backoff}'s wait, or,
 * once the delivery has been retried for {@link Backoff#giveUpAfter}, failed with an audit row. A
 * document is marked sent only after the destination answered success. Once each association is
 * open, before its first request, the rows about to go are marked started (one commit; a
 * destination that is down starts nothing), so a row found started and not sent was cut off between
 * our C-STORE and our commit (a crash, a broken association): the destination may hold it. Such a
 * row is first looked up there by C-FIND ({@code StoreScu}); held means it is marked sent
 * "confirmed by C-FIND" without a second C-STORE. A destination that cannot answer C-FIND gets it
 * again (the same SOP Instance UID, fixed per verdict), counted as {@code resent_unchecked}.
 *
 * <p>Nothing thrown here leaves the loop: a destination that is down, a file that went missing or
 * an index that cannot be written for a moment never stops grading or the server.
 */
public final class OutboxSender implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(OutboxSender.class.getName());

  /** At most this many rows per round, so one long backlog does not delay recording outcomes. */
  private static final int BATCH = 50;

  private final Index index;
  private final ResultFiles files;
  private final String callingAe;
  private final Backoff backoff;
  private final Duration associationTimeout;
  private final Duration idlePoll;
  private final Meters meters;
  private final Clock clock;
  private final WebhookClient webhooks;
  private final Object signal = new Object();
  private volatile boolean stopping;
  private Thread thread;

  /**
   * @param callingAe our AE title, the calling AE of every association
   * @param associationTimeout how long one association may take before it is aborted
   * @param idlePoll the longest wait between looks at the outbox when nothing is due
   * @param alertKey the key webhook alerts are signed with (HMAC-SHA256); empty: alerts fail
   */
  public OutboxSender(
      Index index,
      ResultFiles files,
      String callingAe,
      Backoff backoff,
      Duration associationTimeout,
      Duration idlePoll,
      Meters meters,
      Clock clock,
      byte[] alertKey) {
    this.webhooks = new WebhookClient(alertKey, associationTimeout);
    this.index = index;
    this.files = files;
    this.callingAe = callingAe;
    this.backoff = backoff;
    this.associationTimeout = associationTimeout;
    this.idlePoll = idlePoll;
    this.meters = meters;
    this.clock = clock;
  }

  /** Starts the sending thread. */
  public synchronized void start() {
    thread = Thread.ofPlatform().name("outbox").daemon(true).start(this::loop);
  }

  /** Tells the sender something may be due (a verdict was just committed). */
  public void wake() {
    synchronized (signal) {
      signal.notifyAll();
    }
  }

  private void loop() {
    while (!stopping) {
      int sent;
      try {
        sent = round();
      } catch (StoreException | IllegalStateException e) {
        if (stopping) {
          return;
        }
        LOG.log(Level.WARNING, "outbox: cannot read or update the outbox; retrying", e);
        sent = 0;
      }
      if (sent > 0) {
        continue;
      }
      long wait = idlePoll.toMillis();
      try {
        Long next = index.nextOutboxDue();
        if (next != null) {
          wait = Math.max(1, Math.min(wait, next - clock.millis()));
        }
      } catch (StoreException | IllegalStateException e) {
        // Wait the idle poll and look again.
      }
      synchronized (signal) {
        try {
          signal.wait(wait);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  /** Sends what is due now; returns how many rows were attempted. */
  int round() {
    List<Row> due = index.dueOutbox(clock.millis(), BATCH);
    Map<String, List<Row>> byDestination = new LinkedHashMap<>();
    for (Row r : due) {
      byDestination.computeIfAbsent(r.destination(), k -> new ArrayList<>()).add(r);
    }
    for (Map.Entry<String, List<Row>> e : byDestination.entrySet()) {
      if (stopping) {
        break;
      }
      send(e.getKey(), e.getValue());
    }
    return due.size();
  }

  private void send(String destinationText, List<Row> rows) {
    List<Row> dicom = new ArrayList<>();
    for (Row r : rows) {
      if (DocumentKind.ALERT.id().equals(r.kind())) {
        post(r);
      } else {
        dicom.add(r);
      }
    }
    if (!dicom.isEmpty()) {
      store(destinationText, dicom);
    }
  }

  private void post(Row r) {
    Path file = files.resolve(r.path());
    if (!Files.isRegularFile(file)) {
      failed(r, "the alert file " + r.path() + " is missing", true);
      return;
    }
    StoreScu.Outcome o = webhooks.post(r.destination(), r.objectUid(), file);
    if (o.stored()) {
      delivered(r, Via.WEBHOOK, false, "webhook");
    } else {
      failed(r, o.error(), false);
    }
  }

  private void store(String destinationText, List<Row> rows) {
    Destination to;
    try {
      to = Destination.parse(destinationText);
    } catch (IllegalArgumentException e) {
      rows.forEach(r -> failed(r, e.getMessage(), true));
      return;
    }
    List<StoreScu.Document> docs = new ArrayList<>();
    List<Row> sending = new ArrayList<>();
    for (Row r : rows) {
      Path file = files.resolve(r.path());
      if (!Files.isRegularFile(file)) {
        failed(r, "the document file " + r.path() + " is missing", true);
        continue;
      }
      boolean inDoubt = r.startedMs() != null;
      docs.add(new StoreScu.Document(r.sopClassUid(), r.objectUid(), file, inDoubt));
      sending.add(r);
    }
    if (docs.isEmpty()) {
      return;
    }

    // Each document is marked sent as soon as the peer stored it, not after the association: a
    // kill between its C-STORE response and the mark resends it, and that window is now one commit.
    Map<String, Row> byUid = new HashMap<>();
    sending.forEach(r -> byUid.put(r.objectUid(), r));
    Set<String> marked = new HashSet<>();
    Map<String, StoreScu.Outcome> outcomes =
        StoreScu.send(
            to,
            callingAe,
            docs,
            associationTimeout,
            new StoreScu.Progress() {
              @Override
              public void associated() {
                index.outboxStarted(sending.stream().map(Row::id).toList(), clock.millis());
              }

              @Override
              public void stored(StoreScu.Document d, StoreScu.Outcome o) {
                delivered(byUid.get(d.sopInstanceUid()), o.via(), o.unchecked(), to.toString());
                marked.add(d.sopInstanceUid());
              }
            });
    for (Row r : sending) {
      if (marked.contains(r.objectUid())) {
        continue;
      }
      StoreScu.Outcome o = outcomes.get(r.objectUid());
      if (o != null && o.stored()) {
        delivered(r, o.via(), o.unchecked(), to.toString());
      } else {
        failed(r, o == null ? "not sent" : o.error(), false);
      }
    }
  }

  /**
   * Records a delivery proven {@code via}; {@code unchecked}: sent again although the destination
   * may have held it, since it could not be asked (counted, so the operator sees at-least-once).
   */
  private void delivered(Row r, Via via, boolean unchecked, String where) {
    index.outboxDelivered(r.id(), via, clock.millis());
    String what = "outbox: " + r.kind() + " " + Uids.tag(r.objectUid());
    String series = " of series " + Uids.tag(r.seriesUid());
    if (via == Via.C_FIND) {
      meters.outboxAttempt(r.kind(), "confirmed");
      LOG.info(what + series + " already held by " + where + " (confirmed by C-FIND), not resent");
      return;
    }
    meters.outboxAttempt(r.kind(), unchecked ? "resent_unchecked" : "sent");
    LOG.log(
        unchecked ? Level.WARNING : Level.INFO,
        what
            + series
            + " delivered to "
            + where
            + (r.attempts() > 0 ? " (attempt " + (r.attempts() + 1) + ")" : "")
            + (unchecked
                ? "; sent again unchecked: an earlier C-STORE may have stored it and "
                    + where
                    + " does not answer C-FIND, so it may have received this instance twice"
                : r.startedMs() != null
                    ? "; an earlier C-STORE was cut off and C-FIND found it not held, so it was"
                        + " sent again"
                    : ""));
  }

  /** Records a failed attempt: due again later, or given up when {@code final} or too old. */
  private void failed(Row r, String error, boolean permanent) {
    long now = clock.millis();
    boolean giveUp = permanent || backoff.givesUp(r.createdMs(), now);
    Duration wait = backoff.delayAfter(r.attempts() + 1);
    index.outboxAttemptFailed(r, error, giveUp, now + wait.toMillis(), now);
    meters.outboxAttempt(r.kind(), giveUp ? "failed" : "retry");
    LOG.log(
        giveUp ? Level.SEVERE : Level.WARNING,
        "outbox: "
            + r.kind()
            + " "
            + Uids.tag(r.objectUid())
            + " to "
            + r.destination()
            + " not delivered (attempt "
            + (r.attempts() + 1)
            + "): "
            + error
            + (giveUp
                ? "; given up (see the audit log), resend by grading the series again"
                : "; next try in " + wait.toSeconds() + " s"));
  }

  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      stopping = true;
      t = thread;
      thread = null;
    }
    wake();
    if (t != null) {
      try {
        t.join(Duration.ofSeconds(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
