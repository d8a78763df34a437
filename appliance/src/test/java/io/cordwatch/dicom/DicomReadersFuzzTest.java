package io.cordwatch.dicom;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Jazzer over the DICOM readers: whatever bytes arrive, {@link DicomFacts#read} and {@link
 * DicomPixels#read} either read them or refuse with their declared errors; anything else thrown is
 * a finding. In the suite it runs in Jazzer's regression mode over the inputs kept beside it
 * ({@code DicomReadersFuzzTestInputs/}: phantom seeds, and every finding once fixed); {@code
 * install/cordwatch fuzz --jazzer MINUTES} runs it as a coverage-guided fuzzer (JAZZER_FUZZ=1). It
 * runs in its own surefire execution, so the Jazzer agent never instruments the rest of the suite.
 */
class DicomReadersFuzzTest {
  @FuzzTest(maxDuration = "5m")
  void readersRefuseOnlyWithTheirDeclaredErrors(byte[] data) throws Exception {
    Path f = Files.createTempFile("cordwatch-fuzz", ".dcm");
    try {
      Files.write(f, data);
      try {
        DicomFacts.read(f);
        DicomPixels.read(f);
      } catch (DicomReadException | PixelDecodeException refused) {
        // The declared way to refuse a file: what the receiver answers with a status.
      }
    } finally {
      Files.delete(f);
    }
  }
}
