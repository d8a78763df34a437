package io.cordwatch.receive;

import com.pixelmed.network.AReleaseException;
import com.pixelmed.network.Association;
import com.pixelmed.network.AssociationFactory;
import io.cordwatch.dicom.CompressedFrames;
import io.cordwatch.dicom.Uids;
import io.cordwatch.store.Index;
import io.cordwatch.telemetry.DiskWatermark;
import io.cordwatch.telemetry.Meters;
import io.cordwatch.tls.ServerTls;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * The DICOM listener: C-ECHO and C-STORE SCP for MR and Enhanced MR.
 *
 * <p>Why not PixelMed's stock {@code StorageSOPClassSCPDispatcher}: it answers Success before
 * anything is durable or even parsed, names files after peer UIDs, and cannot refuse an association
 * on the calling AE title or on our limits. This class keeps PixelMed for what it does well (the
 * upper-layer state machine, negotiation, PDU assembly) and owns everything around it:
 *
 * <ol>
 *   <li>Gate. The first PDU is read here under the ARTIM timeout and a size bound. Garbage or an
 *       HTTP request fails on the PDU type and the socket is closed; an unknown calling AE gets a
 *       permanent A-ASSOCIATE-RJ, the association limit and a disk below reserve get a transient
 *       one, and so does a calling AE that already holds its share of the associations ({@code
 *       max-associations-per-ae}), so one sender cannot take every slot. Only then does PixelMed
 *       see the connection, through {@link GatedSocket}, which replays that PDU, bounds every later
 *       PDU length and gives each PDU one idle budget ({@link IdleDeadlineInputStream}): a peer
 *       that stops, or drips bytes, is aborted when it runs out.
 *   <li>Messages. Each DIMSE message is read by a {@link MessageReader} that streams the data set
 *       to the spool, then {@link Ingest} validates and commits it, and the response (with
 *       ErrorComment on failure) is written by us. Success means fsync'd, renamed, directory
 *       fsync'd and index row committed.
 *   <li>Isolation. Each association runs on its own virtual thread; anything one peer does ends at
 *       most its own association.
 * </ol>
 *
 * <p>With {@link ReceiveConfig#tls} set a second port speaks DICOM over TLS (PS3.15 B.9/B.10, BCP
 * 195, {@link ServerTls}). Only the first step differs: the handshake runs on the connection's own
 * thread under the same ARTIM budget as the A-ASSOCIATE-RQ that follows it ({@link ArtimTimer}),
 * and a failed one is counted ({@code tls_handshake}) and logged without data from the peer beyond
 * its address. From the A-ASSOCIATE-RQ on, both ports are one receiver: the same gate, the same
 * association slots and per-AE counts, the same idle budget. Metrics and log lines carry the
 * transport ({@code tcp} or {@code tls}).
 */
