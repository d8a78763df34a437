package io.cordwatch.codec;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.OtherByteAttributeMultipleCompressedFrames;
import io.cordwatch.dicom.Fixtures;
import java.nio.file.Path;

/** The first compressed frame and the uncompressed pixels of the real dcm_qa_ts fixtures. */
final class CodecFixtures {
  static final FrameShape SHAPE = new FrameShape(384, 384, 1, 16);

  private CodecFixtures() {}

  static Path transferSyntaxes() {
    return Fixtures.root().resolve("real-dicom/transfer-syntaxes");
  }

  /** The codestream of {@code name}'s single frame, as PixelMed keeps it encapsulated. */
  static byte[] codestream(String name) throws Exception {
    AttributeList list = new AttributeList();
    list.setDecompressPixelData(false);
    list.read(transferSyntaxes().resolve(name).toFile());
    return ((OtherByteAttributeMultipleCompressedFrames) list.getPixelData()).getFrames()[0];
  }

  /** The pixels of the explicit little endian twin, 1.dcm. */
  static short[] reference() throws Exception {
    AttributeList list = new AttributeList();
    list.read(transferSyntaxes().resolve("1.dcm").toFile());
    return list.getPixelData().getShortValues();
  }
}
