package io.cordwatch.audit;

import io.cordwatch.store.AuditRow;
import io.cordwatch.store.Index;
import io.cordwatch.store.StoreException;
import io.cordwatch.telemetry.AuditExportFigures;
import io.cordwatch.telemetry.Meters;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;

/**
 * Sends the audit trail to one syslog collector, on its own thread, so that recording an event
 * never waits for the network.
 *
 * <p>The index is the queue. Each round reads at most {@link #BATCH} rows after the cursor (the
 * bounded part held in memory), sends them in order and then records the new cursor in the index; a
 * failure keeps the rows where they are, closes the connection and tries again after a wait that
 * doubles from {@code retryMin} up to {@code retryMax}. So nothing is lost while the collector is
 * down, however long, and a restart resumes after the last recorded row. A crash between sending
 * and recording the cursor sends up to one batch again: a collector sees each message at least
 * once, and the {@code sequenceId} (the row id) tells the copies apart. Over UDP "sent" means
 * handed to the network: RFC 5426 has no acknowledgement, so use TCP or TLS where every row must
 * arrive; over TCP a message the collector's host accepted just before it died can still be lost,
 * as with any RFC 5425 sender.
 *
 * <p>A message that can never go (larger than a datagram over UDP) is skipped and counted as
 * dropped, with its row left in the index. The figures ({@link #figures}) feed the metrics and the
 * status page, which says ATTENTION once the collector has been unreachable for {@code alertAfter}.
 */
