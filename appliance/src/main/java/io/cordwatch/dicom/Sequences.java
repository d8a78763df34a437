package io.cordwatch.dicom;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.SequenceAttribute;
import java.util.ArrayList;
import java.util.List;

/** The items of a DICOM sequence attribute, as PixelMed holds them; for the readers here. */
final class Sequences {
  private Sequences() {}

  /** The first item of {@code sequence} in {@code list}; null when either is absent or empty. */
  static AttributeList firstItem(AttributeList list, AttributeTag sequence) {
    if (list == null || !(list.get(sequence) instanceof SequenceAttribute seq)) {
      return null;
    }
    return seq.getNumberOfItems() > 0 ? seq.getItem(0).getAttributeList() : null;
  }

  /** Every item of {@code sequence} in {@code list}, in order; empty when it is absent. */
  static List<AttributeList> items(AttributeList list, AttributeTag sequence) {
    if (!(list.get(sequence) instanceof SequenceAttribute seq)) {
      return List.of();
    }
    List<AttributeList> out = new ArrayList<>(seq.getNumberOfItems());
    for (int i = 0; i < seq.getNumberOfItems(); i++) {
      out.add(seq.getItem(i).getAttributeList());
    }
    return out;
  }
}
