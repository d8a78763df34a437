package io.cordwatch.fuzz;

import io.cordwatch.app.Appliance;
import io.cordwatch.auth.AccessControl;
import io.cordwatch.auth.Role;
import io.cordwatch.auth.Scope;
import io.cordwatch.auth.Sessions;
import io.cordwatch.config.Settings;
import io.cordwatch.dicom.DicomFacts;
import io.cordwatch.dicom.InstanceFacts;
import io.cordwatch.phantom.SyntheticStudy;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The appliance the network targets fuzz: a real one, started in this process over a scratch data
 * directory, on loopback and free ports, with access control as in service (it is always on), short
 * ARTIM and idle timeouts so that a held connection shows within seconds, and a small phantom study
 * received over DICOM, so there is patient data that a request without credentials must never see.
 * It holds a read token and a clinician's session for the requests that should get in.
 */
final class FuzzHost implements AutoCloseable {
  /** The clinician the session belongs to; the password never leaves this class. */
  static final String USER = "fuzz-clinician";

  private final Appliance appliance;
  private final List<byte[]> phantomFiles;
  private final Set<String> patientData;
  private final InstanceFacts first;
  private final String token;
  private final AccessControl access;
  private final char[] password;
  private Sessions.Opened session;
  private final Duration artim;
  private final Duration idle;

  private FuzzHost(
      Appliance appliance,
      List<byte[]> phantomFiles,
      Set<String> patientData,
      InstanceFacts first,
      String token,
      AccessControl access,
      char[] password,
      Duration artim,
      Duration idle) {
    this.appliance = appliance;
    this.phantomFiles = phantomFiles;
    this.patientData = patientData;
    this.first = first;
    this.token = token;
    this.access = access;
    this.password = password;
    this.artim = artim;
    this.idle = idle;
  }

  /**
   * Starts the appliance over {@code dir} (created) and stores a three-slice phantom study in it
   * over DICOM.
   *
   * @throws IOException when the study cannot be stored: the target is broken before any fuzzing
   */
  static FuzzHost start(Path dir, Duration artim, Duration idle, long seed) throws IOException {
    Map<String, String> m = new HashMap<>();
    m.put("data-dir", dir.resolve("data").toString());
    m.put("dicom-port", "0");
    m.put("http-port", "0");
    m.put("bind", "127.0.0.1");
    m.put("allow-ae", PduStreams.CALLING_AE + ",STORESCU");
    m.put("disk-reserve", "0");
    m.put("artim-timeout", artim.toMillis() + "ms");
    m.put("idle-timeout", idle.toMillis() + "ms");
    m.put("retention-interval", "0");
    List<Path> files =
        SyntheticStudy.write(
            dir.resolve("phantom"), new SyntheticStudy.Spec(3, false, false, 64, seed));
    List<byte[]> bytes = new ArrayList<>();
    Set<String> uids = new LinkedHashSet<>();
    InstanceFacts first = null;
    for (Path f : files) {
      bytes.add(Files.readAllBytes(f));
      InstanceFacts facts = DicomFacts.read(f);
      first = first == null ? facts : first;
      uids.add(facts.studyInstanceUid());
      uids.add(facts.seriesInstanceUid());
      uids.add(facts.sopInstanceUid());
    }
    Appliance a = Appliance.start(Settings.load(null, m), Clock.systemUTC());
    try {
      AccessControl access = AccessControl.over(a.index(), Clock.systemUTC());
      String token = access.tokens().add("fuzz", Scope.READ);
      char[] password = ("fuzz " + Long.toHexString(seed) + " horse battery staple").toCharArray();
      access.users().add(USER, Role.CLINICIAN, password);
      FuzzHost host =
          new FuzzHost(
              a, List.copyOf(bytes), Set.copyOf(uids), first, token, access, password, artim, idle);
      host.session();
      for (byte[] f : bytes) {
        String why = host.storeProbe(f);
        if (why != null) {
          throw new IOException("the phantom study was not stored: " + why);
        }
      }
      return host;
    } catch (IOException | RuntimeException e) {
      a.close();
      throw e;
    }
  }

  int dicomPort() {
    return appliance.dicomPort();
  }

  int httpPort() {
    return appliance.httpPort();
  }

  Appliance appliance() {
    return appliance;
  }

  /** The phantom study's files (the association target's seeds). */
  List<byte[]> phantomFiles() {
    return phantomFiles;
  }

  /** The study, series and SOP instance UIDs of the stored study: patient data in any response. */
  Set<String> patientData() {
    return patientData;
  }

  /** The stored study's Study Instance UID. */
  String studyUid() {
    return first.studyInstanceUid();
  }

  /** The SOP Instance UID of the study's first instance. */
  String sopUid() {
    return first.sopInstanceUid();
  }

  /** A read-scope API token. */
  String token() {
    return token;
  }

  /**
   * The clinician's session: the one held, or a new one when the last was closed (an input may well
   * be a valid {@code POST /logout}).
   */
  synchronized Sessions.Opened session() {
    if (session == null || access.sessions().find(session.cookieValue()).isEmpty()) {
      session =
          access.sessions().open(access.users().login(USER, password).orElseThrow(), "127.0.0.1");
    }
    return session;
  }

  /** The longest the receiver may keep a connection after its last byte: ARTIM plus idle. */
  Duration dicomHoldLimit() {
    return artim.plus(idle);
  }

  /**
   * Sends {@code part10} as a well-behaved sender would (associate, echo, store, release).
   *
   * @return null when it was accepted, stored with Success and released; else what went wrong
   */
  String storeProbe(byte[] part10) throws IOException {
    return Probe.check(
        Wire.send(
            dicomPort(),
            PduStreams.store(part10),
            false,
            dicomHoldLimit().plusSeconds(10),
            1 << 16,
            Probe::released),
        2);
  }

  /** Whether {@code GET /observe/health} answers at all (any status) within 10 s. */
  boolean healthAnswers() throws IOException {
    byte[] rq =
        ("GET /observe/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    Wire.Exchange e = Wire.send(httpPort(), rq, true, Duration.ofSeconds(10), 64, b -> false);
    return e.closed()
        && new String(e.response(), java.nio.charset.StandardCharsets.US_ASCII)
            .startsWith("HTTP/1.1 ");
  }

  /** Open file descriptors of this process (sockets included), or -1 where the JDK cannot say. */
  static long openFiles() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      return unix.getOpenFileDescriptorCount();
    }
    return -1;
  }

  /** Live platform threads of this process. */
  static int threads() {
    return ManagementFactory.getThreadMXBean().getThreadCount();
  }

  @Override
  public void close() {
    appliance.close();
  }
}
