package io.cordwatch.audit;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * One received RFC 5424 message taken apart the way a collector would: header fields, structured
 * data, and the body parsed as XML and validated against the subset of the DICOM audit message
 * schema in the test resources ({@code dicom-audit-subset.xsd}).
 */
record SyslogMessage(
    int pri,
    String timestamp,
    String hostname,
    String appName,
    String procId,
    String msgId,
    long sequenceId,
    Document xml) {

  private static final Pattern FORMAT =
      Pattern.compile(
          "<(\\d{1,3})>1 (\\S+) (\\S+) (\\S+) (\\S+) (\\S+) \\[meta sequenceId=\"(\\d+)\"\\]"
              + " \uFEFF(<\\?xml.*)",
          Pattern.DOTALL);

  static SyslogMessage parse(String text) throws Exception {
    Matcher m = FORMAT.matcher(text);
    if (!m.matches()) {
      throw new AssertionError("not an RFC 5424 audit message: " + text);
    }
    byte[] body = m.group(8).getBytes(StandardCharsets.UTF_8);
    var schema =
        SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI)
            .newSchema(SyslogMessage.class.getResource("dicom-audit-subset.xsd"));
    schema.newValidator().validate(new StreamSource(new ByteArrayInputStream(body)));
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
    Document doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(body));
    return new SyslogMessage(
        Integer.parseInt(m.group(1)),
        m.group(2),
        m.group(3),
        m.group(4),
        m.group(5),
        m.group(6),
        Long.parseLong(m.group(7)),
        doc);
  }

  Element event() {
    return (Element) xml.getElementsByTagName("EventIdentification").item(0);
  }

  String eventId() {
    return ((Element) event().getElementsByTagName("EventID").item(0)).getAttribute("csd-code");
  }

  String eventType() {
    var t = event().getElementsByTagName("EventTypeCode");
    return t.getLength() == 0 ? null : ((Element) t.item(0)).getAttribute("csd-code");
  }

  String action() {
    return event().getAttribute("EventActionCode");
  }

  String outcome() {
    return event().getAttribute("EventOutcomeIndicator");
  }

  /** The UserID of the participant that asked (UserIsRequestor true), or null. */
  String requestor() {
    var ps = xml.getElementsByTagName("ActiveParticipant");
    for (int i = 0; i < ps.getLength(); i++) {
      Element p = (Element) ps.item(i);
      if (p.getAttribute("UserIsRequestor").equals("true")) {
        return p.getAttribute("UserID");
      }
    }
    return null;
  }

  /** The ParticipantObjectID of the first participant object, or null. */
  String objectId() {
    var os = xml.getElementsByTagName("ParticipantObjectIdentification");
    return os.getLength() == 0 ? null : ((Element) os.item(0)).getAttribute("ParticipantObjectID");
  }
}
