package io.cordwatch.publish;

import com.pixelmed.dicom.TagFromName;

/**
 * One content item of a structured report's tree (PS3.3 C.17.3) and the children it gets: the root
 * is the document's top-level data set, every child an item of its parent's Content Sequence. Only
 * the value types the results documents use are here.
 */
final class Content {
  static final String CONTAINS = "CONTAINS";
  static final String HAS_OBS_CONTEXT = "HAS OBS CONTEXT";
  static final String HAS_CONCEPT_MOD = "HAS CONCEPT MOD";
  static final String INFERRED_FROM = "INFERRED FROM";

  private final DataSet item;

  private Content(DataSet item) {
    this.item = item;
  }

  /**
   * Makes {@code document} the root container titled {@code title}, following the DCMR template
   * {@code templateId}.
   */
  static Content root(DataSet document, Code title, String templateId) {
    document
        .put(TagFromName.ValueType, "CONTAINER")
        .code(TagFromName.ConceptNameCodeSequence, title)
        .put(TagFromName.ContinuityOfContent, "SEPARATE");
    document
        .item(TagFromName.ContentTemplateSequence)
        .put(TagFromName.MappingResource, "DCMR")
        .put(TagFromName.TemplateIdentifier, templateId);
    return new Content(document);
  }

  /** The root of a document that already has its content tree, to add to it. */
  static Content existingRoot(DataSet document) {
    return new Content(document);
  }

  Content container(String relationship, Code name) {
    return new Content(
        child(relationship, "CONTAINER", name).put(TagFromName.ContinuityOfContent, "SEPARATE"));
  }

  Content code(String relationship, Code name, Code value) {
    return new Content(
        child(relationship, "CODE", name).code(TagFromName.ConceptCodeSequence, value));
  }

  Content text(String relationship, Code name, String value) {
    return new Content(child(relationship, "TEXT", name).put(TagFromName.TextValue, value));
  }

  Content uid(String relationship, Code name, String value) {
    return new Content(child(relationship, "UIDREF", name).put(TagFromName.UID, value));
  }

  /**
   * A reference to one image, or to one frame of a multi-frame image ({@code frame} is null for a
   * single-frame one); {@code name} may be null (image library entries have none).
   */
  void image(
      String relationship, Code name, String sopClassUid, String sopInstanceUid, Integer frame) {
    DataSet ref =
        child(relationship, "IMAGE", name)
            .item(TagFromName.ReferencedSOPSequence)
            .put(TagFromName.ReferencedSOPClassUID, sopClassUid)
            .put(TagFromName.ReferencedSOPInstanceUID, sopInstanceUid);
    if (frame != null) {
      ref.put(TagFromName.ReferencedFrameNumber, Integer.toString(frame));
    }
  }

  private DataSet child(String relationship, String valueType, Code name) {
    DataSet child =
        item.item(TagFromName.ContentSequence)
            .put(TagFromName.RelationshipType, relationship)
            .put(TagFromName.ValueType, valueType);
    if (name != null) {
      child.code(TagFromName.ConceptNameCodeSequence, name);
    }
    return child;
  }
}
