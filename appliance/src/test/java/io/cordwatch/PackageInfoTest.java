package io.cordwatch;

import static io.cordwatch.testing.PackageGraphs.classesUsed;
import static io.cordwatch.testing.PackageGraphs.location;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cordwatch.gpu.KernelLibrary;
import io.cordwatch.testing.PackageInfos;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each package of the appliance's and native's main code says in its package-info what it owns and
 * what it may not touch, and the second is true of the compiled classes: no package or class named
 * {@code {@code io.cordwatch.x}} (or outside, {@code {@code io.helidon}}) in its "May not touch"
 * paragraph is used by it (the rules are those of {@link PackageInfos}; the graph is {@code
 * PackageGraphTest}'s). The trainer's {@code PackageInfoTest} does the same for the trainer.
 */
class PackageInfoTest {
  /**
   * Packages whose package-info is not checked yet, for a rewrite in progress on a branch; empty on
   * main: every package's rules are checked.
   */
  static final Set<String> PENDING = Set.of();

  @Test
  void everyAppliancePackageSaysWhatItOwnsAndMayNotTouchTruly() throws IOException {
    assertEquals(
        List.of(),
        PackageInfos.problems(
            Path.of("src", "main", "java"), classesUsed(location(Version.class)), PENDING),
        "package-info rules");
  }

  @Test
  void everyNativePackageSaysWhatItOwnsAndMayNotTouchTruly() throws IOException {
    assertEquals(
        List.of(),
        PackageInfos.problems(
            Path.of("..", "native", "src", "main", "java"),
            classesUsed(location(KernelLibrary.class)),
            Set.of()),
        "package-info rules");
  }

  @Test
  void aRuleTheCodeBreaksIsReportedWithTheClassesItUses(@TempDir Path sources) throws IOException {
    Path dir = Files.createDirectories(sources.resolve("io/cordwatch/study"));
    Files.writeString(
        dir.resolve("package-info.java"),
        """
        /**
         * Series completion.
         *
         * <p>Owns: when a series is complete.
         *
         * <p>May not touch: {@code io.cordwatch.web}, {@code io.cordwatch.store}, {@code
         * io.cordwatch.nowhere} or {@code java.sql}.
         */
        package io.cordwatch.study;
        """);
    SortedMap<String, SortedSet<String>> used = new TreeMap<>();
    used.put(
        "io.cordwatch.study",
        new TreeSet<>(List.of("io.cordwatch.store.Index", "java.sql.Connection$Inner")));

    assertEquals(
        List.of(
            "io.cordwatch.study: May not touch names io.cordwatch.store but uses"
                + " [io.cordwatch.store.Index]",
            "io.cordwatch.study: May not touch names io.cordwatch.nowhere, which is no package or"
                + " class here",
            "io.cordwatch.study: May not touch names java.sql but uses [java.sql.Connection$Inner]"),
        PackageInfos.problems(sources, used, Set.of()));
    assertEquals(
        List.of(
            "io.cordwatch.study is pending but has no classes here: remove it from the pending"
                + " list"),
        PackageInfos.problems(sources, new TreeMap<>(), Set.of("io.cordwatch.study")));
  }
}
