package io.cordwatch.testing;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.net.URL;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What one module's compiled classes use, read with ArchUnit's importer (every field, signature,
 * call, annotation and constant a class refers to). The architecture tests of the appliance ({@code
 * PackageGraphTest}, {@code PackageInfoTest}) and of the trainer build their graphs here; the
 * trainer reads this class from the appliance's test jar.
 */
public final class PackageGraphs {
  private PackageGraphs() {}

  /**
   * For each Java package with classes at {@code module} (a directory or a jar): the classes of
   * other packages it refers to, by fully qualified name (an array by its component type).
   */
  public static SortedMap<String, SortedSet<String>> classesUsed(URL module) {
    SortedMap<String, SortedSet<String>> used = new TreeMap<>();
    for (JavaClass c : new ClassFileImporter().importUrl(module)) {
      String from = c.getPackageName();
      SortedSet<String> targets = used.computeIfAbsent(from, k -> new TreeSet<>());
      for (Dependency d : c.getDirectDependenciesFromSelf()) {
        JavaClass target = d.getTargetClass().getBaseComponentType();
        if (!target.getPackageName().equals(from)) {
          targets.add(target.getName());
        }
      }
    }
    return used;
  }

  /**
   * The package graph under {@code root}: a node per package at {@code module}, named relative to
   * {@code root} ({@link #name}), with edges to any package under {@code root}, also those of the
   * modules below (which cannot close a cycle, since modules depend one way).
   */
  public static SortedMap<String, SortedSet<String>> graph(URL module, String root) {
    SortedMap<String, SortedSet<String>> graph = new TreeMap<>();
    classesUsed(module)
        .forEach(
            (from, classes) -> {
              SortedSet<String> targets = new TreeSet<>();
              for (String c : classes) {
                String to = packageOf(c);
                if (to.equals(root) || to.startsWith(root + ".")) {
                  targets.add(name(root, to));
                }
              }
              if (from.equals(root) || from.startsWith(root + ".")) {
                graph.put(name(root, from), targets);
              }
            });
    return graph;
  }

  /** A package's node name: relative to {@code root}, or {@code (root)} for the root itself. */
  public static String name(String root, String javaPackage) {
    return javaPackage.equals(root) ? "(root)" : javaPackage.substring(root.length() + 1);
  }

  /** The package of a fully qualified class name (a nested class's too: {@code $} is kept). */
  public static String packageOf(String className) {
    int dot = className.lastIndexOf('.');
    return dot < 0 ? "" : className.substring(0, dot);
  }

  /** Where a class was loaded from: its module's class directory or jar. */
  public static URL location(Class<?> c) {
    return c.getProtectionDomain().getCodeSource().getLocation();
  }
}
