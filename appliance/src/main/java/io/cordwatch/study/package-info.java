/**
 * The study stage: from indexed instances to "grade this series" or "skip it, because...".
 *
 * <p>It owns series selection ({@link io.cordwatch.study.SeriesSelector} with its {@link
 * io.cordwatch.study.SelectionRules}) and, as the pipeline grows, the assembly of instances into
 * series and studies and the decision that a series is complete. Its input is {@link
 * io.cordwatch.dicom.InstanceFacts} only.
 *
 * <p>It decides; it does not act. It never reads pixel data or DICOM files (everything it needs was
 * extracted once at receive time, so a decision costs no I/O and can be replayed from the index),
 * never talks to the network, and never calls the DICOM library: that keeps the selection rules
 * testable with plain records and lets {@code cordwatch rules test} give exactly the answer the
 * running appliance would. Its thresholds arrive as {@link io.cordwatch.study.SelectionRules} (cut
 * from the settings by {@code app}); it may not read {@code config} or {@code app}.
 */
package io.cordwatch.study;
