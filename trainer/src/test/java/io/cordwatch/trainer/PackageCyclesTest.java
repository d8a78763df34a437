package io.cordwatch.trainer;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static io.cordwatch.testing.PackageGraphs.graph;
import static io.cordwatch.testing.PackageGraphs.location;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import io.cordwatch.trainer.cli.TrainerMain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The trainer's packages form no cycle (ArchUnit's slice rule over the compiled main classes, no
 * allow-list). The appliance's {@code PackageGraphTest} checks the appliance and native; this one
 * also writes the trainer's graph for docs/architecture.md (see there).
 */
class PackageCyclesTest {
  private static final String ROOT = "io.cordwatch.trainer";

  @Test
  void trainerHasNoPackageCycle() throws IOException {
    JavaClasses classes = new ClassFileImporter().importUrl(location(TrainerMain.class));
    slices().matching(ROOT + ".(**)").should().beFreeOfCycles().check(classes);
    write(render(graph(location(TrainerMain.class), ROOT)));
  }

  /** One line per trainer package: the trainer packages it uses (appliance packages left out). */
  private static String render(SortedMap<String, SortedSet<String>> graph) {
    int width = graph.keySet().stream().mapToInt(String::length).max().orElse(0);
    return graph.entrySet().stream()
        .map(
            e -> String.format("%-" + width + "s -> ", e.getKey()) + String.join(" ", e.getValue()))
        .collect(
            Collectors.joining("\n", "### trainer (io.cordwatch.trainer)\n\n```\n", "\n```\n"));
  }

  private static void write(String text) throws IOException {
    System.out.print(text);
    Path dir = Path.of("target", "architecture");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("trainer-package-graph.md"), text);
    if (Boolean.getBoolean("cordwatch.architecture.update")) {
      Path doc = Path.of("..", "docs", "architecture.md");
      String begin = "<!-- package-graph trainer begin -->\n";
      String end = "<!-- package-graph trainer end -->";
      String s = Files.readString(doc);
      int a = s.indexOf(begin);
      int b = s.indexOf(end);
      assertTrue(a >= 0 && b > a, "docs/architecture.md lacks the markers for the trainer");
      Files.writeString(doc, s.substring(0, a + begin.length()) + text + s.substring(b));
    }
  }
}
