package io.cordwatch.receive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import io.cordwatch.app.Appliance;
import io.cordwatch.dicom.CompressedFrames;
import io.cordwatch.dicom.JpegLossless;
import io.cordwatch.dicom.Uids;
import io.cordwatch.store.Records.InstanceRow;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real scanner files through the receiver: what is stored must decode to the scanner's pixels, in
 * every one of the nine encodings of the dcm_qa_ts image (JPEG-LS and JPEG 2000 included).
 */
class RealFixturesTest {
  @TempDir Path tmp;

  @Test
  void everyDecodableTransferSyntaxIsStoredAsTheSamePixels() throws Exception {
    Path dir = Peers.fixtures().resolve("real-dicom/transfer-syntaxes");
    short[] reference = pixels(dir.resolve("1.dcm"));
    try (Appliance appliance = RunningAppliance.start(tmp.resolve("data"))) {
      for (String name :
          List.of(
              "1.dcm", "2.dcm", "3.dcm", "4.dcm", "5.dcm", "6.dcm", "7.dcm", "8.dcm", "9.dcm")) {
        Path file = dir.resolve(name);
        String ts = Attribute.getSingleStringValueOrNull(meta(file), TagFromName.TransferSyntaxUID);
        String flag =
            switch (ts) {
              case "1.2.840.10008.1.2.5" -> "-xr";
              case CompressedFrames.JPEG_LS_LOSSLESS -> "-xt";
              case CompressedFrames.JPEG_2000_LOSSLESS -> "-xv";
              default -> JpegLossless.handles(ts) ? "-xs" : "-xe";
            };
        Peers.Run r = Peers.storescu(appliance.dicomPort(), "STORESCU", List.of(file), flag);
        assertEquals(1, Peers.successes(r), name + ": " + r.output());
        String uid = Attribute.getSingleStringValueOrNull(meta(file), TagFromName.SOPInstanceUID);
        InstanceRow row = appliance.index().findInstance(uid).orElseThrow();
        if (!TransferSyntaxes.isUncompressed(ts)) {
          assertEquals(ts, row.transferSyntax(), name + " is stored as it was sent");
        }
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

  /**
   * A JPEG-LS image whose coded data was overwritten in transit is refused with C000 and a reason,
   * nothing of it is kept, and the same association then stores the intact image.
   */
  @Test
  void damagedJpegLsIsRefusedWithItsReasonAndTheAssociationGoesOn() throws Exception {
    Path good = Peers.fixtures().resolve("real-dicom/transfer-syntaxes/7.dcm");
    String uid = Attribute.getSingleStringValueOrNull(meta(good), TagFromName.SOPInstanceUID);
    byte[] dataSet = RawScu.dataSetOf(good);
    byte[] damaged = dataSet.clone();
    // The codestream is the last 128 KB of the data set; zero 2 KB in the middle of its scan.
    java.util.Arrays.fill(damaged, damaged.length - 60_000, damaged.length - 58_000, (byte) 0);
    try (Appliance appliance = RunningAppliance.start(tmp.resolve("data"));
        RawScu scu =
            RawScu.associate(
                appliance.dicomPort(),
                "RAWSCU",
                "CORDWATCH",
                Uids.MR_IMAGE_STORAGE,
                CompressedFrames.JPEG_LS_LOSSLESS)) {
      RawScu.Response refused = scu.store(Uids.MR_IMAGE_STORAGE, uid, damaged);
      assertEquals(DimseStatus.CANNOT_UNDERSTAND, refused.status());
      assertTrue(
          refused.errorComment().startsWith("Pixel Data cannot be decoded: frame 1 of 1: JPEG-LS"),
          refused.errorComment());
      assertTrue(appliance.index().findInstance(uid).isEmpty());

      RawScu.Response stored = scu.store(Uids.MR_IMAGE_STORAGE, uid, dataSet);
      assertEquals(DimseStatus.SUCCESS, stored.status(), String.valueOf(stored.errorComment()));
      scu.release();
      assertEquals(
          CompressedFrames.JPEG_LS_LOSSLESS,
          appliance.index().findInstance(uid).orElseThrow().transferSyntax());
    }
  }

  private static AttributeList meta(Path file) throws Exception {
    AttributeList list = new AttributeList();
    list.setDecompressPixelData(false);
    list.read(file.toString(), TagFromName.PixelData);
    return list;
  }

  /**
   * Pixels as stored: decoded by PixelMed where it can, by CompressedFrames for lossless JPEG,
   * JPEG-LS and JPEG 2000.
   */
  private static short[] pixels(Path file) throws Exception {
    AttributeList list = new AttributeList();
    list.setDecompressPixelData(false);
    list.read(file.toString());
    String ts = Attribute.getSingleStringValueOrNull(list, TagFromName.TransferSyntaxUID);
    if (CompressedFrames.handles(ts)) {
      return CompressedFrames.decodeFrames(list)[0];
    }
    AttributeList decoded = new AttributeList();
    decoded.read(file.toString());
    short[] px = decoded.get(TagFromName.PixelData).getShortValues();
    assertTrue(px.length > 0);
    return px;
  }
}
