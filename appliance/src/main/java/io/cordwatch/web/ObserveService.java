package io.cordwatch.web;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;

/**
 * Probes and metrics under {@code /observe}, for systemd watchdogs, load balancers and Prometheus.
 * Liveness says only that this process still answers (restarting it would not fix a full disk);
 * readiness is the full health, and answers 503 when the appliance would refuse a study.
 */
final class ObserveService implements HttpService {
  private final WebContext ctx;

  ObserveService(WebContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void routing(HttpRules rules) {
    Replies.get(rules, "/health", this::health);
    Replies.get(rules, "/health/ready", this::health);
    Replies.get(rules, "/health/live", ObserveService::live);
    Replies.get(rules, "/metrics", this::metrics);
  }

  private void health(ServerRequest req, ServerResponse res) {
    HealthChecks.Health health = HealthChecks.run(ctx);
    Replies.json(res, health.up() ? Status.OK_200 : Status.SERVICE_UNAVAILABLE_503, health);
  }

  private static void live(ServerRequest req, ServerResponse res) {
    Replies.json(res, new HealthChecks.Health(HealthChecks.UP, List.of()));
  }

  private void metrics(ServerRequest req, ServerResponse res) {
    Replies.text(res, Status.OK_200, Replies.PROMETHEUS_TEXT, ctx.meters().scrape());
  }
}
