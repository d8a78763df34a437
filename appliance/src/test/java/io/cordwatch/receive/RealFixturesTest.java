package io.cordwatch.receive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import io.cordwatch.app.Appliance;
import io.cordwatch.dicom.JpegLossless;
import io.cordwatch.dicom.Uids;
import io.cordwatch.store.Records.InstanceRow;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real scanner files through the receiver: what is stored must decode to the scanner's pixels. */
class RealFixturesTest {
  @TempDir Path tmp;

  @Test
  void everyDecodableTransferSyntaxIsStoredAsTheSamePixels() throws Exception {
    Path dir = Peers.fixtures().resolve("real-dicom/transfer-syntaxes");
    short[] reference = pixels(dir.resolve("1.dcm"));
    try (Appliance appliance = RunningAppliance.start(tmp.resolve("data"))) {
      for (String name : List.of("1.dcm", "2.dcm", "3.dcm", "4.dcm", "5.dcm", "6.dcm")) {
        Path file = dir.resolve(name);
        String ts = Attribute.getSingleStringValueOrNull(meta(file), TagFromName.TransferSyntaxUID);
        String flag = name.equals("4.dcm") ? "-xr" : JpegLossless.handles(ts) ? "-xs" : "-xe";
        Peers.Run r = Peers.storescu(appliance.dicomPort(), "STORESCU", List.of(file), flag);
        assertEquals(1, Peers.successes(r), name + ": " + r.output());
        String uid = Attribute.getSingleStringValueOrNull(meta(file), TagFromName.SOPInstanceUID);
        InstanceRow row = appliance.index().findInstance(uid).orElseThrow();
        assertArrayEquals(reference, pixels(tmp.resolve("data").resolve(row.path())), name);
      }
    }
  }

  @Test
  void deflatedImplicitAndBigEndianAreStoredInThatSyntaxWithTheSamePixels() throws Exception {
    Path file = Peers.fixtures().resolve("real-dicom/transfer-syntaxes/1.dcm");
    short[] reference = pixels(file);
    String uid = Attribute.getSingleStringValueOrNull(meta(file), TagFromName.SOPInstanceUID);
    try (Appliance appliance = RunningAppliance.start(tmp.resolve("data"))) {
      for (String[] c :
          new String[][] {{"-xd", "1.2.840.10008.1.2.1.99"}, {"-xi", "1.2.840.10008.1.2"}}) {
        Peers.Run r = Peers.storescu(appliance.dicomPort(), "STORESCU", List.of(file), c[0]);
        assertEquals(1, Peers.successes(r), c[0] + ": " + r.output());
        InstanceRow row = appliance.index().findInstance(uid).orElseThrow();
        assertEquals(c[1], row.transferSyntax());
        assertArrayEquals(reference, pixels(tmp.resolve("data").resolve(row.path())), c[0]);
      }
      // storescu never prefers big endian when little endian is accepted; a sender offering only
      // big endian (the retired syntax some old modalities still use) is played by the raw SCU.
      Path bigEndian = Peers.fixtures().resolve("real-dicom/transfer-syntaxes/3.dcm");
      String beUid =
          Attribute.getSingleStringValueOrNull(meta(bigEndian), TagFromName.SOPInstanceUID);
      try (RawScu scu =
          RawScu.associate(
              appliance.dicomPort(),
              "RAWSCU",
              "CORDWATCH",
              Uids.MR_IMAGE_STORAGE,
              "1.2.840.10008.1.2.2")) {
        assertEquals(
            DimseStatus.SUCCESS,
            scu.store(Uids.MR_IMAGE_STORAGE, beUid, RawScu.dataSetOf(bigEndian)).status());
        scu.release();
      }
      InstanceRow row = appliance.index().findInstance(beUid).orElseThrow();
      assertEquals("1.2.840.10008.1.2.2", row.transferSyntax());
      assertArrayEquals(reference, pixels(tmp.resolve("data").resolve(row.path())), "big endian");
    }
  }

  @Test
  void brokenRealAxialT2SliceIsStoredWhenItCanBeReadSafelyAndServiceGoesOn() throws Exception {
    Path broken = Peers.fixtures().resolve("real-dicom/axial-t2-lumbar-broken/GH1339.dcm");
    AttributeList list = meta(broken);
    String uid = Attribute.getSingleStringValueOrNull(list, TagFromName.SOPInstanceUID);
    try (Appliance appliance = RunningAppliance.start(tmp.resolve("data"));
        RawScu scu =
            RawScu.associate(
                appliance.dicomPort(),
                "RAWSCU",
                "CORDWATCH",
                Uids.MR_IMAGE_STORAGE,
                JpegLossless.LOSSLESS_SV1)) {
      RawScu.Response r = scu.store(Uids.MR_IMAGE_STORAGE, uid, RawScu.dataSetOf(broken));
      assertEquals(DimseStatus.SUCCESS, r.status(), String.valueOf(r.errorComment()));
      scu.release();
      InstanceRow row = appliance.index().findInstance(uid).orElseThrow();
      AttributeList stored = new AttributeList();
      stored.setDecompressPixelData(false);
      stored.read(tmp.resolve("data").resolve(row.path()).toString());
      short[][] frames = JpegLossless.decodeFrames(stored);
      assertEquals(1, frames.length);
      assertEquals(320 * 320, frames[0].length);
      assertEquals(0, Peers.echoscu(appliance.dicomPort(), "ECHOSCU").exit());
    }
  }

  private static AttributeList meta(Path file) throws Exception {
    AttributeList list = new AttributeList();
    list.setDecompressPixelData(false);
    list.read(file.toString(), TagFromName.PixelData);
    return list;
  }

  /** Pixels as stored: decoded by PixelMed where it can, by JpegLossless for lossless JPEG. */
  private static short[] pixels(Path file) throws Exception {
    AttributeList list = new AttributeList();
    list.setDecompressPixelData(false);
    list.read(file.toString());
    String ts = Attribute.getSingleStringValueOrNull(list, TagFromName.TransferSyntaxUID);
    if (JpegLossless.handles(ts)) {
      return JpegLossless.decodeFrames(list)[0];
    }
    AttributeList decoded = new AttributeList();
    decoded.read(file.toString());
    short[] px = decoded.get(TagFromName.PixelData).getShortValues();
    assertTrue(px.length > 0);
    return px;
  }
}
