package io.cordwatch.audit;

import java.util.List;

/**
 * One DICOM audit message (PS3.15 A.5.1) before it is written as XML: the event, who took part and
 * what it was about.
 *
 * @param eventId what kind of event (e.g. 110114 User Authentication)
 * @param eventType the finer kind (e.g. 110122 Login), or null where the event has none
 * @param action EventActionCode: C, R, U, D or E
 * @param outcome EventOutcomeIndicator: 0 success, 4 minor failure, 8 serious failure
 * @param atMs EventDateTime, epoch milliseconds
 * @param description what the audit row says (EventOutcomeDescription); no patient data
 * @param participants the active participants, our application first
 * @param studyUids the studies it was about (Study Instance UID participant objects)
 */
public record AuditMessage(
    Code eventId,
    Code eventType,
    String action,
    int outcome,
    long atMs,
    String description,
    List<Participant> participants,
    List<String> studyUids) {

  public AuditMessage {
    participants = List.copyOf(participants);
    studyUids = List.copyOf(studyUids);
  }

  /** A coded value: code, coding scheme, and its meaning. */
  public record Code(String code, String system, String meaning) {
    static Code dcm(String code, String meaning) {
      return new Code(code, "DCM", meaning);
    }
  }

  /**
   * One active participant.
   *
   * @param userId who or what (a user name, an AE title, our application)
   * @param alternativeUserId e.g. the process id of our application; null for none
   * @param requestor whether it asked for what happened
   * @param accessPoint the network address it acted from; null when unknown
   * @param accessPointType 1 machine name, 2 IP address; ignored without an access point
   * @param role its role (e.g. 110150 Application); null for none
   */
  public record Participant(
      String userId,
      String alternativeUserId,
      boolean requestor,
      String accessPoint,
      int accessPointType,
      Code role) {}
}
