package io.cordwatch.audit;

import io.cordwatch.audit.AuditMessage.Code;
import io.cordwatch.audit.AuditMessage.Participant;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * An audit message as DICOM audit XML (PS3.15 A.5.1): {@code AuditMessage} with {@code
 * EventIdentification}, the {@code ActiveParticipant}s, {@code AuditSourceIdentification} and one
 * {@code ParticipantObjectIdentification} per study, in the schema's order, coded values as {@code
 * csd-code}/{@code codeSystemName}/{@code originalText} attributes. Written by hand, not through a
 * DOM: the shape is fixed and small, and every text goes through {@link #escape}.
 */
final class AuditXml {
  private AuditXml() {}

  /** AuditSourceTypeCode 4: an application server process. */
  private static final Code SOURCE_TYPE = new Code("4", "DCM", "Application Server");

  private static final Code STUDY_UID = Code.dcm("110180", "Study Instance UID");

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  static String write(AuditMessage m, AuditSource source) {
    StringBuilder x = new StringBuilder(1024);
    x.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    x.append("<AuditMessage>");
    x.append("<EventIdentification EventActionCode=\"")
        .append(m.action())
        .append("\" EventDateTime=\"")
        .append(TIME.format(Instant.ofEpochMilli(m.atMs())))
        .append("\" EventOutcomeIndicator=\"")
        .append(m.outcome())
        .append("\">");
    code(x, "EventID", m.eventId());
    if (m.eventType() != null) {
      code(x, "EventTypeCode", m.eventType());
    }
    if (!m.description().isEmpty()) {
      x.append("<EventOutcomeDescription>")
          .append(escape(m.description()))
          .append("</EventOutcomeDescription>");
    }
    x.append("</EventIdentification>");
    for (Participant p : m.participants()) {
      if (p.userId() == null || p.userId().isEmpty()) {
        continue;
      }
      x.append("<ActiveParticipant UserID=\"").append(escape(p.userId())).append('"');
      if (p.alternativeUserId() != null) {
        x.append(" AlternativeUserID=\"").append(escape(p.alternativeUserId())).append('"');
      }
      x.append(" UserIsRequestor=\"").append(p.requestor()).append('"');
      if (p.accessPoint() != null) {
        x.append(" NetworkAccessPointID=\"")
            .append(escape(p.accessPoint()))
            .append("\" NetworkAccessPointTypeCode=\"")
            .append(p.accessPointType())
            .append('"');
      }
      if (p.role() == null) {
        x.append("/>");
      } else {
        x.append('>');
        code(x, "RoleIDCode", p.role());
        x.append("</ActiveParticipant>");
      }
    }
    x.append("<AuditSourceIdentification AuditSourceID=\"")
        .append(escape(source.aeTitle()))
        .append("\">");
    code(x, "AuditSourceTypeCode", SOURCE_TYPE);
    x.append("</AuditSourceIdentification>");
    for (String study : m.studyUids()) {
      // Type 2 (system object), role 3 (report): a study, identified by its UID only.
      x.append("<ParticipantObjectIdentification ParticipantObjectID=\"")
          .append(escape(study))
          .append("\" ParticipantObjectTypeCode=\"2\" ParticipantObjectTypeCodeRole=\"3\">");
      code(x, "ParticipantObjectIDTypeCode", STUDY_UID);
      x.append("</ParticipantObjectIdentification>");
    }
    x.append("</AuditMessage>");
    return x.toString();
  }

  private static void code(StringBuilder x, String element, Code c) {
    x.append('<')
        .append(element)
        .append(" csd-code=\"")
        .append(escape(c.code()))
        .append("\" codeSystemName=\"")
        .append(escape(c.system()))
        .append("\" originalText=\"")
        .append(escape(c.meaning()))
        .append("\"/>");
  }

  /** Text safe in XML content and attribute values; characters XML 1.0 forbids become '?'. */
  static String escape(String s) {
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      switch (ch) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&apos;");
        default -> {
          boolean allowed =
              ch == '\t'
                  || ch == '\n'
                  || ch == '\r'
                  || (ch >= 0x20 && ch != 0xFFFE && ch != 0xFFFF);
          out.append(allowed ? ch : '?');
        }
      }
    }
    return out.toString();
  }
}
