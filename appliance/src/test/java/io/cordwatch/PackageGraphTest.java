package io.cordwatch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static io.cordwatch.testing.PackageGraphs.graph;
import static io.cordwatch.testing.PackageGraphs.location;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import io.cordwatch.gpu.KernelLibrary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The package dependency graph of the appliance's and native's main code has no cycles except the
 * allow-listed edges below. It reads the compiled classes (ArchUnit's importer: every field,
 * signature, call, annotation and constant a class refers to), folds them into one node per Java
 * package under {@code io.cordwatch}, and looks for strongly connected components once the allowed
 * edges are taken out.
 *
 * <p>The test also writes the graph to {@code target/architecture/package-graph.md}; with {@code
 * -Dcordwatch.architecture.update=true} it rewrites the generated part of {@code
 * docs/architecture.md} as well.
 */
class PackageGraphTest {
  /**
   * Edges {@code from -> to} that may close a cycle. This list may only shrink: an edge that no
   * longer exists, or no longer closes a cycle, fails the test until it is removed here, and a new
   * cycle is fixed in the code, not added here. It is empty: the last three ({@code receive},
   * {@code study} and {@code web} reading {@code app.Settings}) went with the {@code config}
   * package (issue 11).
   */
  static final Map<String, String> ALLOWED_CYCLE_EDGES = Map.of();

  static final String ROOT = "io.cordwatch";

  @Test
  void applianceHasNoPackageCycleBeyondTheAllowList() throws IOException {
    SortedMap<String, SortedSet<String>> graph = graph(location(Version.class), ROOT);
    write("appliance", graph);

    for (String edge : ALLOWED_CYCLE_EDGES.keySet()) {
      String[] ends = edge.split(" -> ");
      assertTrue(
          graph.getOrDefault(ends[0], new TreeSet<>()).contains(ends[1]),
          "allow-listed edge " + edge + " is gone: remove it from ALLOWED_CYCLE_EDGES");
      assertTrue(
          reaches(graph, ends[1], ends[0]),
          "allow-listed edge "
              + edge
              + " no longer closes a cycle: remove it from ALLOWED_CYCLE_EDGES");
    }
    assertEquals(List.of(), cycles(without(graph, ALLOWED_CYCLE_EDGES.keySet())), "package cycles");
  }

  @Test
  void nativeHasNoPackageCycle() throws IOException {
    SortedMap<String, SortedSet<String>> graph = graph(location(KernelLibrary.class), ROOT);
    write("native", graph);
    assertEquals(List.of(), cycles(graph), "package cycles");
  }

  /**
   * The GPU path is reached through {@code infer} only ({@code infer.EngineSelection} sets it up),
   * and NVML through {@code telemetry} only.
   */
  @Test
  void onlyInferUsesTheKernelsAndTensorRt() {
    JavaClasses classes = new ClassFileImporter().importUrl(location(Version.class));
    noClasses()
        .that()
        .resideOutsideOfPackage("io.cordwatch.infer")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.cordwatch.gpu", "io.cordwatch.gpu.tensorrt")
        .check(classes);
    noClasses()
        .that()
        .resideOutsideOfPackage("io.cordwatch.telemetry")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.cordwatch.gpu.nvml")
        .check(classes);
  }

  /**
   * Stages take the small record of what they need ({@code receive.ReceiveConfig}, {@code
   * study.SelectionRules}, {@code web.WebConfig}, {@code retention.RetentionConfig}), cut from the
   * settings by {@code app}: they read neither the whole configuration nor the wiring that starts
   * them.
   */
  @Test
  void stagesDoNotReadTheSettingsOrTheWiring() {
    JavaClasses classes = new ClassFileImporter().importUrl(location(Version.class));
    noClasses()
        .that()
        .resideInAnyPackage(
            "io.cordwatch.receive",
            "io.cordwatch.study",
            "io.cordwatch.web",
            "io.cordwatch.auth",
            "io.cordwatch.retention")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.cordwatch.app", "io.cordwatch.config")
        .check(classes);
  }

  /**
   * Access control decides who may do what; it does not know HTTP or the CLI that drive it, so the
   * web stage and the commands can change without touching the rules ({@code web} uses {@code
   * auth}, never the other way).
   */
  @Test
  void accessControlKnowsNeitherTheWebNorTheCommands() {
    JavaClasses classes = new ClassFileImporter().importUrl(location(Version.class));
    noClasses()
        .that()
        .resideInAPackage("io.cordwatch.auth")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.cordwatch.web", "io.cordwatch.cli", "io.helidon..")
        .check(classes);
  }

