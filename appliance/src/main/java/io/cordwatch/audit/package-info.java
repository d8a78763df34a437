/**
 * The audit trail leaves the box: every row of the index's audit table becomes a DICOM audit
 * message (DICOM PS3.15 A.5, the XML of {@link io.cordwatch.audit.AuditXml}, chosen per event by
 * {@link io.cordwatch.audit.AuditEvents}), framed as an RFC 5424 syslog message ({@link
 * io.cordwatch.audit.SyslogFrame}) and sent to one collector over UDP (RFC 5426), TCP or TLS (RFC
 * 5425 octet counting; {@link io.cordwatch.audit.Collector}) by {@link
 * io.cordwatch.audit.AuditExporter}.
 *
 * <p>Owns: the mapping from our event words to DICOM event codes, the message format and the
 * sending. The index stays the source of truth: a row is written with the change it records and
 * never waits for the collector; the exporter reads the rows after its cursor (kept in the index
 * per collector) and moves the cursor only past what went out, so a collector that is down gets the
 * trail when it comes back, and a restart resumes where the last run stopped.
 *
 * <p>What may be in a message is what the audit row holds: UIDs, user names, AE titles, addresses.
 * The rows hold no patient name, ID or birth date, so neither do the messages (DICOM's Patient
 * participant object is left out for that reason).
 *
 * <p>May not touch: {@code io.cordwatch.app}, {@code io.cordwatch.config} or any other stage
 * ({@code io.cordwatch.receive}, {@code io.cordwatch.study}, {@code io.cordwatch.grade}, {@code
 * io.cordwatch.publish}, {@code io.cordwatch.web}): it reads the index ({@code store}) and the TLS
 * material ({@code tls}) and counts in {@code telemetry}, nothing else of ours; nor SQL ({@code
 * java.sql}) or the DICOM library ({@code com.pixelmed}): the messages are XML it writes itself.
 */
package io.cordwatch.audit;
