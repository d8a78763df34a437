package io.cordwatch.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the shipped Prometheus alert rules (install/prometheus) for the tests. */
public final class PrometheusRules {
  /** The rules file as shipped, relative to the appliance module the tests run in. */
  public static final Path SHIPPED = Path.of("..", "install", "prometheus", "cordwatch.rules.yml");

  private static final Pattern METRIC = Pattern.compile("\\bcordwatch_[a-z0-9_]+");

  private PrometheusRules() {}

  /** The CordWatch metric names used in the rules' expressions. */
  public static Set<String> metricNames(Path rules) throws IOException {
    JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(rules));
    Set<String> names = new TreeSet<>();
    for (JsonNode group : root.path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        String expr = rule.path("expr").asText("");
        if (expr.isBlank() || rule.path("alert").asText("").isBlank()) {
          throw new IllegalStateException("a rule without alert name or expr: " + rule);
        }
        Matcher m = METRIC.matcher(expr);
        while (m.find()) {
          names.add(m.group());
        }
      }
    }
    return names;
  }

  /**
   * The metrics that exist only with audit-syslog set: {@code ApplianceAuditExportTest} checks them
   * against an appliance that exports the trail.
   */
  public static final String AUDIT_EXPORT_PREFIX = "cordwatch_audit_export_";

  /** The names that no sample line of a Prometheus text scrape carries. */
  public static Set<String> missing(Set<String> names, String scrape) {
    Set<String> exported = new TreeSet<>();
    scrape
        .lines()
        .filter(l -> !l.startsWith("#") && !l.isBlank())
        .forEach(l -> exported.add(l.split("[{ ]", 2)[0]));
    Set<String> out = new TreeSet<>(names);
    out.removeAll(exported);
    return out;
  }
}
