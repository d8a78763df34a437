package io.cordwatch.fuzz;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fuzzes the HTTP server of a real appliance ({@link FuzzHost}: access control on, a phantom study
 * stored) over a real loopback socket. Each input is a damaged request ({@link HttpMutator} over
 * {@link HttpRequests#seeds}) with the credentials and UIDs filled in: connect, write, half-close,
 * read until the server closes. Findings: any 5xx answer but the declared ones ({@link #DECLARED});
 * no end to the answer within {@link #DEADLINE} (an event stream that starts is an answer); an
 * answer that carries patient data (the stored study's study, series or SOP instance UIDs) the
 * request did not itself send, to a request without the valid token or session cookie; a log record
 * or uncaught throwable the appliance did not declare ({@link LogWatch}); and {@code
 * /observe/health} not answering (checked every {@code probeEvery} inputs and at the end).
 */
public final class HttpFuzzer {
  /** How long the server has to answer one input in full. */
  static final Duration DEADLINE = Duration.ofSeconds(15);

  /**
   * The 5xx answers that are declared, not faults: 503 (the index cannot be read, {@code
   * INDEX_UNAVAILABLE}), and the two that RFC 9110 prescribes for a request the server cannot take
   * by its protocol: 501 for a method it does not recognise (15.6.2) and 505 for an HTTP version it
   * does not support (15.6.6), both Helidon's answers before any route.
   */
  static final java.util.Set<Integer> DECLARED = java.util.Set.of(501, 503, 505);

  private static final Pattern STATUS = Pattern.compile("HTTP/1\\.[01] (\\d{3}) ");

  /** What one run did. */
  public record Report(
      long inputs,
      long healthChecks,
      Map<Integer, Long> byStatus,
      List<DicomFuzzer.Finding> findings,
      Map<String, Long> byKind) {}

  /** One thing an input made the server do wrong. */
  record Problem(String signature, String detail) {}

  private final FuzzHost host;
  private final LogWatch log;
  private final Random random;
  private final Path findingsDir;
  private final int probeEvery;
  private final Map<Integer, Long> byStatus = new java.util.TreeMap<>();

  HttpFuzzer(FuzzHost host, LogWatch log, long seed, Path findingsDir, int probeEvery) {
    this.host = host;
    this.log = log;
    this.random = new Random(seed);
    this.findingsDir = findingsDir;
    this.probeEvery = probeEvery;
  }

  /** Sends every seed, then mutants, while {@code go} says so or until {@code maxInputs}. */
  public Report run(long maxInputs, BooleanSupplier go) throws IOException {
    List<HttpRequests.Request> seeds = HttpRequests.seeds();
    HttpMutator mutator = new HttpMutator(random);
    FindingLog findings = new FindingLog(findingsDir, "http", ".http");
    Map<String, Long> byKind = new LinkedHashMap<>();
    long inputs = 0;
    long checks = 0;
    while (inputs < maxInputs && go.getAsBoolean()) {
      HttpRequests.Request seed =
          seeds.get((int) (inputs < seeds.size() ? inputs : random.nextInt(seeds.size())));
      byte[] input;
      List<HttpMutator.Kind> kinds = List.of();
      if (inputs < seeds.size()) {
        input = seed.render();
      } else {
        Mutator.Mutant<HttpMutator.Kind> m = mutator.mutate(seed);
        input = m.bytes();
        kinds = m.kinds();
      }
      inputs++;
      for (HttpMutator.Kind k : kinds) {
        byKind.merge(k.name().toLowerCase(Locale.ROOT), 1L, Long::sum);
      }
      for (Problem p : one(input, seed.route())) {
        record(findings, p, input, kinds);
      }
      if (inputs % probeEvery == 0) {
        checks++;
        if (!host.healthAnswers()) {
          record(findings, new Problem("health", "/observe/health did not answer"), input, kinds);
        }
      }
    }
    checks++;
    if (!host.healthAnswers()) {
      record(
          findings,
          new Problem("health", "/observe/health did not answer after the run"),
          null,
          List.of());
    }
    for (LogWatch.Unexpected u : log.drain()) {
      record(findings, new Problem(u.signature(), u.detail()), null, List.of());
    }
    return new Report(inputs, checks, Map.copyOf(byStatus), findings.findings(), byKind);
  }

  /**
   * Sends one request (placeholders still in; filled here) and says what went wrong: nothing (an
   * empty list) when the server answered in time, with no 5xx but 503, and showed no patient data
   * to a request without valid credentials.
   *
   * @param route the seed's route name, for the finding's signature
   */
  List<Problem> one(byte[] template, String route) throws IOException {
    var session = host.session();
    byte[] input =
        HttpRequests.bind(
            template,
            Map.of(
                HttpRequests.TOKEN, host.token(),
                HttpRequests.COOKIE, session.cookieValue(),
                HttpRequests.CSRF, session.csrfToken(),
                HttpRequests.STUDY, host.studyUid(),
                HttpRequests.SOP, host.sopUid()));
    Wire.Exchange e =
        Wire.send(host.httpPort(), input, true, DEADLINE, 1 << 20, HttpFuzzer::eventStream);
    List<Problem> out = new ArrayList<>();
    String request = new String(input, StandardCharsets.ISO_8859_1);
    String response = new String(e.response(), StandardCharsets.ISO_8859_1);
    if (!e.connected()) {
      out.add(new Problem("connection refused", "the HTTP listener refused a connection"));
    } else if (!e.closed() && !e.stopped()) {
      out.add(
          new Problem(
              "hang on " + route,
              "no complete answer within "
                  + DEADLINE.toSeconds()
                  + " s; got "
                  + e.responseBytes()
                  + " bytes"));
    }
    Matcher m = STATUS.matcher(response);
    while (m.find()) {
      if (m.start() != 0 && response.charAt(m.start() - 1) != '\n') {
        continue;
      }
      int status = Integer.parseInt(m.group(1));
      synchronized (byStatus) {
        byStatus.merge(status, 1L, Long::sum);
      }
      if (status >= 500 && !DECLARED.contains(status)) {
        out.add(new Problem("HTTP " + status + " on " + route, head(response)));
      }
    }
    boolean credentialed =
        request.contains(host.token()) || request.contains(session.cookieValue());
    if (!credentialed) {
      for (String uid : host.patientData()) {
        if (response.contains(uid) && !request.contains(uid)) {
          out.add(
              new Problem(
                  "leak on " + route,
                  "an answer to a request without valid credentials carries a stored UID\n"
                      + head(response)));
          break;
        }
      }
    }
    for (LogWatch.Unexpected u : log.drain()) {
      out.add(new Problem(u.signature(), u.detail()));
    }
    return out;
  }

  /**
   * Whether the answer so far holds the head of a server-sent event stream (it never ends; the
   * stream may follow another answer when requests were pipelined).
   */
  static boolean eventStream(byte[] soFar) {
    return new String(soFar, StandardCharsets.ISO_8859_1)
        .toLowerCase(Locale.ROOT)
        .contains("content-type: text/event-stream");
  }

  private static String head(String response) {
    return response.length() <= 600 ? response : response.substring(0, 600) + "...";
  }

  private static void record(
      FindingLog findings, Problem p, byte[] input, List<HttpMutator.Kind> kinds) {
    // Saved with its placeholders: the file is replayable against any run and holds no secret.
    findings.record(p.signature(), p.detail(), input, kinds);
  }
}
