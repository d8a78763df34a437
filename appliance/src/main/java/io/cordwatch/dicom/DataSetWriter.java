package io.cordwatch.dicom;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.SequenceAttribute;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Builds one data set tag by tag and writes it as a Part 10 file in explicit VR little endian. It
 * exists so that code outside this package (the phantom generator) can write DICOM without calling
 * PixelMed: callers speak in tag numbers and strings, the value representation comes from the data
 * dictionary, and nested sequences are builders of their own.
 */
public final class DataSetWriter {
  private static final String EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1";

  private final AttributeList list = new AttributeList();

  /**
   * Sets {@code tag} (group << 16 | element) to the values given; no value leaves it present and
   * empty, as type 2 attributes require.
   */
  public DataSetWriter put(int tag, String... values) {
    try {
      Attribute a = list.putNewAttribute(tag(tag));
      for (String v : values) {
        a.addValue(v);
      }
      return this;
    } catch (DicomException e) {
      throw new IllegalArgumentException(
          "cannot set " + String.format("(%04X,%04X)", tag >>> 16, tag & 0xFFFF), e);
    }
  }

  /** Sets the AT attribute {@code tag} to the tags given (dimension pointers and the like). */
  public DataSetWriter putTags(int tag, int... values) {
    try {
      com.pixelmed.dicom.AttributeTagAttribute a =
          new com.pixelmed.dicom.AttributeTagAttribute(tag(tag));
      for (int v : values) {
        a.addValue(v >>> 16, v & 0xFFFF);
      }
      list.put(a);
      return this;
    } catch (DicomException e) {
      throw new IllegalArgumentException("cannot set tag pointers", e);
    }
  }

  /** Sets {@code tag} to numbers, written in the shortest exact decimal form. */
  public DataSetWriter putNumbers(int tag, double... values) {
    String[] s = new String[values.length];
    for (int i = 0; i < values.length; i++) {
      s[i] = decimal(values[i]);
    }
    return put(tag, s);
  }

  /**
   * Adds an item to the sequence {@code tag} (creating it on first use) and returns the item's
   * builder.
   */
  public DataSetWriter item(int tag) {
    SequenceAttribute seq = sequence(tag);
    DataSetWriter item = new DataSetWriter();
    seq.addItem(item.list);
    return item;
  }

  /** A sequence that is present with no items (type 2 sequences). */
  public DataSetWriter emptySequence(int tag) {
    sequence(tag);
    return this;
  }

  /** 16-bit pixel data (OW). */
  public DataSetWriter pixels(short[] values) {
    try {
      Attribute pixels = new OtherWordAttribute(tag(0x7FE00010));
      pixels.setValues(values);
      list.put(pixels);
      return this;
    } catch (DicomException e) {
      throw new IllegalArgumentException("cannot set pixel data", e);
    }
  }

  /** Writes the data set with its file meta information to {@code file}. */
  public void write(Path file) throws IOException {
    try {
      FileMetaInformation.addFileMetaInformation(list, EXPLICIT_VR_LITTLE_ENDIAN, "CORDWATCH");
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
        list.write(out, EXPLICIT_VR_LITTLE_ENDIAN, true, true);
      }
    } catch (DicomException e) {
      throw new IOException("cannot write " + file.getFileName() + ": " + e.getMessage(), e);
    }
  }

  /** A DS/decimal rendering that stays within the 16 characters DS allows. */
  public static String decimal(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    String s = String.format(java.util.Locale.ROOT, "%.6f", v);
    s = s.replaceAll("0+$", "");
    if (s.endsWith(".")) {
      s = s.substring(0, s.length() - 1);
    }
    return s.equals("-0") ? "0" : s;
  }

  private SequenceAttribute sequence(int tag) {
    AttributeTag t = tag(tag);
    if (list.get(t) instanceof SequenceAttribute existing) {
      return existing;
    }
    SequenceAttribute seq = new SequenceAttribute(t);
    list.put(seq);
    return seq;
  }

  private static AttributeTag tag(int tag) {
    return new AttributeTag(tag >>> 16, tag & 0xFFFF);
  }
}