public final class AuditExporter implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(AuditExporter.class.getName());

  /** Rows read and sent per round. */
  static final int BATCH = 200;

  /** How long connecting (and a TLS handshake) may take. */
  private static final int CONNECT_TIMEOUT_MS = 10_000;

  private final Index index;
  private final Collector collector;
  private final AuditSource source;
  private final SSLContext tls;
  private final Meters meters;
  private final Clock clock;
  private final Duration poll;
  private final Duration retryMin;
  private final Duration retryMax;
  private final Duration alertAfter;
  private final String key;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private boolean woken;
  private volatile boolean closed;
  private Thread thread;

  private volatile SyslogChannel channel;
  private volatile long cursor;
  private volatile long unreachableSinceMs;
  private volatile String lastError;

  /**
   * @param tls the client context for a {@code tls://} collector; null otherwise
   * @param poll how long an idle round waits for {@link #wake} before looking again
   * @param retryMin the first wait after a failure
   * @param retryMax the longest wait between attempts
   * @param alertAfter from how long unreachable the status page says ATTENTION
   */
  public AuditExporter(
      Index index,
      Collector collector,
      AuditSource source,
      SSLContext tls,
      Meters meters,
      Clock clock,
      Duration poll,
      Duration retryMin,
      Duration retryMax,
      Duration alertAfter) {
    if (collector.transport().equals("tls") && tls == null) {
      throw new IllegalArgumentException("a tls:// collector needs a TLS client context");
    }
    this.index = index;
    this.collector = collector;
    this.source = source;
    this.tls = tls;
    this.meters = meters;
    this.clock = clock;
    this.poll = poll;
    this.retryMin = retryMin;
    this.retryMax = retryMax;
    this.alertAfter = alertAfter;
    this.key = collector.toString();
    this.cursor = index.auditExported(key);
  }

  /** Starts the sender thread. */
  public synchronized void start() {
    if (thread != null) {
      return;
    }
    meters.bindAuditExport(this::figures);
    thread = Thread.ofPlatform().name("audit-export").daemon(true).start(this::run);
    LOG.info(
        "audit: the trail goes to "
            + key
            + " as DICOM audit messages (RFC 5424, app-name "
            + source.appName()
            + "), from audit row "
            + (cursor + 1));
  }

  /** New rows were written: look now rather than after the idle wait. */
  public void wake() {
    lock.lock();
    try {
      woken = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The export as the status surfaces show it. */
  public AuditExportFigures figures() {
    long since = unreachableSinceMs;
    long backlog;
    try {
      backlog = index.auditCountAfter(cursor);
    } catch (StoreException e) {
      backlog = -1;
    }
    return new AuditExportFigures(
        key,
        backlog,
        since == 0 ? 0 : Math.max(1, (clock.millis() - since) / 1000),
        alertAfter.toSeconds(),
        lastError);
  }

  /** The id of the last row sent (and recorded as sent). */
  public long cursor() {
    return cursor;
  }

  private void run() {
    Duration wait = retryMin;
    while (!closed) {
      List<AuditRow> batch;
      try {
        batch = index.auditAfter(cursor, BATCH);
      } catch (StoreException e) {
        if (closed) {
          return;
        }
        LOG.log(Level.WARNING, "audit: cannot read the audit rows: " + e.getMessage(), e);
        pause(retryMax);
        continue;
      }
      if (batch.isEmpty()) {
        pause(poll);
        continue;
      }
      if (sendAll(batch)) {
        wait = retryMin;
      } else {
        pause(wait);
        wait = wait.multipliedBy(2).compareTo(retryMax) > 0 ? retryMax : wait.multipliedBy(2);
      }
    }
  }

  /** Sends a batch; true when all of it went. The cursor is recorded for what did. */
  private boolean sendAll(List<AuditRow> batch) {
    long sentUpTo = cursor;
    try {
      if (channel != null && !channel.alive()) {
        closeChannel();
      }
      if (channel == null) {
        channel = SyslogChannel.open(collector, tls, CONNECT_TIMEOUT_MS);
      }
      for (AuditRow row : batch) {
        if (closed) {
          break;
        }
        AuditMessage m = AuditEvents.of(row, source);
        byte[] message =
            SyslogFrame.message(
                row.id(), row.atMs(), m.outcome(), AuditXml.write(m, source), source);
        try {
          channel.send(message);
          meters.auditExport("sent");
        } catch (SyslogChannel.TooLarge e) {
          meters.auditExport("dropped");
          LOG.warning(
              "audit: row " + row.id() + " (" + row.event() + ") not sent: " + e.getMessage());
        }
        sentUpTo = row.id();
      }
      record(sentUpTo);
      if (unreachableSinceMs != 0) {
        LOG.info(
            "audit: collector "
                + key
                + " reachable again after "
                + Math.max(0, (clock.millis() - unreachableSinceMs) / 1000)
                + " s; the rows written meanwhile are sent");
      }
      unreachableSinceMs = 0;
      lastError = null;
      return true;
    } catch (IOException | RuntimeException e) {
      record(sentUpTo);
      closeChannel();
      meters.auditExport("failed");
      lastError = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      if (unreachableSinceMs == 0) {
        unreachableSinceMs = clock.millis();
        LOG.warning(
            "audit: collector "
                + key
                + " unreachable ("
                + lastError
                + "); the trail stays in the index and goes out when it is back");
      }
      return false;
    }
  }

  private void record(long sentUpTo) {
    if (sentUpTo <= cursor) {
      return;
    }
    try {
      index.markAuditExported(key, sentUpTo, clock.millis());
    } catch (StoreException e) {
      // The rows went out; a restart before the cursor is recorded sends them once more.
      LOG.log(Level.WARNING, "audit: cannot record the export cursor: " + e.getMessage(), e);
    }
    cursor = sentUpTo;
  }

  private void pause(Duration d) {
    lock.lock();
    try {
      long nanos = d.toNanos();
      while (!woken && !closed && nanos > 0) {
        nanos = changed.awaitNanos(nanos);
      }
      woken = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true;
    } finally {
      lock.unlock();
    }
  }

  private void closeChannel() {
    if (channel != null) {
      channel.close();
      channel = null;
    }
  }

  /**
   * Stops the thread, first giving it up to {@code drain} to send what is pending (the
   * application-stopped row, say); what is still pending then goes out at the next start.
   */
  public void close(Duration drain) {
    Thread t;
    synchronized (this) {
      t = thread;
    }
    if (t != null && !drain.isZero()) {
      long deadline = System.nanoTime() + drain.toNanos();
      wake();
      while (System.nanoTime() < deadline && unreachableSinceMs == 0 && pending()) {
        try {
          t.join(Duration.ofMillis(20));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    close();
  }

  private boolean pending() {
    try {
      return index.auditCountAfter(cursor) > 0;
    } catch (StoreException e) {
      return false;
    }
  }

  @Override
  public void close() {
    closed = true;
    wake();
    Thread t;
    synchronized (this) {
      t = thread;
    }
    if (t != null) {
      try {
        t.join(Duration.ofSeconds(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    // After the thread: it may be writing on the channel until then.
    closeChannel();
  }
}
