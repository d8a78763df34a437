package io.cordwatch.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the demo model bundle that ships with CordWatch lies: {@code appliance/demo-bundle} in the
 * installation, trained on phantom studies only ({@code clinical_use: false}; its MODEL_CARD.md
 * says how and how well). {@code demo} and {@code grade} use it when no {@code --bundle} is given;
 * {@code serve} never does on its own, because a hospital chooses its model.
 *
 * <p>Found through the system property {@code cordwatch.demo-bundle} (a folder or .zip), else
 * {@code cordwatch.home}/appliance/demo-bundle, which the launcher sets to the installation.
 */
final class ShippedBundle {
  static final String PROPERTY = "cordwatch.demo-bundle";
  static final String HOME = "cordwatch.home";

  private ShippedBundle() {}

  /** The shipped bundle, or empty when this installation has none where it should be. */
  static Optional<Path> find() {
    String explicit = System.getProperty(PROPERTY);
    if (explicit != null && !explicit.isBlank()) {
      return Optional.of(Path.of(explicit));
    }
    String home = System.getProperty(HOME);
    if (home == null || home.isBlank()) {
      return Optional.empty();
    }
    Path p = Path.of(home, "appliance", "demo-bundle");
    return Files.isRegularFile(p.resolve("bundle.json")) ? Optional.of(p) : Optional.empty();
  }
}
