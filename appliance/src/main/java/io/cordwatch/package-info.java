/**
 * The root of the appliance's packages: {@link io.cordwatch.Version}, the version the build stamped
 * into the jar's manifest ({@code dev} when run from classes), which the CLI, the web pages, the
 * audit trail, backups and published documents report.
 *
 * <p>Owns: the product's version.
 *
 * <p>May not touch: any package below it ({@code io.cordwatch.app}, {@code io.cordwatch.cli},
 * {@code io.cordwatch.publish} and {@code io.cordwatch.web} read the version, so it may read
 * nothing of theirs).
 */
package io.cordwatch;
