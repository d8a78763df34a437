package io.cordwatch.web;

import java.util.List;

/**
 * The model bundles as the web layer sees them: the installed versions (which one grades now is
 * {@link ActiveModel}, which one runs in shadow beside it {@link ShadowModel}), and the changes an
 * admin may make (activate a version, roll back to the one before, choose the shadow or turn it
 * off). Implemented by the appliance over the bundle store and the index; the web layer owns none
 * of it.
 */
public interface BundleControl {
  /**
   * An installed version.
   *
   * @param date the bundle's own date ({@code provenance.date}, yyyy-mm-dd), null when it does not
   *     load
   * @param problem why it would be refused now (bad signature, untrusted key, ...), or null
   */
  record Installed(
      String id,
      String name,
      String date,
      boolean active,
      String signature,
      boolean signed,
      String problem) {}

  /** What a switch did: {@code changed} false when {@code to} was already active. */
  record Switched(String from, String to, boolean changed) {}

  /** A switch refused: {@code notFound} for an id that is not installed. */
  final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final boolean notFound;

    public Refused(String message, boolean notFound) {
      super(message);
      this.notFound = notFound;
    }

    public boolean notFound() {
      return notFound;
    }
  }

  List<Installed> installed();

  /**
   * Makes an installed version the active one; the running appliance grades the next series with
   * it, and the series being graded finishes on the one before.
   *
   * @param actor who asked, for the audit row
   * @throws Refused when it is not installed or would be refused (signature)
   */
  Switched activate(String id, String actor);

  /**
   * Makes the version active before the current one active again.
   *
   * @throws Refused when there was none
   */
  Switched rollback(String actor);

  /** The bundle running in shadow now, or null when shadow mode is off. */
  ShadowModel shadow();

  /**
   * The version recorded to run in shadow (the latest choice), or null for off. The running
   * appliance follows it within a second, so {@link #shadow()} may still name the one before.
   */
  String shadowChoice();

  /**
   * Runs an installed version in shadow beside the active one (its findings stored, never
   * published), or turns shadow mode off; the running appliance takes it up within a second.
   *
   * @param id the installed version, or null for off
   * @param actor who asked, for the audit row
   * @return {@code from} and {@code to} are the shadow bundles before and after (null: off)
   * @throws Refused when it is not installed or would be refused (signature)
   */
  Switched shadow(String id, String actor);
}
