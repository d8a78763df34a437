/**
 * Results out: each series verdict as DICOM documents for the PACS, and their delivery.
 *
 * <p>{@link io.cordwatch.publish.ResultDocuments} builds, from a {@link
 * io.cordwatch.publish.SeriesReport}, a Comprehensive 3D SR holding a TID 1500 measurement report
 * after the IHE AI Results profile ({@code MeasurementReport}) and a Key Object Selection document
 * of the key slices ({@code KeyObjectSelection}), and, with {@code publish-secondary-capture} on, a
 * Secondary Capture image of each key slice with its canal box and grade burned in ({@code
 * SecondaryCapture}, drawn by {@code keyimage} as the results view draws it), with the patient and
 * study copied from a graded instance so the PACS files them in the same study, and writes them
 * durably to the data directory's {@code outbox/} folder ({@link
 * io.cordwatch.publish.ResultFiles}). Their SOP Instance UIDs are derived from the verdict and the
 * model ({@code ResultUids}), so a document sent twice is the same instance. The grading worker
 * queues them, one outbox row per document and destination, in the transaction that commits the
 * verdict; {@link io.cordwatch.publish.OutboxSender} delivers the outbox by C-STORE ({@code
 * StoreScu}) with capped exponential back-off ({@link io.cordwatch.publish.Backoff}) and gives a
 * delivery up, audited, only after it has failed for the configured time. Each document is marked
 * sent as soon as the destination's C-STORE response says it is stored, before the next goes; the
 * rows of an association are marked started once it is open, and a row found started but not sent
 * (a crash between the peer's store and that mark) is first looked up at the destination by an
 * instance-level C-FIND on the same association ({@code InstanceFind}): held means sent, "confirmed
 * by C-FIND", without a second C-STORE. A destination that answers no C-FIND gets it again, counted
 * ({@code resent_unchecked}): at-least-once there, exactly once with a PACS that answers C-FIND,
 * measured by {@code cordwatch bench faults} (docs/robustness.md). {@link
 * io.cordwatch.publish.VerifiedReport} makes the VERIFIED successor of an SR once a clinician has
 * confirmed or corrected the study's grade (queued by {@code app.VerifiedResults}).
 *
 * <p>Owns: the results documents' content, the outbox folder and the C-STORE SCU role (with the
 * C-FIND SCU role for documents in doubt). PixelMed calls stay in this package (besides {@code
 * receive} and {@code dicom}). It reads patient attributes only to copy them into documents; it
 * never logs or stores them (logs carry {@link io.cordwatch.dicom.Uids#tag} forms). It writes the
 * index only through the outbox methods of {@link io.cordwatch.store.Index}.
 *
 * <p>May not touch: {@code io.cordwatch.config} or {@code io.cordwatch.app} (it is handed its
 * destinations, AE title and back-off), the receiving side ({@code io.cordwatch.receive}, {@code
 * io.cordwatch.study}), the web layer ({@code io.cordwatch.web}), or the HTTP server ({@code
 * io.helidon}); webhook alerts go out through the JDK's HTTP client.
 */
package io.cordwatch.publish;