  @Test
  void aCycleIsReportedWithTheEdgesInsideIt() {
    SortedMap<String, SortedSet<String>> graph = new TreeMap<>();
    graph.put("a", new TreeSet<>(List.of("b", "x")));
    graph.put("b", new TreeSet<>(List.of("c")));
    graph.put("c", new TreeSet<>(List.of("a", "x")));
    graph.put("x", new TreeSet<>());
    assertEquals(List.of("{a -> b, b -> c, c -> a}"), cycles(graph));
    assertEquals(List.of(), cycles(without(graph, Set.of("c -> a"))));
  }

  private static SortedMap<String, SortedSet<String>> without(
      SortedMap<String, SortedSet<String>> graph, Set<String> edges) {
    SortedMap<String, SortedSet<String>> copy = new TreeMap<>();
    graph.forEach(
        (from, tos) -> {
          SortedSet<String> kept = new TreeSet<>(tos);
          kept.removeIf(to -> edges.contains(from + " -> " + to));
          copy.put(from, kept);
        });
    return copy;
  }

  private static boolean reaches(Map<String, SortedSet<String>> graph, String from, String to) {
    Deque<String> work = new ArrayDeque<>(List.of(from));
    Set<String> seen = new TreeSet<>();
    while (!work.isEmpty()) {
      String p = work.pop();
      if (p.equals(to)) {
        return true;
      }
      if (seen.add(p)) {
        work.addAll(graph.getOrDefault(p, new TreeSet<>()));
      }
    }
    return false;
  }

  /** Each cycle as its strongly connected component with the edges inside it (Tarjan). */
  static List<String> cycles(SortedMap<String, SortedSet<String>> graph) {
    var tarjan =
        new Object() {
          final Map<String, Integer> index = new HashMap<>();
          final Map<String, Integer> low = new HashMap<>();
          final Deque<String> stack = new ArrayDeque<>();
          final Set<String> onStack = new TreeSet<>();
          final List<String> found = new ArrayList<>();

          void visit(String v) {
            index.put(v, index.size());
            low.put(v, index.get(v));
            stack.push(v);
            onStack.add(v);
            for (String w : graph.getOrDefault(v, new TreeSet<>())) {
              if (!index.containsKey(w)) {
                visit(w);
                low.put(v, Math.min(low.get(v), low.get(w)));
              } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
              }
            }
            if (low.get(v).equals(index.get(v))) {
              SortedSet<String> component = new TreeSet<>();
              String w;
              do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
              } while (!w.equals(v));
              if (component.size() > 1) {
                found.add(
                    component.stream()
                        .flatMap(
                            p ->
                                graph.get(p).stream()
                                    .filter(component::contains)
                                    .map(q -> p + " -> " + q))
                        .collect(Collectors.joining(", ", "{", "}")));
              }
            }
          }
        };
    graph.keySet().stream().filter(p -> !tarjan.index.containsKey(p)).forEach(tarjan::visit);
    return tarjan.found;
  }

  /** Renders the graph: one line per package, allow-listed cycle edges marked {@code (!)}. */
  static String render(String module, SortedMap<String, SortedSet<String>> graph) {
    StringBuilder out = new StringBuilder();
    out.append("### ").append(module).append(" (io.cordwatch)\n\n```\n");
    int width = graph.keySet().stream().mapToInt(String::length).max().orElse(0);
    graph.forEach(
        (from, tos) -> {
          String targets =
              tos.stream()
                  .map(to -> ALLOWED_CYCLE_EDGES.containsKey(from + " -> " + to) ? to + "(!)" : to)
                  .collect(Collectors.joining(" "));
          out.append((String.format("%-" + width + "s -> ", from) + targets).strip()).append('\n');
        });
    return out.append("```\n").toString();
  }

  private static void write(String module, SortedMap<String, SortedSet<String>> graph)
      throws IOException {
    String text = render(module, graph);
    System.out.print(text);
    Path dir = Path.of("target", "architecture");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(module + "-package-graph.md"), text);
    if (Boolean.getBoolean("cordwatch.architecture.update")) {
      updateDoc(module, text);
    }
  }

  /** Replaces the block between this module's markers in docs/architecture.md. */
  private static void updateDoc(String module, String text) throws IOException {
    Path doc = Path.of("..", "docs", "architecture.md");
    String begin = "<!-- package-graph " + module + " begin -->\n";
    String end = "<!-- package-graph " + module + " end -->";
    String s = Files.readString(doc);
    int a = s.indexOf(begin);
    int b = s.indexOf(end);
    assertTrue(a >= 0 && b > a, "docs/architecture.md lacks the markers for " + module);
    Files.writeString(doc, s.substring(0, a + begin.length()) + text + s.substring(b));
  }
}
