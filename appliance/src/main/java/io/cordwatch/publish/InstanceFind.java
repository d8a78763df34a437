package io.cordwatch.publish;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.network.Association;
import com.pixelmed.network.DicomNetworkException;
import com.pixelmed.network.FindSOPClassSCU;
import com.pixelmed.network.IdentifierHandler;
import java.io.IOException;

/**
 * Asks the destination whether it already holds a document: an instance-level C-FIND (Study Root
 * Query/Retrieve, IMAGE level, keyed by the document's Study, Series and SOP Instance UIDs) on the
 * association the document would be sent on. Used only for documents whose C-STORE was started
 * before and never confirmed (a crash, a broken association), so that the PACS's word, not our own
 * records, decides whether it is sent again.
 */
final class InstanceFind {
  /** The Study Root FIND SOP class, proposed beside the storage classes when a row is in doubt. */
  static final String SOP_CLASS = SOPClass.StudyRootQueryRetrieveInformationModelFind;

  /** What the destination said. */
  enum Answer {
    /** It holds the document (a match with the same SOP Instance UID). */
    HELD,
    /** It answered the query without a match. */
    NOT_HELD,
    /** It could not be asked: no FIND context was accepted, or the query failed. */
    UNKNOWN
  }

  private InstanceFind() {}

  /** Whether the destination accepted the FIND context on {@code association}. */
  static boolean accepted(Association association) {
    try {
      association.getSuitablePresentationContextID(SOP_CLASS);
      return true;
    } catch (DicomNetworkException e) {
      return false;
    }
  }

  /** Asks whether the destination holds the document whose attributes are {@code document}. */
  static Answer ask(Association association, AttributeList document) throws IOException {
    String sop = value(document, TagFromName.SOPInstanceUID);
    String study = value(document, TagFromName.StudyInstanceUID);
    String series = value(document, TagFromName.SeriesInstanceUID);
    if (sop.isEmpty() || study.isEmpty() || series.isEmpty()) {
      return Answer.UNKNOWN;
    }
    boolean[] held = {false};
    IdentifierHandler matches =
        new IdentifierHandler() {
          @Override
          public void doSomethingWithIdentifier(AttributeList match) {
            // A peer that ignores a key answers other instances too: only our UID counts.
            held[0] |= sop.equals(value(match, TagFromName.SOPInstanceUID));
          }
        };
    try {
      new FindSOPClassSCU(association, SOP_CLASS, query(study, series, sop), matches);
    } catch (DicomNetworkException | DicomException e) {
      // A failure status, or no FIND context after all: the caller sends, as without C-FIND.
      return Answer.UNKNOWN;
    }
    return held[0] ? Answer.HELD : Answer.NOT_HELD;
  }

  private static AttributeList query(String study, String series, String sop) {
    DataSet q = new DataSet();
    q.put(TagFromName.QueryRetrieveLevel, "IMAGE");
    q.put(TagFromName.StudyInstanceUID, study);
    q.put(TagFromName.SeriesInstanceUID, series);
    q.put(TagFromName.SOPInstanceUID, sop);
    return q.attributes();
  }

  private static String value(AttributeList list, AttributeTag tag) {
    return Attribute.getSingleStringValueOrEmptyString(list, tag).strip();
  }
}
