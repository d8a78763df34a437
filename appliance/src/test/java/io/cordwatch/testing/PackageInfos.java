package io.cordwatch.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks what each package-info.java says of its package against what the compiled package uses
 * (CONVENTIONS.md rule 1). A package-info has a paragraph {@code <p>Owns: ...} (what the package is
 * the one place for) and a paragraph {@code <p>May not touch: ...}. Every dotted name written as
 * {@code {@code a.b.c}} in the second is a rule: the package uses nothing of it. A name under
 * {@code io.cordwatch} is that one package (not its subpackages, which are nodes of their own in
 * docs/architecture.md), and must exist; a name outside it ({@code io.helidon}, {@code java.sql})
 * covers the package and those below it; a name whose last part starts with a capital letter is a
 * class. Names in {@code {@link ...}} or in other paragraphs are not rules.
 */
public final class PackageInfos {
  private static final Pattern CODE_NAME =
      Pattern.compile("\\{@code\\s+([a-z][a-z0-9_]*(?:\\.[A-Za-z_][A-Za-z0-9_]*)+)\\s*}");
  private static final String OWNS = "Owns:";
  private static final String MAY_NOT_TOUCH = "May not touch:";

  private PackageInfos() {}

  /** The two paragraphs of one package-info, as text without the comment's frame. */
  public record Rules(Optional<String> owns, Optional<String> mayNotTouch) {
    /** The names in {@code {@code ...}} of the May-not-touch paragraph that look dotted. */
    public List<String> forbidden() {
      List<String> names = new ArrayList<>();
      Matcher m = CODE_NAME.matcher(mayNotTouch.orElse(""));
      while (m.find()) {
        names.add(m.group(1));
      }
      return names;
    }
  }

  /** Reads the Javadoc of a package-info.java into its {@code <p>} paragraphs' two rules. */
  public static Rules read(Path packageInfo) throws IOException {
    StringBuilder text = new StringBuilder();
    for (String line : Files.readAllLines(packageInfo)) {
      if (line.startsWith("package ")) {
        break;
      }
      String s = line.strip();
      s =
          s.startsWith("/**")
              ? s.substring(3)
              : s.endsWith("*/") ? s.substring(0, s.length() - 2) : s;
      s = s.startsWith("*") ? s.substring(1) : s;
      text.append(s.strip()).append(' ');
    }
    Optional<String> owns = Optional.empty();
    Optional<String> mayNotTouch = Optional.empty();
    for (String paragraph : text.toString().split("<p>")) {
      String p = paragraph.strip();
      if (p.startsWith(OWNS) && p.length() > OWNS.length()) {
        owns = Optional.of(p.substring(OWNS.length()).strip());
      } else if (p.startsWith(MAY_NOT_TOUCH) && p.length() > MAY_NOT_TOUCH.length()) {
        mayNotTouch = Optional.of(p.substring(MAY_NOT_TOUCH.length()).strip());
      }
    }
    return new Rules(owns, mayNotTouch);
  }

  /**
   * Every way the package-infos under {@code sourceRoot} fail the packages in {@code used} (as
   * {@link PackageGraphs#classesUsed} gives them): a missing file or paragraph, a forbidden name
   * that is no package or class of ours, or one the package uses. A package in {@code pending} is
   * not checked (one that would pass is named on standard output), but must have classes here.
   */
  public static List<String> problems(
      Path sourceRoot, SortedMap<String, SortedSet<String>> used, Set<String> pending)
      throws IOException {
    List<String> problems = new ArrayList<>();
    for (String p : new TreeSet<>(pending)) {
      if (!used.containsKey(p)) {
        problems.add(p + " is pending but has no classes here: remove it from the pending list");
      }
    }
    for (Map.Entry<String, SortedSet<String>> e : used.entrySet()) {
      String p = e.getKey();
      List<String> found = problemsOf(sourceRoot, p, e.getValue());
      if (!pending.contains(p)) {
        problems.addAll(found);
      } else if (found.isEmpty()) {
        System.out.println(
            p + " is pending but its package-info already holds: it may leave the list");
      }
    }
    return problems;
  }

  private static List<String> problemsOf(Path sourceRoot, String p, SortedSet<String> classes)
      throws IOException {
    Path file = sourceRoot.resolve(p.replace('.', '/')).resolve("package-info.java");
    if (!Files.isRegularFile(file)) {
      return List.of(p + ": no package-info.java at " + file);
    }
    Rules rules = read(file);
    List<String> problems = new ArrayList<>();
    if (rules.owns().isEmpty()) {
      problems.add(p + ": its package-info has no paragraph starting <p>" + OWNS);
    }
    if (rules.mayNotTouch().isEmpty()) {
      problems.add(p + ": its package-info has no paragraph starting <p>" + MAY_NOT_TOUCH);
    }
    for (String name : rules.forbidden()) {
      if (name.equals(p)) {
        problems.add(p + ": May not touch names the package itself");
      } else if (name.startsWith("io.cordwatch") && !exists(name)) {
        problems.add(p + ": May not touch names " + name + ", which is no package or class here");
      } else {
        List<String> breaches = classes.stream().filter(c -> covers(name, c)).toList();
        if (!breaches.isEmpty()) {
          problems.add(p + ": May not touch names " + name + " but uses " + breaches);
        }
      }
    }
    return problems;
  }

  /** Whether forbidding {@code name} forbids using the class {@code className}. */
  static boolean covers(String name, String className) {
    String last = name.substring(name.lastIndexOf('.') + 1);
    if (Character.isUpperCase(last.charAt(0))) {
      return className.equals(name) || className.startsWith(name + "$");
    }
    String pkg = PackageGraphs.packageOf(className);
    return pkg.equals(name) || (!name.startsWith("io.cordwatch") && pkg.startsWith(name + "."));
  }

  private static boolean exists(String name) {
    ClassLoader loader = PackageInfos.class.getClassLoader();
    String path = name.replace('.', '/');
    return loader.getResource(path + ".class") != null || loader.getResource(path + "/") != null;
  }
}
