/**
 * Retention: which stored studies and quarantined files go, and when. A settled study (nothing
 * arriving, no grading pending, no {@link io.cordwatch.store.RetentionHold}) goes when it is older
 * than {@code retention-max-age}, or, least recently received first, while the data volume is above
 * its high water mark in bytes or inodes; quarantined files go after {@code quarantine-max-age}.
 * {@link io.cordwatch.retention.Retention} plans and applies a run (the {@code retention} command
 * shows or applies one), {@link io.cordwatch.retention.RetentionWorker} runs it on a timer.
 *
 * <p>Owns: the policy and the {@code retention/} folder of the data directory (its journal and run
 * lock). It deletes rows only through {@link io.cordwatch.store.Index#removeStudy} (one transaction
 * with the audit row) and then the instance files those rows named, and quarantined files; it never
 * touches {@code spool/incoming}. It reads how full the volume is through {@link
 * io.cordwatch.telemetry.VolumeUsage}. Logs and audit rows carry hashed UIDs only.
 *
 * <p>May not touch: {@code io.cordwatch.config} or {@code io.cordwatch.app} (it is configured by
 * {@link io.cordwatch.retention.RetentionConfig} alone), the results it may have to keep ({@code
 * io.cordwatch.publish}: a hold reaches it as a {@code store.RetentionHold}), SQL ({@code
 * java.sql}), or {@code spool/incoming}. Of ours it uses {@code store}, {@code telemetry} and
 * {@code dicom} (to hash UIDs for logs).
 */
package io.cordwatch.retention;
