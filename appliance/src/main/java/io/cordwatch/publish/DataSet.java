package io.cordwatch.publish;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.OtherByteAttribute;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;

/**
 * A data set being built: attributes set by tag with the value representation from PixelMed's
 * dictionary, and sequences whose items are data sets of their own. The builders of this package
 * speak through it so that the documents read as lists of attributes, not as library calls.
 */
final class DataSet {
  private final AttributeList list;

  DataSet() {
    this(new AttributeList());
  }

  private DataSet(AttributeList list) {
    this.list = list;
  }

  /** A data set read elsewhere (a document being revised), changed in place. */
  static DataSet of(AttributeList list) {
    return new DataSet(list);
  }

  /** The attributes, for writing. */
  AttributeList attributes() {
    return list;
  }

  /** Sets {@code tag} to the values given; no value leaves it present and empty (type 2). */
  DataSet put(AttributeTag tag, String... values) {
    try {
      Attribute a = list.putNewAttribute(tag);
      for (String v : values) {
        a.addValue(v);
      }
      return this;
    } catch (DicomException e) {
      throw new IllegalArgumentException("cannot set " + tag + ": " + e.getMessage(), e);
    }
  }

  /** Sets {@code tag} (an OB attribute such as Pixel Data) to {@code bytes}. */
  DataSet bytes(AttributeTag tag, byte[] bytes) {
    try {
      OtherByteAttribute a = new OtherByteAttribute(tag);
      a.setValues(bytes);
      list.put(a);
      return this;
    } catch (DicomException e) {
      throw new IllegalArgumentException("cannot set " + tag + ": " + e.getMessage(), e);
    }
  }

  /** Copies {@code tag} from {@code source} when it is there, else leaves it empty (type 2). */
  DataSet copyOrEmpty(AttributeList source, AttributeTag tag) {
    Attribute a = source.get(tag);
    if (a == null) {
      return put(tag);
    }
    list.put(a);
    return this;
  }

  /** Copies {@code tag} from {@code source} when it is there (type 3 and optional 1C). */
  DataSet copyIfPresent(AttributeList source, AttributeTag tag) {
    Attribute a = source.get(tag);
    if (a != null) {
      list.put(a);
    }
    return this;
  }

  /** Adds an item to the sequence {@code tag} (creating it on first use) and returns it. */
  DataSet item(AttributeTag tag) {
    DataSet item = new DataSet();
    sequence(tag).addItem(item.list);
    return item;
  }

  /** A sequence present with no items (type 2 sequences). */
  DataSet emptySequence(AttributeTag tag) {
    sequence(tag);
    return this;
  }

  /** Sets the code sequence {@code tag} to one item holding {@code code}. */
  DataSet code(AttributeTag tag, Code code) {
    item(tag)
        .put(TagFromName.CodeValue, code.value())
        .put(TagFromName.CodingSchemeDesignator, code.scheme())
        .put(TagFromName.CodeMeaning, code.meaning());
    return this;
  }

  private SequenceAttribute sequence(AttributeTag tag) {
    if (list.get(tag) instanceof SequenceAttribute existing) {
      return existing;
    }
    SequenceAttribute seq = new SequenceAttribute(tag);
    list.put(seq);
    return seq;
  }
}
