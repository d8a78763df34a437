// Completes the CycloneDX SBOM the Maven build wrote (appliance/target/bom.json: the jars of
// target/lib) with what the Debian package carries or needs that Maven does not see, and flags every
// component without a licence. Run by build-deb with the JDK's source launcher and Jackson from the
// appliance's own lib/ on the class path:
//
//   java -cp 'appliance/target/lib/*' install/deb/SbomComplete.java BOM_IN BOM_OUT RUNTIME_DIR DEB...
//
// Added: the jlinked Java runtime (vendor and version from RUNTIME_DIR/release), and each Debian
// package named (PixelMed, the JPEG-LS and JPEG 2000 codecs: Depends of the package, installed
// by apt, not shipped inside it) with the version installed here and the licence its
// /usr/share/doc/PKG/copyright gives for "Files: *". Prints one line per component without a
// licence (and marks it with the property cordwatch:licence = missing); exits 3 when there is one,
// so a package never ships with an unlisted licence unnoticed.
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

public class SbomComplete {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Debian copyright short names to SPDX ids, for the licences of the packages we depend on. */
  private static final Map<String, String> SPDX =
      Map.of(
          "BSD-3-clause", "BSD-3-Clause",
          "BSD-2-clause", "BSD-2-Clause",
          "BSD-2", "BSD-2-Clause",
          "Expat", "MIT",
          "MIT", "MIT",
          "Apache-2.0", "Apache-2.0");

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: SbomComplete BOM_IN BOM_OUT RUNTIME_DIR [DEBIAN_PACKAGE...]");
      System.exit(2);
    }
    ObjectNode bom = (ObjectNode) JSON.readTree(Path.of(args[0]).toFile());
    ArrayNode components =
        bom.has("components") ? (ArrayNode) bom.get("components") : bom.putArray("components");
    components.add(runtime(Path.of(args[2])));
    for (int i = 3; i < args.length; i++) {
      components.add(debian(args[i]));
    }
    List<String> missing = new ArrayList<>();
    for (JsonNode c : components) {
      if (!licensed(c)) {
        missing.add(c.path("group").asText("") + ":" + c.path("name").asText() + " " + c.path("version").asText());
        property((ObjectNode) c, "cordwatch:licence", "missing");
      }
    }
    JSON.enable(SerializationFeature.INDENT_OUTPUT).writeValue(Path.of(args[1]).toFile(), bom);
    System.err.println(
        "cordwatch package: SBOM " + args[1] + ": " + components.size() + " components, "
            + (missing.isEmpty() ? "each with its licence" : missing.size() + " without a licence"));
    for (String m : missing) {
      System.err.println("cordwatch package: SBOM: no licence known for " + m);
    }
    System.exit(missing.isEmpty() ? 0 : 3);
  }

  /** Whether a component names at least one licence (an SPDX id, a name or an expression). */
  static boolean licensed(JsonNode c) {
    for (JsonNode l : c.path("licenses")) {
      if (l.hasNonNull("expression")
          || l.path("license").hasNonNull("id")
          || l.path("license").hasNonNull("name")) {
        return true;
      }
    }
    return false;
  }

  /** The jlinked runtime inside the package: its vendor and version from its release file. */
  static ObjectNode runtime(Path dir) throws IOException {
    Map<String, String> release = new java.util.HashMap<>();
    for (String line : Files.readAllLines(dir.resolve("release"), StandardCharsets.UTF_8)) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        release.put(line.substring(0, eq), line.substring(eq + 1).replace("\"", ""));
      }
    }
    ObjectNode c = JSON.createObjectNode();
    c.put("type", "platform");
    c.putObject("supplier").put("name", release.getOrDefault("IMPLEMENTOR", "unknown"));
    c.put("name", "java-runtime");
    c.put("version", release.getOrDefault("JAVA_RUNTIME_VERSION", release.getOrDefault("JAVA_VERSION", "unknown")));
    c.put("description", "Java runtime made by jlink from the JDK the package was built with (modules: "
        + release.getOrDefault("MODULES", "?") + ")");
    c.putArray("licenses").addObject().put("expression", "GPL-2.0-only WITH Classpath-exception-2.0");
    property(c, "cordwatch:delivery", "shipped in /usr/lib/cordwatch/runtime");
    return c;
  }

  /** A Debian package the cordwatch package depends on, as installed on this machine. */
  static ObjectNode debian(String pkg) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("dpkg-query", "-W", "-f", "${Version} ${Architecture}", pkg)
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (p.waitFor() != 0) {
      throw new IllegalStateException(pkg + " is not installed here (dpkg-query: " + out + ")");
    }
    String[] va = out.split(" ");
    ObjectNode c = JSON.createObjectNode();
    c.put("type", "library");
    c.put("name", pkg);
    c.put("version", va[0]);
    c.put("purl", "pkg:deb/debian/" + pkg + "@" + va[0] + "?arch=" + va[1]);
    String licence = debianLicence(Path.of("/usr/share/doc", pkg, "copyright"));
    if (licence != null) {
      ObjectNode l = c.putArray("licenses").addObject().putObject("license");
      if (SPDX.containsKey(licence)) {
        l.put("id", SPDX.get(licence));
      } else {
        l.put("name", licence);
      }
    }
    property(c, "cordwatch:delivery", "Debian dependency (Depends), installed by apt");
    return c;
  }

  /**
   * The licence a machine-readable Debian copyright file gives for "Files: *", else the first one
   * it names (a file that lists only parts, as OpenJPEG's does); null if none.
   */
  static String debianLicence(Path copyright) throws IOException {
    if (!Files.isRegularFile(copyright)) {
      return null;
    }
    boolean all = false;
    String first = null;
    for (String line : Files.readAllLines(copyright, StandardCharsets.UTF_8)) {
      if (line.startsWith("Files:")) {
        all = line.substring(6).strip().equals("*");
      } else if (line.startsWith("License:")) {
        String l = line.substring(8).strip();
        if (l.isEmpty()) {
          continue;
        }
        if (all) {
          return l;
        }
        first = first == null ? l : first;
      }
    }
    return first;
  }

  static void property(ObjectNode c, String name, String value) {
    ArrayNode props = c.has("properties") ? (ArrayNode) c.get("properties") : c.putArray("properties");
    props.addObject().put("name", name).put("value", value);
  }
}
