package io.cordwatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The settings table in docs/operations.md is the one {@link Keys#markdownTable} makes from the
 * declarations. When a setting changes, regenerate it with
 *
 * <pre>
 * mvn -o -pl appliance -am test -Dtest=SettingsDocTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dcordwatch.docs.update=true
 * </pre>
 */
class SettingsDocTest {
  private static final Path DOC = Path.of("..", "docs", "operations.md");
  private static final String BEGIN = "<!-- settings table begin: generated from config.Keys -->\n";
  private static final String END = "<!-- settings table end -->";

  @Test
  void operationsDocListsEverySettingAsDeclared() throws IOException {
    String table = Keys.markdownTable();
    String doc = Files.readString(DOC);
    int a = doc.indexOf(BEGIN);
    int b = doc.indexOf(END);
    assertTrue(a >= 0 && b > a, "docs/operations.md lacks the settings table markers");
    if (Boolean.getBoolean("cordwatch.docs.update")) {
      doc = doc.substring(0, a + BEGIN.length()) + table + doc.substring(b);
      Files.writeString(DOC, doc);
      b = doc.indexOf(END);
    }
    assertEquals(
        table,
        doc.substring(a + BEGIN.length(), b),
        "docs/operations.md's settings table differs from config.Keys; regenerate it with"
            + " -Dcordwatch.docs.update=true (see SettingsDocTest)");
  }
}
