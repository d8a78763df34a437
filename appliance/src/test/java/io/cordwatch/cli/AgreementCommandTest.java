package io.cordwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cordwatch.stats.ClopperPearson;
import org.junit.jupiter.api.Test;

class AgreementCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void jsonCarriesAc1KappaSensitivityAndSpecificityWithIntervals() throws Exception {
    CliRun r = CliRun.run("agreement", "--counts", "7,13,2,78", "--json");
    assertEquals(0, r.exit(), r::all);
    JsonNode d = JSON.readTree(r.out());
    assertEquals(100, d.path("n").asInt());
    // Sensitivity 7/20: the textbook exact interval 0.1539-0.5922.
    assertEquals(0.35, d.path("sensitivity").path("value").asDouble(), 1e-12);
    assertEquals(0.1539, d.path("sensitivity").path("ci").get(0).asDouble(), 5e-5);
    assertEquals(0.5922, d.path("sensitivity").path("ci").get(1).asDouble(), 5e-5);
    assertEquals(
        ClopperPearson.interval(78, 80).lower(),
        d.path("specificity").path("ci").get(0).asDouble(),
        1e-12);
    // p_a = 0.85; pi_high = (20 + 9) / 200; p_e = 2 pi (1 - pi); AC1 = (p_a - p_e) / (1 - p_e).
    double pi = 29 / 200.0;
    double pe = 2 * pi * (1 - pi);
    assertEquals((0.85 - pe) / (1 - pe), d.path("ac1").path("value").asDouble(), 1e-12);
    assertEquals(2, d.path("ac1").path("ci").size());
    assertTrue(d.path("cohen_kappa").path("value").isNumber(), r::all);
    assertEquals(2, d.path("cohen_kappa").path("ci").size());
  }

  @Test
  void textNamesTheLandisKochBand() {
    CliRun r = CliRun.run("agreement", "--counts", "45,2,3,150");
    assertEquals(0, r.exit(), r::all);
    assertTrue(r.out().contains("Gwet's AC1:"), r::all);
    assertTrue(r.out().contains("almost perfect (Landis-Koch)"), r::all);
    assertTrue(r.out().contains("sensitivity:   0.957 (95% CI"), r::all);
  }

  @Test
  void undefinedSensitivityIsNullNotZero() throws Exception {
    CliRun r = CliRun.run("agreement", "--counts", "0,0,1,9", "--json");
    assertEquals(0, r.exit(), r::all);
    JsonNode d = JSON.readTree(r.out());
    assertTrue(d.path("sensitivity").path("value").isNull(), r::all);
    assertEquals(0.9, d.path("specificity").path("value").asDouble(), 1e-12);
  }

  @Test
  void badCountsExitTwoNamingTheProblem() {
    CliRun three = CliRun.run("agreement", "--counts", "1,2,3");
    assertEquals(2, three.exit(), three::all);
    assertTrue(three.err().contains("needs 4 comma-separated counts"), three::all);
    CliRun word = CliRun.run("agreement", "--counts", "1,x,3,4");
    assertEquals(2, word.exit(), word::all);
    assertTrue(word.err().contains("FN is not a whole number: 'x'"), word::all);
    CliRun negative = CliRun.run("agreement", "--counts", "1,2,-3,4");
    assertEquals(2, negative.exit(), negative::all);
    assertTrue(negative.err().contains("FP is negative"), negative::all);
    CliRun zero = CliRun.run("agreement", "--counts", "0,0,0,0");
    assertEquals(2, zero.exit(), zero::all);
    assertTrue(zero.err().contains("no subjects"), zero::all);
  }
}
