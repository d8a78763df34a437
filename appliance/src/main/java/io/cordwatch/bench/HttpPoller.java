package io.cordwatch.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP load of {@code bench load}: authenticated GETs at a fixed rate, alternating the status
 * ({@code /api/v1/status}) and the study list ({@code /api/v1/studies}), as dashboards and a
 * worklist poll them. Requests start on a fixed schedule, each on its own virtual thread, so a slow
 * answer does not lower the offered rate (an open-loop load, as independent clients are). Answers
 * other than 200 are counted, and the latency of each answer is kept for the report.
 */
final class HttpPoller implements AutoCloseable {
  private static final List<String> PATHS = List.of("/api/v1/status", "/api/v1/studies?limit=100");

  private final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(5))
          .executor(Executors.newVirtualThreadPerTaskExecutor())
          .build();
  private final ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor();
  private final String base;
  private final String token;
  private final AtomicInteger sent = new AtomicInteger();
  private final AtomicInteger ok = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  // Latencies per path (index into PATHS), so the report can say which route is slow.
  private final List<List<Double>> latenciesMs = List.of(new ArrayList<>(), new ArrayList<>());
  private volatile String firstFailure;
  private long startNanos;
  private long stopNanos;

  private HttpPoller(String base, String token) {
    this.base = base;
    this.token = token;
  }

  /** Starts polling {@code base} (e.g. {@code http://127.0.0.1:8080}) at {@code perSecond}. */
  static HttpPoller start(String base, String token, int perSecond) {
    HttpPoller p = new HttpPoller(base, token);
    p.startNanos = System.nanoTime();
    long period = TimeUnit.SECONDS.toNanos(1) / perSecond;
    p.ticks.scheduleAtFixedRate(p::fire, 0, period, TimeUnit.NANOSECONDS);
    return p;
  }

  private void fire() {
    int n = sent.getAndIncrement();
    int path = n % PATHS.size();
    HttpRequest rq =
        HttpRequest.newBuilder(URI.create(base + PATHS.get(path)))
            .header("Authorization", "Bearer " + token)
            .timeout(Duration.ofSeconds(30))
            .build();
    long t0 = System.nanoTime();
    http.sendAsync(rq, HttpResponse.BodyHandlers.discarding())
        .whenComplete(
            (r, e) -> {
              double ms = (System.nanoTime() - t0) / 1e6;
              synchronized (latenciesMs) {
                latenciesMs.get(path).add(ms);
              }
              if (e == null && r.statusCode() == 200) {
                ok.incrementAndGet();
              } else {
                failed.incrementAndGet();
                if (firstFailure == null) {
                  firstFailure = e != null ? e.toString() : "HTTP " + r.statusCode();
                }
              }
            });
  }

  /** Requests answered 200. */
  int ok() {
    return ok.get();
  }

  /** Requests that failed or were answered otherwise. */
  int failed() {
    return failed.get();
  }

  /** What the poller did, for the report: requests, achieved rate, errors, latency per route. */
  String summary() {
    double seconds = (stopNanos - startNanos) / 1e9;
    StringBuilder latency = new StringBuilder();
    synchronized (latenciesMs) {
      for (int i = 0; i < PATHS.size(); i++) {
        double[] ms =
            latenciesMs.get(i).stream().mapToDouble(Double::doubleValue).sorted().toArray();
        latency.append(
            String.format(
                Locale.ROOT,
                "; %s p50 %.1f ms, p95 %.1f ms",
                PATHS.get(i).replaceAll("\\?.*", ""),
                ms.length == 0 ? Double.NaN : BenchStats.nearestRank(ms, 0.50),
                ms.length == 0 ? Double.NaN : BenchStats.nearestRank(ms, 0.95)));
      }
    }
    return String.format(
        Locale.ROOT,
        "HTTP polling: %d requests in %.1f s (%.1f/s), %d answered 200, %d not%s%s",
        sent.get(),
        seconds,
        sent.get() / Math.max(seconds, 1e-9),
        ok.get(),
        failed.get(),
        firstFailure == null ? "" : " (first: " + firstFailure + ")",
        latency);
  }

  /** Stops the schedule and waits (up to 30 s) for the requests in flight to be answered. */
  @Override
  public void close() {
    ticks.shutdownNow();
    stopNanos = System.nanoTime();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (ok.get() + failed.get() < sent.get() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    http.close();
  }
}
