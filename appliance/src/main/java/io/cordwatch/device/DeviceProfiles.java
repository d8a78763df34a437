package io.cordwatch.device;

import io.cordwatch.device.DeviceProfile.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads device profiles, strictly: an unknown key, a missing key, a value of the wrong type or out
 * of range, or a combination that cannot run (DLA on an x86 GPU, INT8 on the CPU engine) is a
 * {@link ProfileException} naming the file and the key. Each file is read into a {@link
 * ProfileYaml} by {@link ProfileReader} and checked by {@link ProfileChecks}; this class finds the
 * files and checks the set (distinct ids, a CPU profile). A profile decides how a patient's images
 * are graded, so a typo must stop start-up rather than fall back to a default silently.
 *
 * <p>The shipped profiles live in firmware-config/profiles/ and are also packed into the jar; the
 * {@code index} file there lists them, because a jar cannot be listed like a folder.
 */
public final class DeviceProfiles {
  /** Where the shipped profiles lie on the class path (and under the install root). */
  public static final String RESOURCE_DIR = "firmware-config/profiles/";

  public static final String INDEX = "index";

  private final List<DeviceProfile> profiles;

  private DeviceProfiles(List<DeviceProfile> profiles) {
    Set<String> ids = new HashSet<>();
    for (DeviceProfile p : profiles) {
      if (!ids.add(p.id())) {
        throw new ProfileException(p.origin() + ": a second profile with id " + p.id());
      }
    }
    if (profiles.stream().noneMatch(p -> p.match().platform() == Platform.CPU)) {
      throw new ProfileException(
          "no profile with "
              + ProfileChecks.key(ProfileYaml.MATCH, ProfileYaml.Match.PLATFORM)
              + " cpu: the appliance needs one for machines without a GPU");
    }
    this.profiles = List.copyOf(profiles);
  }

  /** Every profile, in index (or file-name) order. */
  public List<DeviceProfile> all() {
    return profiles;
  }

  public Optional<DeviceProfile> byId(String id) {
    return profiles.stream().filter(p -> p.id().equals(id)).findFirst();
  }

  /** The profile with this id, or an exception listing the known ones. */
  public DeviceProfile require(String id) {
    return byId(id)
        .orElseThrow(
            () ->
                new ProfileException(
                    "no device profile '"
                        + id
                        + "' (known: "
                        + String.join(", ", profiles.stream().map(DeviceProfile::id).toList())
                        + ")"));
  }

  /** The first profile for machines without a GPU. */
  public DeviceProfile cpuOnly() {
    return profiles.stream()
        .filter(p -> p.match().platform() == Platform.CPU)
        .findFirst()
        .orElseThrow();
  }

  /** The profiles packed into the jar from firmware-config/profiles/. */
  public static DeviceProfiles builtIn() {
    ClassLoader cl = DeviceProfiles.class.getClassLoader();
    List<DeviceProfile> out = new ArrayList<>();
    for (String file : index(read(cl, RESOURCE_DIR + INDEX), "class path " + RESOURCE_DIR)) {
      String where = "class path " + RESOURCE_DIR + file;
      out.add(parse(read(cl, RESOURCE_DIR + file), file, where));
    }
    return new DeviceProfiles(out);
  }

  /** Every {@code *.yaml} in a folder, in file-name order (an operator's own set). */
  public static DeviceProfiles load(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new ProfileException(dir + ": no such profile folder");
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().toList();
    } catch (IOException e) {
      throw new ProfileException(dir + ": cannot list: " + e.getMessage(), e);
    }
    if (files.isEmpty()) {
      throw new ProfileException(dir + ": holds no *.yaml profile");
    }
    List<DeviceProfile> out = new ArrayList<>();
    for (Path f : files) {
      String text;
      try {
        text = Files.readString(f, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new ProfileException(f + ": cannot read: " + e.getMessage(), e);
      }
      out.add(parse(text, f.getFileName().toString(), f.toString()));
    }
    return new DeviceProfiles(out);
  }

  /** The file names an index lists: one per line, {@code #} comments and blank lines skipped. */
  static List<String> index(String text, String where) {
    List<String> out = new ArrayList<>();
    for (String line : text.lines().toList()) {
      String s = line.strip();
      if (s.isEmpty() || s.startsWith("#")) {
        continue;
      }
      if (!s.endsWith(".yaml") || s.contains("/")) {
        throw new ProfileException(where + INDEX + ": '" + s + "' is not a profile file name");
      }
      out.add(s);
    }
    return out;
  }

  private static String read(ClassLoader cl, String resource) {
    try (InputStream in = cl.getResourceAsStream(resource)) {
      if (in == null) {
        throw new ProfileException(
            "class path resource " + resource + " is missing (the jar was built without it)");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ProfileException("cannot read class path resource " + resource, e);
    }
  }

  /**
   * Parses one profile: read strictly ({@link ProfileReader}), then checked ({@link
   * ProfileChecks}).
   *
   * @param text the YAML
   * @param fileName its file name; the id must be the name without {@code .yaml}
   * @param where the file's location for messages
   */
  static DeviceProfile parse(String text, String fileName, String where) {
    return ProfileChecks.check(ProfileReader.read(text, where), fileName, where);
  }
}
