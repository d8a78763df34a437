/**
 * The study stage: from indexed instances to "grade this series" or "skip it, because...".
 *
 * <p>Owns: completion detection and series selection. {@link io.cordwatch.study.SeriesTracker}
 * decides when a series is complete (nothing new for the stable window, or its association released
 * and a short grace passed; DICOM has no end-of-series message), then puts it to {@link
 * io.cordwatch.study.SeriesSelector} with its {@link io.cordwatch.study.SelectionRules} and records
 * the decision, with the grading job when selected, in the index ({@code
 * store.Index#completeSeries}). It hears of arrivals and releases as a {@code
 * receive.ReceiveListener}. Selection's input is {@link io.cordwatch.dicom.InstanceFacts} only.
 *
 * <p>It decides; it does not act. It never reads pixel data or DICOM files (everything it needs was
 * extracted once at receive time, so a decision costs no I/O and can be replayed from the index),
 * never talks to the network, and never calls the DICOM library: that keeps the selection rules
 * testable with plain records and lets {@code cordwatch rules test} give exactly the answer the
 * running appliance would. In the index it writes only series state, decisions and the jobs they
 * queue, never instances.
 *
 * <p>May not touch: pixel data, the DICOM library or the network ({@code com.pixelmed}, {@code
 * java.net}), grading ({@code io.cordwatch.grade}, {@code io.cordwatch.infer}), or SQL ({@code
 * java.sql}). Its thresholds arrive as {@link io.cordwatch.study.SelectionRules} and durations (cut
 * from the settings by {@code app}); it may not read {@code io.cordwatch.config} or {@code
 * io.cordwatch.app}.
 */
package io.cordwatch.study;