public final class DicomReceiver implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(DicomReceiver.class.getName());
  private static final int MAX_ASSOCIATE_RQ = 256 * 1024;
  private static final int MAX_PDU_RECEIVED = 65536;
  private static final long PDU_BOUND = 1L << 20;
  private static final int SOCKET_BUFFER = 256 * 1024;
  private static final long ACCEPT_BACKOFF_MILLIS = 100;
  private static final long ACCEPT_LOG_EVERY_NANOS = 10_000_000_000L;
  private static final long CLOSE_WAIT_MILLIS = 5_000;

  /** How long close waits for open associations to end by themselves before cutting them. */
  private static final long DRAIN_MILLIS = 4L * PixelMedReleaseWait.MILLIS;

  static {
    // PixelMed's fixed 5 s post-release wait, shortened (the only change to PixelMed's internals).
    PixelMedReleaseWait.apply();
  }

  private final ReceiveConfig config;
  private final Spool spool;
  private final DiskWatermark disk;
  private final Meters meters;
  private final ReceiveListener listener;
  private final Ingest ingest;
  private final ReceiveAudit audit;
  private final MrStoragePolicy policy = new MrStoragePolicy(TransferSyntaxes.STORAGE);
  private final Semaphore slots;
  private final Map<String, Integer> perAe = new ConcurrentHashMap<>();
  private final AtomicInteger associationNumbers = new AtomicInteger();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final int maxPending;
  private final Port plain;
  private final Port secure;
  private volatile boolean closing;

  /**
   * One listening port: the plain DICOM port or the TLS one. Each has its own cap on connections
   * still waiting for their A-ASSOCIATE-RQ, so a flood of handshakes on one cannot shut the other.
   */
  private static final class Port {
    final String transport;
    final int configured;
    final ServerTls tls;
    final AtomicInteger pending = new AtomicInteger();
    // Connections still waiting for their A-ASSOCIATE-RQ, oldest first: the ones a new connection
    // may evict when the cap is reached.
    final ConcurrentLinkedDeque<Socket> waiting = new ConcurrentLinkedDeque<>();
    final Set<Socket> evicted = ConcurrentHashMap.newKeySet();
    volatile ServerSocket server;
    Thread acceptor;

    Port(String transport, int configured, ServerTls tls) {
      this.transport = transport;
      this.configured = configured;
      this.tls = tls;
    }

    int port() {
      ServerSocket s = server;
      return s == null ? -1 : s.getLocalPort();
    }

    boolean listening() {
      ServerSocket s = server;
      return s != null && !s.isClosed() && acceptor != null && acceptor.isAlive();
    }
  }

  public DicomReceiver(
      ReceiveConfig config,
      Spool spool,
      Index index,
      DiskWatermark disk,
      Meters meters,
      ReceiveListener listener,
      Clock clock) {
    this.config = config;
    this.spool = spool;
    this.disk = disk;
    this.meters = meters;
    this.listener = listener;
    this.ingest = new Ingest(clock, spool, index, disk, meters, listener);
    this.audit = new ReceiveAudit(index, clock);
    this.slots = new Semaphore(config.maxAssociations());
    this.maxPending = maxPending(config.maxAssociations());
    this.plain = new Port("tcp", config.dicomPort(), null);
    this.secure =
        config.tls() == null ? null : new Port("tls", config.tls().port(), config.tls().identity());
  }

  /**
   * Connections allowed to wait for their A-ASSOCIATE-RQ at once: four per association slot, at
   * least 16. Each may hold an A-ASSOCIATE-RQ buffer (up to 256 KiB) until ARTIM ends it, so this
   * bounds what a flood of idle connections costs; beyond it a new connection evicts the one that
   * has waited longest (see {@code acceptLoop}).
   */
  static int maxPending(int maxAssociations) {
    return Math.max(16, 4 * maxAssociations);
  }

  /** Binds the port (and the TLS port, if configured) and starts accepting. */
  public synchronized void start() throws IOException {
    bind(plain);
    if (secure != null) {
      try {
        bind(secure);
      } catch (IOException e) {
        close();
        throw e;
      }
    }
    LOG.info(
        "DICOM listening on "
            + config.bind()
            + ":"
            + plain.port()
            + " as AE "
            + config.aeTitle()
            + ", allowed callers "
            + (config.allowAe().isEmpty() ? "none (set allow-ae)" : config.allowAe())
            + ", transfer syntaxes "
            + TransferSyntaxes.STORAGE.size());
    TransferSyntaxes.notOffered(CompressedFrames::unavailableReason)
        .forEach((ts, why) -> LOG.warning("transfer syntax " + ts + " not offered: " + why));
    if (secure != null) {
      LOG.info(
          "DICOM TLS listening on "
              + config.bind()
              + ":"
              + secure.port()
              + ": "
              + secure.tls.describe());
      secure.tls.warnings().forEach(w -> LOG.warning("DICOM TLS: " + w));
    }
  }

  private void bind(Port p) throws IOException {
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    try {
      s.bind(new InetSocketAddress(InetAddress.getByName(config.bind()), p.configured), 128);
    } catch (IOException e) {
      s.close();
      throw new IOException(
          "cannot listen for DICOM"
              + (p.tls == null ? "" : " TLS")
              + " on "
              + config.bind()
              + ":"
              + p.configured
              + ": "
              + e.getMessage(),
          e);
    }
    p.server = s;
    p.acceptor =
        Thread.ofPlatform()
            .name(p.tls == null ? "dicom-accept" : "dicom-tls-accept")
            .daemon(true)
            .start(() -> acceptLoop(p));
  }

  /** The bound port (useful when 0 was configured). */
  public int port() {
    return plain.port();
  }

  /** The bound TLS port, or -1 when DICOM TLS is off. */
  public int tlsPort() {
    return secure == null ? -1 : secure.port();
  }

  /** Whether the listener (both listeners, with TLS on) is accepting connections. */
  public boolean listening() {
    return plain.listening() && (secure == null || secure.listening());
  }

  private void acceptLoop(Port p) {
    long lastFailureLog = System.nanoTime() - ACCEPT_LOG_EVERY_NANOS;
    while (!closing) {
      Socket socket;
      try {
        socket = p.server.accept();
      } catch (IOException e) {
        if (closing || p.server.isClosed()) {
          return;
        }
        // Out of file descriptors, a connection reset before accept, ...: this connection is
        // lost, the listener is not. Logged at most every 10 s so a flood cannot fill the log.
        meters.associationRejected(p.transport, "accept_failed");
        if (System.nanoTime() - lastFailureLog >= ACCEPT_LOG_EVERY_NANOS) {
          lastFailureLog = System.nanoTime();
          LOG.log(
              Level.WARNING,
              "DICOM " + p.transport + " accept failed (listener keeps running): " + e,
              e);
        }
        sleepQuietly(ACCEPT_BACKOFF_MILLIS);
        continue;
      }
      if (p.pending.incrementAndGet() > maxPending) {
        p.pending.decrementAndGet();
        // The cap is reached: the connection that has waited longest for its A-ASSOCIATE-RQ makes
        // room. A real peer sends its request at once and leaves the waiting set within
        // milliseconds, so a flood of idle (slow-loris) connections only ever evicts its own
        // members; refusing the newcomer instead would lock every real sender out for as long as
        // the flood keeps the set full. Its handler ends and gives its place back.
        Socket oldest = p.waiting.pollFirst();
        if (oldest == null) {
          meters.associationRejected(p.transport, "too_many_pending");
          closeQuietly(socket);
          continue;
        }
        p.evicted.add(oldest);
        meters.associationRejected(p.transport, "evicted_pending");
        closeQuietly(oldest);
        p.pending.incrementAndGet();
      }
      p.waiting.addLast(socket);
      open.add(socket);
      Thread.ofVirtual().name("dicom-conn").start(() -> handle(p, socket));
    }
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // the connection is being refused; nothing more to do with it
    }
  }

  private void handle(Port port, Socket raw) {
    long artimDeadline = System.nanoTime() + config.artimTimeout().toNanos();
    String label =
        "assoc#" + associationNumbers.incrementAndGet() + (port.tls == null ? "" : " (tls)");
    String peer = raw.getInetAddress().getHostAddress();
    boolean acquired = false;
    boolean stillPending = true;
    Pdu.AssociateRequest rq = null;
    SSLSocket ssl = null;
    try (raw) {
      raw.setTcpNoDelay(true);
      Socket socket = raw;
      try (ArtimTimer artim = port.tls == null ? null : ArtimTimer.start(raw, artimDeadline)) {
        if (port.tls != null) {
          try {
            ssl = handshake(port.tls, raw, artimDeadline);
            socket = ssl;
          } catch (IOException e) {
            if (port.evicted.contains(raw)) {
              return;
            }
            if (artim.fired() || e instanceof SocketTimeoutException) {
              meters.associationRejected(port.transport, "artim_timeout");
              LOG.info(label + " from " + peer + ": no TLS handshake within ARTIM; closed");
            } else {
              meters.associationRejected(port.transport, "tls_handshake");
              LOG.info(label + " from " + peer + ": TLS handshake failed (" + e.getMessage() + ")");
            }
            return;
          }
        }
        try {
          rq =
              Pdu.readAssociateRequest(
                  new DeadlineInputStream(socket, artimDeadline), MAX_ASSOCIATE_RQ);
        } catch (SocketTimeoutException e) {
          artimExpired(port, label, peer);
          return;
        } catch (IOException e) {
          if (port.evicted.contains(raw)) {
            return;
          }
          if (artim != null && artim.fired()) {
            artimExpired(port, label, peer);
          } else {
            meters.associationRejected(port.transport, "protocol");
            LOG.info(label + " from " + peer + ": not DICOM (" + e.getMessage() + "); closed");
          }
          return;
        }
      }
      port.pending.decrementAndGet();
      port.waiting.remove(raw);
      stillPending = false;
      Rejection reject = gate(rq);
      if (reject == null) {
        reject = takeSlots(rq.callingAe());
        acquired = reject == null;
      }
      if (reject != null) {
        meters.associationRejected(port.transport, reject.why());
        if (reject.why().endsWith("_ae")) {
          audit.rejected(reject.why(), rq.callingAe(), rq.calledAe(), peer);
        }
        LOG.info(
            caller(label, peer, rq)
                + ": rejected ("
                + reject.why()
                + (reject.detail().isEmpty() ? "" : ": " + reject.detail())
                + ")");
        OutputStream out = socket.getOutputStream();
        out.write(Pdu.associateReject(reject.result(), reject.source(), reject.reason()));
        out.flush();
        socket.shutdownOutput();
        return;
      }
      socket.setSoTimeout((int) config.idleTimeout().toMillis());
      socket.setReceiveBufferSize(SOCKET_BUFFER);
      socket.setSendBufferSize(SOCKET_BUFFER);
      serve(port, label, peer, rq, socket, ssl == null ? null : ssl.getSession());
    } catch (IOException | RuntimeException e) {
      // An evicted connection can be closed before its handler first touches it: counted already.
      if (!port.evicted.contains(raw)) {
        LOG.log(Level.WARNING, label + " from " + peer + ": " + e.getMessage(), e);
      }
    } finally {
      if (stillPending) {
        port.pending.decrementAndGet();
        port.waiting.remove(raw);
      }
      port.evicted.remove(raw);
      if (acquired) {
        releaseSlots(rq.callingAe());
      }
      if (ssl != null) {
        closeQuietly(ssl);
      }
      open.remove(raw);
    }
  }

  private void artimExpired(Port port, String label, String peer) {
    meters.associationRejected(port.transport, "artim_timeout");
    LOG.info(label + " from " + peer + ": no A-ASSOCIATE-RQ within ARTIM; closed");
  }

  /**
   * TLS over {@code raw}, handshake done, within what is left of the ARTIM budget (the {@link
   * ArtimTimer} ends a handshake that keeps re-arming the read timeout).
   */
  private static SSLSocket handshake(ServerTls tls, Socket raw, long artimDeadline)
      throws IOException {
    long leftMillis = (artimDeadline - System.nanoTime()) / 1_000_000L;
    if (leftMillis <= 0) {
      throw new SocketTimeoutException("ARTIM expired before the handshake");
    }
    SSLSocket ssl = tls.layer(raw);
    ssl.setSoTimeout((int) Math.min(Integer.MAX_VALUE, leftMillis));
    ssl.startHandshake();
    return ssl;
  }

  /**
   * How log lines name an association once its request is read: number (and transport), peer,
   * calling AE.
   */
  private static String caller(String label, String peer, Pdu.AssociateRequest rq) {
    return label + " from " + peer + " calling " + rq.callingAe();
  }

  /**
   * An A-ASSOCIATE-RJ to send: its result, source and reason codes, the metric reason {@code why}
   * (a short fixed word) and what the log line adds.
   */
  private record Rejection(int result, int source, int reason, String why, String detail) {
    static Rejection of(int result, int source, int reason, String why) {
      return new Rejection(result, source, reason, why, "");
    }
  }

  /** The rejection of a request on who it is and how full the disk is, or null to go on. */
  private Rejection gate(Pdu.AssociateRequest rq) {
    if ((rq.protocolVersion() & 1) == 0) {
      return Rejection.of(
          Pdu.PERMANENT, Pdu.SOURCE_ACSE, Pdu.REASON_PROTOCOL_VERSION, "protocol_version");
    }
    if (!config.aeTitle().equals(rq.calledAe())) {
      return Rejection.of(
          Pdu.PERMANENT, Pdu.SOURCE_USER, Pdu.REASON_CALLED_AE_NOT_RECOGNIZED, "called_ae");
    }
    if (!config.allowAe().contains(rq.callingAe())) {
      return Rejection.of(
          Pdu.PERMANENT, Pdu.SOURCE_USER, Pdu.REASON_CALLING_AE_NOT_RECOGNIZED, "calling_ae");
    }
    if (disk.belowReserve()) {
      return Rejection.of(
          Pdu.TRANSIENT, Pdu.SOURCE_PRESENTATION, Pdu.REASON_TEMPORARY_CONGESTION, "disk_reserve");
    }
    return null;
  }

  /**
   * Takes one of the calling AE's association slots, then one of the listener's; both or neither.
   * The per-AE count comes first so that a sender at its own limit is told so (and counted as
   * {@code per_ae_limit}) even when the listener is full of its associations.
   *
   * @return null when both were taken, else the rejection to send
   */
  private Rejection takeSlots(String callingAe) {
    boolean[] taken = {false};
    int[] held = {0};
    perAe.compute(
        callingAe,
        (ae, n) -> {
          held[0] = n == null ? 0 : n;
          if (held[0] >= config.maxAssociationsPerAe()) {
            return n;
          }
          taken[0] = true;
          return held[0] + 1;
        });
    if (!taken[0]) {
      return new Rejection(
          Pdu.TRANSIENT,
          Pdu.SOURCE_PRESENTATION,
          Pdu.REASON_LOCAL_LIMIT_EXCEEDED,
          "per_ae_limit",
          callingAe
              + " already holds "
              + held[0]
              + " of the "
              + config.maxAssociationsPerAe()
              + " associations one calling AE may hold (max-associations-per-ae)");
    }
    if (!slots.tryAcquire()) {
      releaseAeSlot(callingAe);
      return new Rejection(
          Pdu.TRANSIENT,
          Pdu.SOURCE_PRESENTATION,
          Pdu.REASON_LOCAL_LIMIT_EXCEEDED,
          "limit",
          "all " + config.maxAssociations() + " associations are in use (max-associations)");
    }
    return null;
  }

  private void releaseSlots(String callingAe) {
    slots.release();
    releaseAeSlot(callingAe);
  }

  private void releaseAeSlot(String callingAe) {
    perAe.computeIfPresent(callingAe, (ae, n) -> n <= 1 ? null : n - 1);
  }

  /**
   * @param tls the TLS session of a TLS association, null for the plain port
   */
  private void serve(
      Port port, String label, String peer, Pdu.AssociateRequest rq, Socket socket, SSLSession tls)
      throws IOException {
    AssociationTally tally = new AssociationTally();
    // Read on this thread, after the last C-STORE-RSP went out: every instance of the association
    // is stored, and the tracker hears of the release without PixelMed's post-release wait.
    Runnable releaseRequested = () -> tell(tally, true);
    Association association;
    GatedSocket gated =
        new GatedSocket(
            socket, rq.bytes(), PDU_BOUND, releaseRequested, config.idleTimeout().toMillis());
    try {
      association =
          AssociationFactory.createNewAssociation(
              gated, config.aeTitle(), MAX_PDU_RECEIVED, SOCKET_BUFFER, SOCKET_BUFFER, policy);
    } catch (Exception e) {
      meters.associationRejected(port.transport, "negotiation");
      LOG.info(label + " from " + peer + ": negotiation failed (" + e.getMessage() + ")");
      return;
    }
    meters.associationOpened();
    meters.associationAccepted(port.transport);
    String over = tls == null ? "" : " over " + tls.getProtocol() + " " + tls.getCipherSuite();
    if (LOG.isLoggable(Level.FINE)) {
      LOG.fine(caller(label, peer, rq) + ": accepted" + over + clientCertificate(tls));
    }
    boolean released = false;
    try {
      while (!closing) {
        MessageReader reader =
            new MessageReader(spool, disk, config.maxObjectBytes(), rq.callingAe());
        try {
          association.setReceivedDataHandler(reader);
          association.waitForPDataPDUsUntilHandlerReportsDone();
          respond(association, reader, rq.callingAe(), tally);
        } finally {
          reader.discard();
        }
      }
    } catch (AReleaseException e) {
      released = true;
    } catch (Exception e) {
      if (gated.idleExpired()) {
        meters.associationRejected(port.transport, "idle_timeout");
        LOG.info(
            caller(label, peer, rq)
                + ": no whole PDU within idle-timeout ("
                + config.idleTimeout().toMillis()
                + " ms); aborted");
      } else {
        LOG.info(label + " from " + peer + ": ended (" + e.getMessage() + ")");
      }
      abortQuietly(association);
    } finally {
      tell(tally, released);
      meters.associationClosed();
      audit.received(
          tally.stored(),
          tally.duplicates(),
          tally.studies(),
          rq.callingAe(),
          peer,
          (released ? "(released" : "(aborted") + (tls == null ? ")" : ", over TLS)"));
      LOG.info(
          label
              + " from "
              + peer
              + (released ? " released" : " aborted")
              + over
              + ": "
              + tally.stored()
              + " stored, "
              + tally.refused()
              + " refused, "
              + tally.seriesCount()
              + " series");
    }
  }

  /**
   * The client certificate's subject for the log, when one was shown: a machine's name, never a
   * patient's.
   */
  private static String clientCertificate(SSLSession tls) {
    if (tls == null) {
      return "";
    }
    try {
      return ", client certificate " + tls.getPeerPrincipal().getName();
    } catch (SSLPeerUnverifiedException e) {
      return "";
    }
  }

  /** Tells the listener once per association which series it carried, if any. */
  private void tell(AssociationTally tally, boolean released) {
    Set<String> series = tally.seriesToTell();
    if (series.isEmpty()) {
      return;
    }
    try {
      listener.associationEnded(series, released);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "association-ended listener failed", e);
    }
  }

  /** Answers one DIMSE request; a C-STORE's outcome is added to the tally. */
  private void respond(
      Association association, MessageReader reader, String callingAe, AssociationTally tally)
      throws Exception {
    CommandSet cmd = reader.command();
    int status;
    String comment = null;
    switch (cmd.commandField()) {
      case CommandSet.C_ECHO_RQ -> status = DimseStatus.SUCCESS;
      case CommandSet.C_STORE_RQ -> {
        try {
          Ingest.Stored stored =
              ingest.store(
                  cmd,
                  reader.transferSyntax(),
                  reader.data(),
                  reader.discarded(),
                  callingAe,
                  reader.lastFragmentNanos());
          status = DimseStatus.SUCCESS;
          tally.stored(stored);
        } catch (DimseStatus.Failure f) {
          status = f.status();
          tally.failed();
          comment = f.getMessage();
          meters.instanceRejected(f.reason());
          LOG.info(
              String.format(
                  "instance %s refused: %04X %s (%s)",
                  Uids.tag(cmd.affectedSopInstanceUid()), status, f.reason(), comment));
        }
      }
      default -> {
        LOG.info(String.format("unsupported DIMSE command 0x%04X; aborting", cmd.commandField()));
        throw new IOException("unsupported DIMSE command");
      }
    }
    association.send(reader.contextId(), cmd.response(status, comment), null);
  }

  private static void abortQuietly(Association association) {
    try {
      association.abort();
    } catch (Exception ignored) {
      // the transport is gone already; nothing more to tell the peer
    }
  }

  /**
   * Stops accepting, gives open associations up to {@link #DRAIN_MILLIS} to end by themselves,
   * closes the rest and waits (up to {@link #CLOSE_WAIT_MILLIS}) for their handlers to finish.
   * Idempotent.
   *
   * <p>Why drain: an association that has released is still open for PixelMed's post-release wait;
   * cut there, it was logged and audited as aborted although every instance was stored and the peer
   * had released (the demo run twice on one data folder, which shuts down right after storescu).
   *
   * <p>Why wait: a handler still runs after its socket is closed (the association's audit row, the
   * listener's notice), and the appliance closes the index right after this returns; a handler that
   * outlived it failed on a closed index (found by the association fuzzer's shutdown).
   */
  @Override
  public synchronized void close() {
    closeListeners();
    awaitNoOpenConnections(DRAIN_MILLIS);
    closeSockets();
    if (!awaitNoOpenConnections(CLOSE_WAIT_MILLIS)) {
      LOG.warning(
          open.size()
              + " DICOM connection handler(s) still running "
              + CLOSE_WAIT_MILLIS
              + " ms after close");
    }
  }

  /** Waits up to {@code millis} for every connection to be gone; whether they all are. */
  private boolean awaitNoOpenConnections(long millis) {
    long deadline = System.nanoTime() + millis * 1_000_000L;
    while (!open.isEmpty() && System.nanoTime() < deadline) {
      sleepQuietly(5);
    }
    return open.isEmpty();
  }

  private void closeListeners() {
    if (closing) {
      return;
    }
    closing = true;
    for (Port p : secure == null ? List.of(plain) : List.of(plain, secure)) {
      try {
        if (p.server != null) {
          p.server.close();
        }
      } catch (IOException ignored) {
        // closing a listener that failed to close leaves nothing to do
      }
    }
  }

  private void closeSockets() {
    for (Socket s : List.copyOf(open)) {
      try {
        s.close();
      } catch (IOException ignored) {
        // best effort: the process is going down
      }
    }
  }
}
