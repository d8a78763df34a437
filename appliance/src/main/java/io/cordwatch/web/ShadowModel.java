package io.cordwatch.web;

/**
 * The bundle running in shadow beside the active one, as the status surfaces and {@code GET
 * /api/v1/bundles} name it: no patient data, only the bundle and counts. Its findings are stored
 * and never published, alerted or shown as a verdict.
 *
 * @param id the installed version's id in the bundle store
 * @param name the bundle's name, null until it is loaded
 * @param version the version results documents would give it, null until it is loaded
 * @param signed whether a trusted key signed it
 * @param loaded whether it is loaded and grades (false: loading, or it failed: see {@code problem})
 * @param series how many series it graded in shadow here
 * @param failures shadow gradings and loads that failed since the appliance started
 * @param problem the last failure, or null
 */
public record ShadowModel(
    String id,
    String name,
    String version,
    boolean signed,
    boolean loaded,
    long series,
    long failures,
    String problem) {

  /** One line for the status page: {@code shadow: NAME (ID), N series}. */
  public String line() {
    return (name == null ? id : name + " (" + id + ")")
        + ", "
        + series
        + " series graded in shadow (stored, never published)"
        + (loaded ? "" : ", not loaded")
        + (failures > 0 ? ", " + failures + " failure(s)" : "")
        + (problem == null ? "" : ": " + problem);
  }
}
