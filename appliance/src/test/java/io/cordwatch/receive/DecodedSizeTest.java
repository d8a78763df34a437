package io.cordwatch.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomOutputStream;
import com.pixelmed.dicom.IntegerStringAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.dicom.UnsignedShortAttribute;
import io.cordwatch.app.Appliance;
import io.cordwatch.dicom.DecodeLimits;
import io.cordwatch.dicom.Uids;
import io.cordwatch.phantom.SyntheticStudy;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Objects small on the wire that would decode to more than the heap can spare are refused with A700
 * and an ErrorComment, before anything is decoded, and nothing is stored.
 */
class DecodedSizeTest {
  private static final String DEFLATED_LE = "1.2.840.10008.1.2.1.99";

  @TempDir Path tmp;
  private Appliance appliance;
  private AttributeList slice;

  @BeforeEach
  void start() throws Exception {
    appliance = RunningAppliance.start(tmp.resolve("data"));
    Path file =
        SyntheticStudy.write(tmp.resolve("study"), new SyntheticStudy.Spec(1, false, false, 64, 5))
            .get(0);
    slice = ReceiverTest.read(file);
    slice.removeGroupLengthAttributes();
    slice.removeMetaInformationHeaderAttributes();
  }

  @AfterEach
  void stop() {
    appliance.close();
  }

  @Test
  void tooManyFramesAreRefusedBeforeDecoding() throws Exception {
    IntegerStringAttribute frames = new IntegerStringAttribute(TagFromName.NumberOfFrames);
    frames.addValue(DecodeLimits.MAX_FRAMES + 1);
    slice.put(frames);
    RawScu.Response r = send(RawScu.EXPLICIT_LE, explicitLe(slice));
    assertEquals(DimseStatus.OUT_OF_RESOURCES, r.status());
    assertTrue(r.errorComment().contains("Number of Frames"), r.errorComment());
    assertNothingStored();
  }

  @Test
  void aHeaderDeclaringGigabytesOfPixelsIsRefused() throws Exception {
    UnsignedShortAttribute rows = new UnsignedShortAttribute(TagFromName.Rows);
    rows.addValue(65535);
    UnsignedShortAttribute columns = new UnsignedShortAttribute(TagFromName.Columns);
    columns.addValue(65535);
    slice.put(rows);
    slice.put(columns);
    RawScu.Response r = send(RawScu.EXPLICIT_LE, explicitLe(slice));
    assertEquals(DimseStatus.OUT_OF_RESOURCES, r.status());
    assertTrue(r.errorComment().contains("over the decode limit"), r.errorComment());
    assertNothingStored();
  }

  @Test
  void aDeflatedDataSetThatInflatesBeyondTheLimitIsRefused() throws Exception {
    // The slice's own header, then a private OB element of zeros larger than the limit: about a
    // megabyte on the wire.
    slice.remove(TagFromName.PixelData);
    long zeros = DecodeLimits.maxDecodedBytes() + (32L << 20);
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    try (DeflaterOutputStream z =
        new DeflaterOutputStream(wire, new Deflater(Deflater.BEST_SPEED, true), 1 << 16)) {
      z.write(explicitLe(slice));
      // (0009,0010) LO private creator, then (0009,1000) OB with a 4-byte length.
      z.write(new byte[] {0x09, 0, 0x10, 0, 'L', 'O', 4, 0, 'T', 'E', 'S', 'T'});
      z.write(new byte[] {0x09, 0, 0x00, 0x10, 'O', 'B', 0, 0});
      z.write(le32(zeros));
      writeZeros(z, zeros);
    }
    assertTrue(wire.size() < 16 << 20, "the test object is small on the wire: " + wire.size());
    RawScu.Response r = send(DEFLATED_LE, wire.toByteArray());
    assertEquals(DimseStatus.OUT_OF_RESOURCES, r.status());
    assertTrue(r.errorComment().contains("inflates past the decode limit"), r.errorComment());
    assertNothingStored();
    // The listener and the heap are fine: a normal slice still goes in.
    Path ok =
        SyntheticStudy.write(tmp.resolve("ok"), new SyntheticStudy.Spec(1, false, false, 64, 6))
            .get(0);
    assertEquals(
        1,
        Peers.successes(Peers.storescu(appliance.dicomPort(), "STORESCU", java.util.List.of(ok))));
  }

  private RawScu.Response send(String transferSyntax, byte[] dataSet) throws Exception {
    String sop = Attribute.getSingleStringValueOrNull(slice, TagFromName.SOPInstanceUID);
    try (RawScu scu =
        RawScu.associate(
            appliance.dicomPort(), "RAWSCU", "CORDWATCH", Uids.MR_IMAGE_STORAGE, transferSyntax)) {
      RawScu.Response r = scu.store(Uids.MR_IMAGE_STORAGE, sop, dataSet);
      scu.release();
      return r;
    }
  }

  private void assertNothingStored() throws Exception {
    assertEquals(0, appliance.index().allInstances().size());
    assertEquals(0, ReceiverTest.countFiles(tmp.resolve("data/spool/instances")));
    assertEquals(0, ReceiverTest.countFiles(tmp.resolve("data/spool/incoming")));
  }

  private static byte[] explicitLe(AttributeList list) throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (DicomOutputStream out =
        new DicomOutputStream(b, null, TransferSyntax.ExplicitVRLittleEndian)) {
      list.write(out);
    }
    return b.toByteArray();
  }

  private static byte[] le32(long v) {
    return new byte[] {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)};
  }

  private static void writeZeros(OutputStream out, long n) throws Exception {
    byte[] block = new byte[1 << 20];
    for (long left = n; left > 0; left -= block.length) {
      out.write(block, 0, (int) Math.min(block.length, left));
    }
  }
}
