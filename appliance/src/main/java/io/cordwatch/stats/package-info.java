/**
 * Agreement statistics: how well a reader (the model, or a second radiologist) agrees with a
 * reference on the Bilsky grades. Gwet's AC1 with its 2008 variance, Cohen's kappa and linearly
 * weighted kappa with the Fleiss-Cohen-Everitt variance, sensitivity and specificity for high grade
 * with exact Clopper-Pearson intervals, Landis-Koch bands, confusion matrices, per-study summaries
 * and reliability bins (docs/statistics.md).
 *
 * <p>Owns: these formulas. The beta and Student t quantiles they need come from Apache Commons
 * Statistics (commons-statistics-distribution), not from numerics of our own. Everything here is a
 * pure function of counts or arrays: no I/O, no clock, no logging, no dependency on the rest of the
 * appliance, so the trainer and the appliance report the same numbers from the same code.
 */
package io.cordwatch.stats;
