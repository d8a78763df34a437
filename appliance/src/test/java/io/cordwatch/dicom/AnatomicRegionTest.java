package io.cordwatch.dicom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.CodeStringAttribute;
import com.pixelmed.dicom.LongStringAttribute;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.ShortStringAttribute;
import com.pixelmed.dicom.TagFromName;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The body part a file states when Body Part Examined is missing: its coded Anatomic Region, the
 * frame's own Frame Anatomy before the shared one before the top-level sequence, spine codes as
 * defined terms (SNOMED CT and the older SRT), other codes by their meaning; and the real Enhanced
 * MR files of the fixtures read that way end to end.
 */
class AnatomicRegionTest {
  @TempDir Path tmp;

  private static AttributeList region(String scheme, String value, String meaning)
      throws Exception {
    AttributeList item = new AttributeList();
    ShortStringAttribute v = new ShortStringAttribute(TagFromName.CodeValue);
    v.addValue(value);
    item.put(v);
    ShortStringAttribute s = new ShortStringAttribute(TagFromName.CodingSchemeDesignator);
    s.addValue(scheme);
    item.put(s);
    LongStringAttribute m = new LongStringAttribute(TagFromName.CodeMeaning);
    m.addValue(meaning);
    item.put(m);
    return item;
  }

  private static AttributeList holding(AttributeTag sequence, AttributeList item) {
    AttributeList list = new AttributeList();
    SequenceAttribute seq = new SequenceAttribute(sequence);
    seq.addItem(item);
    list.put(seq);
    return list;
  }

  /** A functional group holding Frame Anatomy with one coded region. */
  private static AttributeList frameAnatomy(AttributeList region) {
    return holding(
        TagFromName.FrameAnatomySequence, holding(TagFromName.AnatomicRegionSequence, region));
  }

  @Test
  void spineCodesBecomeDefinedTermsInBothCodingSchemes() throws Exception {
    String[][] cases = {
      {"SCT", "122496007", "Lumbar spine", "LSPINE"},
      {"SRT", "T-11503", "Lumbar spine", "LSPINE"},
      {"SCT", "1217253001", "Lumbo-sacral spine", "LSSPINE"},
      {"SCT", "54735007", "Sacrum", "SACRUM"},
      {"SRT", "T-11BF0", "Coccyx", "COCCYX"},
      {"SNM3", "T-11AD0", "Sacrum", "SACRUM"},
      {"SCT", "122495006", "Thoracic spine", "TSPINE"},
      {"SRT", "T-D00F8", "Thoraco-lumbar spine", "TLSPINE"},
      {"SRT", "T-A0100", "Brain", "BRAIN"},
    };
    for (String[] c : cases) {
      AttributeList list = holding(TagFromName.AnatomicRegionSequence, region(c[0], c[1], c[2]));
      assertEquals(c[3], AnatomicRegion.of(list, null, null), String.join(" ", c));
    }
    assertTrue(
        SpineRegion.belowConus(
            AnatomicRegion.of(
                holding(TagFromName.AnatomicRegionSequence, region("SCT", "122496007", "x")),
                null,
                null)));
  }

  @Test
  void bodyPartExaminedWinsThenTheFrameThenTheSharedGroupThenTheTop() throws Exception {
    AttributeList top = holding(TagFromName.AnatomicRegionSequence, region("SCT", "122494005", ""));
    AttributeList shared = frameAnatomy(region("SCT", "122495006", "Thoracic spine"));
    AttributeList frame = frameAnatomy(region("SCT", "122496007", "Lumbar spine"));
    assertEquals("LSPINE", AnatomicRegion.of(top, shared, frame));
    assertEquals("TSPINE", AnatomicRegion.of(top, shared, null));
    assertEquals("CSPINE", AnatomicRegion.of(top, null, null));
    CodeStringAttribute bpe = new CodeStringAttribute(TagFromName.BodyPartExamined);
    bpe.addValue("TSPINE");
    top.put(bpe);
    assertEquals("TSPINE", AnatomicRegion.of(top, shared, frame), "what the file states in words");
  }

  @Test
  void aFileStatingNoBodyPartHasNone() throws Exception {
    assertNull(AnatomicRegion.of(new AttributeList(), null, null));
    assertNull(
        AnatomicRegion.of(
            holding(TagFromName.AnatomicRegionSequence, region("99LOCAL", "X1", "")), null, null),
        "an unknown code without a meaning says nothing");
  }

  @Test
  void realEnhancedMrWithoutBodyPartExaminedIsReadFromItsFrameAnatomy() throws Exception {
    Path source = JpegLosslessTest.realDicom().resolve("enhanced-mr/Siemens_XA10_6_1.dcm");
    AttributeList list = new AttributeList();
    list.read(source.toString());
    list.remove(TagFromName.BodyPartExamined);
    list.remove(TagFromName.AnatomicRegionSequence); // only Frame Anatomy is left to say it
    Path brain = tmp.resolve("brain.dcm");
    write(list, brain);
    for (DicomPixels.Frame f : DicomPixels.read(brain)) {
      assertEquals("BRAIN", f.bodyPartExamined(), "frame " + f.frame());
    }
    assertEquals("BRAIN", DicomFacts.read(brain).bodyPartExamined());

    // The same file coded as a lumbar study: every frame is below the conus.
    recode(list, region("SCT", "122496007", "Lumbar spine"));
    Path lumbar = tmp.resolve("lumbar.dcm");
    write(list, lumbar);
    List<DicomPixels.Frame> frames = DicomPixels.read(lumbar);
    assertEquals(
        "LSPINE",
        SpineRegion.belowConus(frames.stream().map(DicomPixels.Frame::bodyPartExamined).toList()));
    assertEquals("LSPINE", DicomFacts.read(lumbar).bodyPartExamined());
  }

  private static void write(AttributeList list, Path file) throws Exception {
    String syntax =
        com.pixelmed.dicom.Attribute.getSingleStringValueOrEmptyString(
            list, TagFromName.TransferSyntaxUID);
    list.write(file.toFile(), syntax, true, true);
  }

  /** Replaces every Frame Anatomy region (shared and per frame) and the top-level one. */
  private static void recode(AttributeList list, AttributeList region) {
    list.put(
        holding(TagFromName.AnatomicRegionSequence, region)
            .get(TagFromName.AnatomicRegionSequence));
    for (AttributeTag groups :
        List.of(
            TagFromName.SharedFunctionalGroupsSequence,
            TagFromName.PerFrameFunctionalGroupsSequence)) {
      for (AttributeList g : Sequences.items(list, groups)) {
        if (g.get(TagFromName.FrameAnatomySequence) != null) {
          g.put(frameAnatomy(region).get(TagFromName.FrameAnatomySequence));
        }
      }
    }
  }
}
