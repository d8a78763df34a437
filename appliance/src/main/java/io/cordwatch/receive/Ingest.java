package io.cordwatch.receive;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.display.SourceImage;
import io.cordwatch.dicom.CompressedFrames;
import io.cordwatch.dicom.DecodeLimits;
import io.cordwatch.dicom.DicomFacts;
import io.cordwatch.dicom.InstanceFacts;
import io.cordwatch.dicom.PixelDecodeException;
import io.cordwatch.dicom.Uids;
import io.cordwatch.store.Index;
import io.cordwatch.store.Records.InstanceRow;
import io.cordwatch.store.StoreException;
import io.cordwatch.telemetry.DiskWatermark;
import io.cordwatch.telemetry.Meters;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns one fully received C-STORE data set into a durable, indexed instance, or into a failure
 * status with an ErrorComment. Checks run from cheap to expensive, and nothing is committed until
 * all of them pass: the spool file is parsed back (a truncated or garbled data set is caught here,
 * not by the grader), its UIDs must be well formed and agree with the command, and its pixel data
 * must be complete and decodable.
 */
final class Ingest {
  private static final Logger LOG = Logger.getLogger(Ingest.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What a deflated data set may hold beyond its pixels (text, sequences, private tags). */
  private static final long HEADER_ALLOWANCE = 16L << 20;

  private final Spool spool;
  private final Index index;
  private final DiskWatermark disk;
  private final Meters meters;
  private final ReceiveListener listener;
  private final Clock clock;

  Ingest(
      Clock clock,
      Spool spool,
      Index index,
      DiskWatermark disk,
      Meters meters,
      ReceiveListener listener) {
    this.spool = spool;
    this.index = index;
    this.disk = disk;
    this.meters = meters;
    this.listener = listener;
    this.clock = clock;
  }

  /**
   * The outcome of a successful store.
   *
   * @param facts the stored instance's facts; null for a duplicate
   * @param duplicate the instance was already stored with the same content
   * @param releases the series whose completion a release of this association may signal: the
   *     stored instance's, or a duplicate's while its series is still receiving (a sender that
   *     re-sends a whole series after a crash cut its first association off must complete it on
   *     release, even when every instance had arrived before the crash); null when none
   */
  record Stored(InstanceFacts facts, boolean duplicate, String releases) {}

  /**
   * Validates and commits the received data set.
   *
   * @param cmd the C-STORE request
   * @param data the incoming file, complete; or null when the data set was discarded (see {@code
   *     discarded})
   * @param discarded why the data set was not kept while it arrived, or null
   */
  Stored store(
      CommandSet cmd,
      String transferSyntax,
      Spool.Incoming data,
      DimseStatus.Failure discarded,
      String callingAe,
      long startNanos)
      throws DimseStatus.Failure {
    if (discarded != null) {
      throw discarded;
    }
    if (disk.belowReserve()) {
      throw new DimseStatus.Failure(
          DimseStatus.OUT_OF_RESOURCES,
          "disk_reserve",
          "Disk below reserve (space or inodes): instance not stored, send again later");
    }
    String sha256;
    try {
      sha256 = data.finish();
    } catch (IOException e) {
      throw new DimseStatus.Failure(
          DimseStatus.OUT_OF_RESOURCES, "io", "Storage failure: " + e.getMessage(), e);
    }
    checkDecodedSize(data, transferSyntax);
    AttributeList list = parse(data, !CompressedFrames.handles(transferSyntax));
    String sopClass = string(list, TagFromName.SOPClassUID);
    String sopInstance = string(list, TagFromName.SOPInstanceUID);
    if (!cmd.affectedSopClassUid().equals(sopClass)) {
      throw new DimseStatus.Failure(
          DimseStatus.DATASET_DOES_NOT_MATCH,
          "uid_mismatch",
          "SOP Class UID in data set differs from the command's");
    }
    if (!cmd.affectedSopInstanceUid().equals(sopInstance)) {
      throw new DimseStatus.Failure(
          DimseStatus.DATASET_DOES_NOT_MATCH,
          "uid_mismatch",
          "SOP Instance UID in data set differs from the command's");
    }
    String study = string(list, TagFromName.StudyInstanceUID);
    String series = string(list, TagFromName.SeriesInstanceUID);
    requireUid("Study Instance UID", study);
    requireUid("Series Instance UID", series);
    checkPixels(list, transferSyntax);

    Optional<InstanceRow> existing = index.findInstanceForIngest(sopInstance);
    if (existing.isPresent() && existing.get().sha256().equals(sha256)) {
      return new Stored(null, true, index.seriesReceiving(series) ? series : null);
    }
    InstanceFacts facts = DicomFacts.fromAttributes(list);
    String factsJson;
    try {
      factsJson = JSON.writeValueAsString(facts);
    } catch (JsonProcessingException e) {
      throw new DimseStatus.Failure(
          DimseStatus.CANNOT_UNDERSTAND, "unparseable", "Cannot index data set: " + e.getMessage());
    }
    long size;
    String relative;
    try {
      size = Files.size(data.path());
      relative = spool.commit(data);
    } catch (IOException e) {
      throw new DimseStatus.Failure(
          DimseStatus.OUT_OF_RESOURCES, "io", "Storage failure: " + e.getMessage(), e);
    }
    long now = clock.millis();
    Optional<String> superseded;
    try {
      superseded =
          index.recordInstance(
              new InstanceRow(
                  0,
                  sopInstance,
                  sopClass,
                  study,
                  series,
                  transferSyntax,
                  relative,
                  size,
                  sha256,
                  now,
                  callingAe,
                  factsJson),
              facts.modality(),
              facts.seriesNumber(),
              facts.seriesDescription());
    } catch (StoreException e) {
      spool.uncommit(relative);
      throw new DimseStatus.Failure(
          DimseStatus.OUT_OF_RESOURCES, "index", "Index write failed: " + e.getMessage(), e);
    }
    if (superseded.isPresent()) {
      try {
        spool.quarantine(spool.resolve(superseded.get()), "superseded");
        LOG.info(
            "instance "
                + Uids.tag(sopInstance)
                + " re-sent with other content; old copy kept in quarantine");
      } catch (IOException e) {
        LOG.log(Level.WARNING, "could not set aside superseded copy " + superseded.get(), e);
      }
    }
    meters.instanceStored(data.datasetBytes(), Duration.ofNanos(System.nanoTime() - startNanos));
    listener.instanceStored(facts);
    return new Stored(facts, false, facts.seriesInstanceUid());
  }

  /**
   * Refuses (A700, out of resources) an object that would decode to more than {@link DecodeLimits}
   * allows, before anything inflates or decompresses it: a deflated data set is inflated once
   * without being kept, and the image header (read up to Pixel Data, nothing decompressed) must
   * declare a size within the limit.
   */
  private static void checkDecodedSize(Spool.Incoming data, String transferSyntax)
      throws DimseStatus.Failure {
    long limit = DecodeLimits.maxDecodedBytes();
    String problem;
    try {
      if (TransferSyntaxes.DEFLATED_LE.equals(transferSyntax)) {
        problem =
            DecodeLimits.inflatedProblem(data.path(), data.headerBytes(), limit + HEADER_ALLOWANCE);
        if (problem != null) {
          throw new DimseStatus.Failure(DimseStatus.OUT_OF_RESOURCES, "too_large", problem);
        }
      }
      AttributeList header = new AttributeList();
      header.setDecompressPixelData(false);
      try (InputStream in = new BufferedInputStream(Files.newInputStream(data.path()), 1 << 16);
          DicomInputStream din = new DicomInputStream(in)) {
        header.read(din, TagFromName.PixelData);
      }
      problem = DecodeLimits.declaredProblem(header);
    } catch (DimseStatus.Failure e) {
      throw e;
    } catch (Exception | StackOverflowError e) {
      throw new DimseStatus.Failure(
          DimseStatus.CANNOT_UNDERSTAND, "unparseable", "Cannot parse data set: " + describe(e));
    }
    if (problem != null) {
      throw new DimseStatus.Failure(DimseStatus.OUT_OF_RESOURCES, "too_large", problem);
    }
  }

  private static AttributeList parse(Spool.Incoming data, boolean decompress)
      throws DimseStatus.Failure {
    AttributeList list = new AttributeList();
    // PixelMed finds no reader for lossless JPEG, JPEG-LS or JPEG 2000 on Debian; those frames
    // stay compressed and are decoded by CompressedFrames in checkPixels instead.
    list.setDecompressPixelData(decompress);
    try (InputStream in = new BufferedInputStream(Files.newInputStream(data.path()), 1 << 16);
        DicomInputStream din = new DicomInputStream(in)) {
      list.read(din);
    } catch (Exception | StackOverflowError | OutOfMemoryError e) {
      throw new DimseStatus.Failure(
          DimseStatus.CANNOT_UNDERSTAND, "unparseable", "Cannot parse data set: " + describe(e));
    }
    return list;
  }

  private static void requireUid(String what, String uid) throws DimseStatus.Failure {
    if (!Uids.isValid(uid)) {
      throw new DimseStatus.Failure(
          DimseStatus.CANNOT_UNDERSTAND,
          "invalid_uid",
          what + (uid == null ? " is missing" : " is not a valid UID"));
    }
  }

  /**
   * Pixel data must be present and whole: for native encodings its length must cover rows x columns
   * x samples x frames at the allocated bit depth; encapsulated encodings must decode, every frame
   * (lossless JPEG, JPEG-LS and JPEG 2000 through {@link CompressedFrames}) or the first (RLE,
   * through PixelMed).
   */
  private static void checkPixels(AttributeList list, String transferSyntax)
      throws DimseStatus.Failure {
    Attribute pixels = list.get(TagFromName.PixelData);
    if (pixels == null) {
      throw new DimseStatus.Failure(
          DimseStatus.CANNOT_UNDERSTAND, "no_pixel_data", "Data set has no Pixel Data");
    }
    int rows = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Rows, 0);
    int cols = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Columns, 0);
    int bits = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.BitsAllocated, 0);
    int spp = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.SamplesPerPixel, 1);
    int frames = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.NumberOfFrames, 1);
    if (rows <= 0 || cols <= 0 || bits <= 0) {
      throw new DimseStatus.Failure(
          DimseStatus.CANNOT_UNDERSTAND,
          "bad_image",
          "Rows, Columns or Bits Allocated missing or zero");
    }
    if (TransferSyntaxes.isUncompressed(transferSyntax)) {
      long expected = (long) rows * cols * spp * Math.max(frames, 1) * bits / 8;
      long actual = pixels.getVL();
      if (actual < expected) {
        throw new DimseStatus.Failure(
            DimseStatus.CANNOT_UNDERSTAND,
            "truncated",
            "Pixel Data truncated: " + actual + " of " + expected + " bytes");
      }
      return;
    }
    if (CompressedFrames.handles(transferSyntax)) {
      try {
        short[][] decoded = CompressedFrames.decodeFrames(list);
        if (decoded.length != Math.max(frames, 1)) {
          throw new DimseStatus.Failure(
              DimseStatus.CANNOT_UNDERSTAND,
              "undecodable",
              "Pixel Data has " + decoded.length + " frames, header says " + frames);
        }
      } catch (PixelDecodeException e) {
        if (e.code() == PixelDecodeException.Code.TOO_LARGE) {
          throw new DimseStatus.Failure(DimseStatus.OUT_OF_RESOURCES, "too_large", e.getMessage());
        }
        throw new DimseStatus.Failure(
            DimseStatus.CANNOT_UNDERSTAND,
            "undecodable",
            "Pixel Data cannot be decoded: " + e.getMessage());
      }
      return;
    }
    try {
      SourceImage image = new SourceImage(list);
      if (image.getNumberOfFrames() < 1 || image.getBufferedImage(0) == null) {
        throw new IllegalStateException("no frame decoded");
      }
    } catch (Exception | OutOfMemoryError e) {
      throw new DimseStatus.Failure(
          DimseStatus.CANNOT_UNDERSTAND,
          "undecodable",
          "Pixel Data cannot be decoded: " + describe(e));
    }
  }

  private static String string(AttributeList list, com.pixelmed.dicom.AttributeTag tag) {
    String s = Attribute.getSingleStringValueOrNull(list, tag);
    return s == null ? null : s.replace("\0", "").trim();
  }

  private static String describe(Throwable e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName()
        + (m == null ? "" : ": " + m.lines().findFirst().orElse(""));
  }
}
