/**
 * Agreement statistics: how well a reader (the model, or a second radiologist) agrees with a
 * reference on the Bilsky grades. Gwet's AC1 with its 2008 variance, Cohen's kappa and linearly
 * weighted kappa with the Fleiss-Cohen-Everitt variance, sensitivity and specificity for high grade
 * with exact Clopper-Pearson intervals, Landis-Koch bands, confusion matrices, per-study summaries
 * and reliability bins (docs/statistics.md).
 *
 * <p>Owns: these formulas and the special functions they need (log-gamma, the regularized
 * incomplete beta and its inverse, Student's t quantile). Everything here is a pure function of
 * counts or arrays: no I/O, no clock, no logging, no dependency on the rest of the appliance, so
 * the trainer and the appliance report the same numbers from the same code.
 */
package io.cordwatch.stats;
