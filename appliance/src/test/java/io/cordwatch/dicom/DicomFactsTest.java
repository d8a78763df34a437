package io.cordwatch.dicom;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.CodeStringAttribute;
import com.pixelmed.dicom.DecimalStringAttribute;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.FloatDoubleAttribute;
import com.pixelmed.dicom.IntegerStringAttribute;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.ShortStringAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.UniqueIdentifierAttribute;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DicomFactsTest {
  private static final double[] AXIAL = {1, 0, 0, 0, 1, 0};
  private static final double[] SAGITTAL = {0, 1, 0, 0, 0, -1};

  @TempDir Path tmp;

  @Test
  void philipsEnhancedMrGivesOneAxialOrientationPerFrame() {
    InstanceFacts f = DicomFacts.read(Fixtures.realDicom("enhanced-mr/Philips_IM_0027_fMAP.dcm"));

    assertAll(
        () -> assertEquals(Uids.ENHANCED_MR_IMAGE_STORAGE, f.sopClassUid()),
        () -> assertEquals("MR", f.modality()),
        () -> assertEquals(64, f.frames()),
        () -> assertEquals(64, f.frameOrientations().size()),
        () -> assertEquals(801, f.seriesNumber()),
        () -> assertEquals("B0 NS", f.seriesDescription()),
        () -> assertEquals("WIP B0 NS", f.protocolName()),
        // No Sequence Name in an Enhanced MR object: Pulse Sequence Name stands in.
        () -> assertEquals("FFE", f.sequenceName()),
        () -> assertEquals(1.52, f.echoTimeMs(), 1e-9),
        () -> assertEquals(3.8045, f.repetitionTimeMs(), 1e-3));
    for (double[] iop : f.frameOrientations()) {
      assertArrayEquals(new double[] {1, 0, 2.7425248845e-05, 0, 1, 0}, iop, 1e-12);
    }
  }

  @Test
  void siemensEnhancedMrReadsPerFrameGeometryAndSharedRepetitionTime() {
    InstanceFacts f = DicomFacts.read(Fixtures.realDicom("enhanced-mr/Siemens_XA10_6_1.dcm"));

    assertAll(
        () -> assertEquals(6, f.frames()),
        () -> assertEquals(6, f.frameOrientations().size()),
        () -> assertEquals(6, f.seriesNumber()),
        () -> assertEquals(1, f.instanceNumber()),
        () -> assertEquals(64, f.rows()),
        () -> assertEquals(64, f.columns()),
        () -> assertEquals(30.0, f.echoTimeMs(), 1e-9),
        () -> assertEquals(500.0, f.repetitionTimeMs(), 1e-9),
        () -> assertEquals("*epfid2d1_64", f.sequenceName()),
        // Echo Pulse Sequence GRADIENT, in Scanning Sequence's vocabulary.
        () -> assertEquals("GR", f.scanningSequence()));
    for (double[] iop : f.frameOrientations()) {
      assertArrayEquals(new double[] {1, -5e-13, 1e-6, -5e-13, 1, 1e-6}, iop, 1e-15);
    }
  }

  @Test
  void bothSiemensFilesOfOneSeriesShareItsUid() {
    InstanceFacts a = DicomFacts.read(Fixtures.realDicom("enhanced-mr/Siemens_XA10_6_1.dcm"));
    InstanceFacts b = DicomFacts.read(Fixtures.realDicom("enhanced-mr/Siemens_XA10_6_2.dcm"));

    assertEquals(a.seriesInstanceUid(), b.seriesInstanceUid());
    assertFalse(a.sopInstanceUid().equals(b.sopInstanceUid()));
  }

  @Test
  void classicMrImageReadsTopLevelAttributes() {
    InstanceFacts f = DicomFacts.read(Fixtures.realDicom("transfer-syntaxes/1.dcm"));

    assertAll(
        () -> assertEquals(Uids.MR_IMAGE_STORAGE, f.sopClassUid()),
        () -> assertEquals(1, f.frames()),
        () -> assertEquals(1, f.frameOrientations().size()),
        () ->
            assertArrayEquals(
                new double[] {1, -1e-16, 0, 1e-16, 0.99415096409965, -0.1079993545339},
                f.frameOrientations().getFirst(),
                1e-12),
        () -> assertEquals(30.0, f.echoTimeMs(), 1e-9),
        () -> assertEquals(3000.0, f.repetitionTimeMs(), 1e-9),
        () -> assertEquals("EP", f.scanningSequence()),
        () -> assertEquals("*epfid2d1_64", f.sequenceName()),
        () -> assertEquals("ax_asc_35sl", f.seriesDescription()),
        () -> assertEquals(384, f.rows()),
        () -> assertEquals(384, f.columns()));
  }

  @Test
  void pydicomSmallMrReadsAsOneAxialSpinEchoImage() {
    InstanceFacts f = DicomFacts.read(Fixtures.pydicom("MR_small.dcm"));

    assertAll(
        () -> assertEquals("MR", f.modality()),
        () -> assertEquals(1, f.frames()),
        () -> assertArrayEquals(AXIAL, f.frameOrientations().getFirst(), 1e-12),
        () -> assertEquals(240.0, f.echoTimeMs(), 1e-9),
        () -> assertEquals(4000.0, f.repetitionTimeMs(), 1e-9),
        () -> assertEquals("SE", f.scanningSequence()),
        () -> assertEquals(1, f.seriesNumber()),
        () -> assertEquals(64, f.rows()),
        () -> assertNull(f.seriesDescription()));
  }

  @Test
  void factsNeverCarryPatientIdentifiers() {
    InstanceFacts f = DicomFacts.read(Fixtures.pydicom("MR_small.dcm"));
    InstanceFacts g = DicomFacts.read(Fixtures.realDicom("transfer-syntaxes/1.dcm"));

    assertFalse(f.toString().contains("CompressedSamples"), f::toString);
    assertFalse(f.toString().contains("4MR1"), f::toString);
    assertFalse(g.toString().contains("stc_test"), g::toString);
    assertFalse(g.toString().contains("19800707"), g::toString);
  }

  @Test
  void brokenRealAxialT2IsReadUpToItsPixelData() {
    // Its damage is in the pixel data's sequence delimiter, which reading stops short of.
    InstanceFacts f = DicomFacts.read(Fixtures.realDicom("axial-t2-lumbar-broken/GH1339.dcm"));

    assertAll(
        () -> assertEquals(97.0, f.echoTimeMs(), 1e-9),
        () -> assertEquals(8080.0, f.repetitionTimeMs(), 1e-9),
        () -> assertEquals(1, f.frameOrientations().size()),
        () -> assertEquals(320, f.rows()));
  }

  @Test
  void textFileIsRefusedAsNotDicomNamingTheFile() throws IOException {
    Path junk = tmp.resolve("notes.txt");
    Files.writeString(junk, "hello, this is a text file\n".repeat(20), StandardCharsets.UTF_8);

    DicomReadException e = assertThrows(DicomReadException.class, () -> DicomFacts.read(junk));

    assertEquals(DicomReadException.Code.NOT_DICOM, e.code());
    assertEquals(junk, e.file());
    assertTrue(e.getMessage().startsWith(junk.toString() + ": not DICOM"), e.getMessage());
  }

  @Test
  void fileShorterThanThePreambleIsNotDicom() throws IOException {
    Path tiny = tmp.resolve("tiny.dcm");
    Files.write(tiny, new byte[] {'D', 'I', 'C', 'M'});

    DicomReadException e = assertThrows(DicomReadException.class, () -> DicomFacts.read(tiny));

    assertEquals(DicomReadException.Code.NOT_DICOM, e.code());
  }

  @Test
  void missingFileIsReportedAsAnInputOutputFailure() {
    Path missing = tmp.resolve("gone.dcm");

    DicomReadException e = assertThrows(DicomReadException.class, () -> DicomFacts.read(missing));

    assertEquals(DicomReadException.Code.IO, e.code());
    assertTrue(e.getMessage().contains("gone.dcm"), e.getMessage());
  }

  @Test
  void part10HeaderFollowedByGarbageIsRefused() throws IOException {
    byte[] bytes = new byte[132 + 256];
    System.arraycopy("DICM".getBytes(StandardCharsets.US_ASCII), 0, bytes, 128, 4);
    Arrays.fill(bytes, 132, bytes.length, (byte) 0x5a);
    Path garbage = tmp.resolve("garbage.dcm");
    Files.write(garbage, bytes);

    DicomReadException e = assertThrows(DicomReadException.class, () -> DicomFacts.read(garbage));

    assertTrue(
        e.code() == DicomReadException.Code.MALFORMED
            || e.code() == DicomReadException.Code.INCOMPLETE,
        e.code()::toString);
    assertTrue(e.getMessage().startsWith(garbage.toString()), e.getMessage());
  }

  @Test
  void sharedOrientationAloneGivesOneEntry() throws DicomException {
    AttributeList shared = new AttributeList();
    shared.put(item(TagFromName.PlaneOrientationSequence, orientation(AXIAL)));
    shared.put(
        item(
            TagFromName.MRTimingAndRelatedParametersSequence,
            ds(TagFromName.RepetitionTime, 4000)));
    shared.put(item(TagFromName.MREchoSequence, fd(new AttributeTag(0x0018, 0x9082), 102)));
    AttributeList list = enhanced(3, shared, new AttributeList[] {});

    InstanceFacts f = DicomFacts.fromAttributes(list);

    assertEquals(3, f.frames());
    assertEquals(1, f.frameOrientations().size());
    assertArrayEquals(AXIAL, f.frameOrientations().getFirst());
    assertEquals(102.0, f.echoTimeMs());
    assertEquals(4000.0, f.repetitionTimeMs());
  }

  @Test
  void framesWithoutTheirOwnOrientationTakeTheSharedOne() throws DicomException {
    AttributeList shared = new AttributeList();
    shared.put(item(TagFromName.PlaneOrientationSequence, orientation(AXIAL)));
    AttributeList own = new AttributeList();
    own.put(item(TagFromName.PlaneOrientationSequence, orientation(SAGITTAL)));
    AttributeList list = enhanced(2, shared, new AttributeList[] {own, new AttributeList()});

    InstanceFacts f = DicomFacts.fromAttributes(list);

    assertEquals(2, f.frameOrientations().size());
    assertArrayEquals(SAGITTAL, f.frameOrientations().get(0));
    assertArrayEquals(AXIAL, f.frameOrientations().get(1));
  }

  @Test
  void echoTimeOfTheFirstFrameStandsForAMultiEchoObject() throws DicomException {
    AttributeList first = new AttributeList();
    first.put(item(TagFromName.MREchoSequence, fd(new AttributeTag(0x0018, 0x9082), 15)));
    AttributeList second = new AttributeList();
    second.put(item(TagFromName.MREchoSequence, fd(new AttributeTag(0x0018, 0x9082), 100)));
    AttributeList list = enhanced(2, new AttributeList(), new AttributeList[] {first, second});

    InstanceFacts f = DicomFacts.fromAttributes(list);

    assertEquals(15.0, f.echoTimeMs());
    assertTrue(f.frameOrientations().isEmpty());
  }

  @Test
  void missingAttributesBecomeNullsAndOneFrame() {
    InstanceFacts f = DicomFacts.fromAttributes(new AttributeList());

    assertAll(
        () -> assertNull(f.sopInstanceUid()),
        () -> assertNull(f.modality()),
        () -> assertNull(f.echoTimeMs()),
        () -> assertNull(f.seriesNumber()),
        () -> assertEquals(1, f.frames()),
        () -> assertTrue(f.frameOrientations().isEmpty()));
  }

  private static AttributeList enhanced(int frames, AttributeList shared, AttributeList[] perFrame)
      throws DicomException {
    AttributeList list = new AttributeList();
    Attribute sopClass = new UniqueIdentifierAttribute(TagFromName.SOPClassUID);
    sopClass.addValue(Uids.ENHANCED_MR_IMAGE_STORAGE);
    list.put(sopClass);
    Attribute modality = new CodeStringAttribute(TagFromName.Modality);
    modality.addValue("MR");
    list.put(modality);
    Attribute n = new IntegerStringAttribute(TagFromName.NumberOfFrames);
    n.addValue(frames);
    list.put(n);
    Attribute pulse = new ShortStringAttribute(TagFromName.PulseSequenceName);
    pulse.addValue("TSE");
    list.put(pulse);
    SequenceAttribute sharedSeq = new SequenceAttribute(TagFromName.SharedFunctionalGroupsSequence);
    sharedSeq.addItem(shared);
    list.put(sharedSeq);
    if (perFrame.length > 0) {
      SequenceAttribute frameSeq =
          new SequenceAttribute(TagFromName.PerFrameFunctionalGroupsSequence);
      for (AttributeList f : perFrame) {
        frameSeq.addItem(f);
      }
      list.put(frameSeq);
    }
    return list;
  }

  private static SequenceAttribute item(AttributeTag sequence, Attribute content) {
    AttributeList itemList = new AttributeList();
    itemList.put(content);
    SequenceAttribute seq = new SequenceAttribute(sequence);
    seq.addItem(itemList);
    return seq;
  }

  private static Attribute orientation(double[] iop) throws DicomException {
    Attribute a = new DecimalStringAttribute(TagFromName.ImageOrientationPatient);
    for (double v : iop) {
      a.addValue(v);
    }
    return a;
  }

  private static Attribute ds(AttributeTag tag, double v) throws DicomException {
    Attribute a = new DecimalStringAttribute(tag);
    a.addValue(v);
    return a;
  }

  private static Attribute fd(AttributeTag tag, double v) throws DicomException {
    Attribute a = new FloatDoubleAttribute(tag);
    a.addValue(v);
    return a;
  }
}
