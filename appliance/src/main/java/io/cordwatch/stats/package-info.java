/**
 * Agreement statistics: how well a reader (the model, or a second radiologist) agrees with a
 * reference on the Bilsky grades. Gwet's AC1 with its 2008 variance, Cohen's kappa and linearly
 * weighted kappa with the Fleiss-Cohen-Everitt variance, sensitivity and specificity for high grade
 * with exact Clopper-Pearson intervals, Landis-Koch bands, confusion matrices, per-study summaries
 * and reliability bins (docs/statistics.md).
 *
 * <p>Owns: these formulas. The beta and Student t quantiles they need come from Apache Commons
 * Statistics (commons-statistics-distribution), not from numerics of our own.
 *
 * <p>May not touch: I/O, the clock or logging ({@code java.io}, {@code java.nio}, {@code
 * java.time}, {@code java.util.logging}): everything here is a pure function of counts or arrays;
 * nor the rest of the appliance ({@code io.cordwatch.grade.bilsky}, {@code io.cordwatch.grade} and
 * every other package), so the trainer and the appliance report the same numbers from the same
 * code.
 */
package io.cordwatch.stats;
