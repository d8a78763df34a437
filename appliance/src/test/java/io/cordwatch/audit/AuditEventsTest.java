package io.cordwatch.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.store.AuditRow;
import io.cordwatch.store.Index;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each kind of audit row becomes the DICOM audit event it is, with who took part and which study,
 * read from rows as the appliance's own writers word them; and the XML carries nothing the row does
 * not.
 */
class AuditEventsTest {
  @TempDir Path tmp;

  private static final AuditSource SOURCE = new AuditSource("CORDWATCH", "cordwatch", "box1", "7");

  @Test
  void userChangesAreSecurityAlertsNamingTheAdministratorWhoMadeThem() {
    try (Index index = Index.open(tmp.resolve("index.db"))) {
      index.accounts().addUser("carol", "clinician", "hash", 5, "user root (admin)");
      AuditRow row = only(index, "user_added");
      AuditMessage m = AuditEvents.of(row, SOURCE);
      assertEquals("110113", m.eventId().code(), "Security Alert");
      assertEquals("110137", m.eventType().code(), "User Security Attributes Changed");
      assertEquals("root", requestor(m), "the administrator, not the user added");
    }
  }

  @Test
  void aRefusedLoginIsAFailedUserAuthenticationByTheNameTyped() {
    AuditMessage m =
        AuditEvents.of(new AuditRow(1, 5, "login_failed", "mallory from 192.0.2.7"), SOURCE);
    assertEquals("110114", m.eventId().code());
    assertEquals("110122", m.eventType().code());
    assertEquals(4, m.outcome());
    assertEquals("mallory", requestor(m));
    assertEquals("192.0.2.7", m.participants().get(1).accessPoint());
  }

  @Test
  void instancesReceivedNameTheSenderAndEveryStudy() {
    AuditMessage m =
        AuditEvents.of(
            new AuditRow(
                1,
                5,
                "instances_received",
                "12 instances of study 1.2.3, study 1.2.4 sent by AE MRI1 from 10.0.0.9"
                    + " (released)"),
            SOURCE);
    assertEquals("110104", m.eventId().code(), "DICOM Instances Transferred");
    assertEquals("C", m.action());
    assertEquals(List.of("1.2.3", "1.2.4"), m.studyUids());
    assertEquals("MRI1", m.participants().get(0).userId());
    assertEquals("110153", m.participants().get(0).role().code(), "the sender is the source");
    assertEquals("CORDWATCH", m.participants().get(1).userId());
    assertEquals("110152", m.participants().get(1).role().code(), "we are the destination");
  }

  @Test
  void aStudyOpenedInTheResultsViewIsInstancesAccessedForThatStudy() {
    AuditMessage m =
        AuditEvents.of(
            new AuditRow(
                1, 5, "study_viewed", "study 1.2.840.9 by user bob (clinician) from 10.2.3.4"),
            SOURCE);
    assertEquals("110103", m.eventId().code());
    assertEquals("R", m.action());
    assertEquals(List.of("1.2.840.9"), m.studyUids());
    assertEquals("bob", requestor(m));
  }

  @Test
  void publishedResultsAreTransfersToThePacsAndAlertsAreExports() {
    AuditMessage sr =
        AuditEvents.of(
            new AuditRow(1, 5, "results_sent", "sr 2.25.1 of study 1.2.3 to PACS@10.0.0.5:104"),
            SOURCE);
    assertEquals("110104", sr.eventId().code());
    assertEquals("PACS@10.0.0.5:104", sr.participants().get(1).userId());
    assertEquals("110152", sr.participants().get(1).role().code());
    AuditMessage alert =
        AuditEvents.of(
            new AuditRow(2, 5, "results_sent", "alert 2.25.2 of study 1.2.3 to https://h/x"),
            SOURCE);
    assertEquals("110106", alert.eventId().code(), "Export: the study leaves DICOM");
  }

  @Test
  void anEventDicomHasNoCodeForGoesOutUnderOurOwnScheme() {
    AuditMessage m =
        AuditEvents.of(
            new AuditRow(1, 5, "orphan_quarantined", "quarantine/orphans/x.dcm"), SOURCE);
    assertEquals("110113", m.eventId().code());
    assertEquals("orphan_quarantined", m.eventType().code());
    assertEquals("99CORDWATCH", m.eventType().system());
    assertNull(requestor(m));
  }

  @Test
  void theXmlEscapesWhatARowSaysAndAddsNothingElse() {
    AuditMessage m =
        AuditEvents.of(
            new AuditRow(1, 5, "login_failed", "<script>&\"x\u0001\" from 10.0.0.1"), SOURCE);
    String xml = AuditXml.write(m, SOURCE);
    assertTrue(xml.contains("&lt;script&gt;&amp;&quot;x?&quot;"), xml);
    assertFalse(xml.contains("<script>"), xml);
    assertFalse(xml.contains("ParticipantObjectIdentification"), "no study in the row, none here");
  }

  private static String requestor(AuditMessage m) {
    return m.participants().stream()
        .filter(AuditMessage.Participant::requestor)
        .map(AuditMessage.Participant::userId)
        .findFirst()
        .orElse(null);
  }

  private static AuditRow only(Index index, String event) {
    List<AuditRow> rows =
        index.auditAfter(0, 100).stream().filter(r -> r.event().equals(event)).toList();
    assertEquals(1, rows.size(), event);
    return rows.getFirst();
  }
}
