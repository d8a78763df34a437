/**
 * Stage 1, receive: the DICOM upper layer. C-ECHO and C-STORE SCP for MR and Enhanced MR Image
 * Storage, the calling-AE policy, association limits, and the durable spool.
 *
 * <p>Owns: the DICOM ports (plain, and TLS when {@link io.cordwatch.receive.ReceiveConfig#tls} is
 * set; the certificates and the BCP 195 policy come ready-made from {@code tls}), the spool
 * directories ({@code spool/}, {@code quarantine/}) and the promise that Success is sent only after
 * the file and its index row are on disk. The one other stage that deletes there is {@code
 * retention}: the files of a study whose rows it removed, and expired quarantined files; never
 * {@code spool/incoming}. It writes the index only through {@link
 * io.cordwatch.store.Index#recordInstance}, and at start-up, when the spool is reconciled with the
 * index, through {@link io.cordwatch.store.Index#forgetMissingInstance} and {@link
 * io.cordwatch.store.Index#audit} (a quarantined orphan file). It tells the next stage through
 * {@link io.cordwatch.receive.ReceiveListener}. PixelMed calls stay inside this package and {@code
 * dicom}, so the library can be swapped. Logs carry hashed UIDs only ({@link
 * io.cordwatch.dicom.Uids#tag}), never patient data.
 *
 * <p>May not touch: anything about series or grading (that is {@code io.cordwatch.study}'s; nor
 * {@code io.cordwatch.grade} or {@code io.cordwatch.infer}); SQL ({@code java.sql}). It is
 * configured by {@link io.cordwatch.receive.ReceiveConfig} alone and may not read {@code
 * io.cordwatch.config} or {@code io.cordwatch.app}.
 */
package io.cordwatch.receive;
