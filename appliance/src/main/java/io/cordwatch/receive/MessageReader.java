package io.cordwatch.receive;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.network.Association;
import com.pixelmed.network.CompositeResponseHandler;
import com.pixelmed.network.DicomNetworkException;
import com.pixelmed.network.PDataPDU;
import com.pixelmed.network.PresentationDataValue;
import io.cordwatch.dicom.Uids;
import io.cordwatch.telemetry.DiskWatermark;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * Collects one DIMSE message from P-DATA PDUs. The command set is small and kept in memory; the
 * data set goes straight to a spool file as its fragments arrive, so memory use does not grow with
 * object size. When a data set must be refused (bad command, too large, disk below reserve) its
 * remaining fragments are still read, and dropped, so the association stays in step and the sender
 * gets a proper status.
 */
final class MessageReader extends CompositeResponseHandler {
  private static final int MAX_COMMAND_BYTES = 64 * 1024;
  private static final long DISK_CHECK_EVERY = 8L << 20;

  private final Spool spool;
  private final DiskWatermark disk;
  private final long maxObjectBytes;
  private final String callingAe;
  private final ByteArrayOutputStream commandBytes = new ByteArrayOutputStream();

  private CommandSet command;
  private byte contextId;
  private String transferSyntax;
  private Spool.Incoming data;
  private DimseStatus.Failure discarded;
  private long dataBytes;
  private long nextDiskCheck = DISK_CHECK_EVERY;
  private long lastFragmentNanos;

  MessageReader(Spool spool, DiskWatermark disk, long maxObjectBytes, String callingAe) {
    this.spool = spool;
    this.disk = disk;
    this.maxObjectBytes = maxObjectBytes;
    this.callingAe = callingAe;
  }

  @Override
  public void sendPDataIndication(PDataPDU pdu, Association association)
      throws DicomNetworkException, IOException {
    for (Object o : pdu.getPDVList()) {
      PresentationDataValue pdv = (PresentationDataValue) o;
      byte[] value = pdv.getValue();
      if (pdv.isCommand()) {
        if (command != null) {
          throw new DicomNetworkException("command fragment after a complete command");
        }
        if (commandBytes.size() + value.length > MAX_COMMAND_BYTES) {
          throw new DicomNetworkException(
              "command set larger than " + MAX_COMMAND_BYTES + " bytes");
        }
        commandBytes.writeBytes(value);
        contextId = pdv.getPresentationContextID();
        if (pdv.isLastFragment()) {
          commandComplete(association);
        }
      } else {
        if (command == null || !command.hasDataSet()) {
          throw new DicomNetworkException("data fragment without a command that announced one");
        }
        if (pdv.getPresentationContextID() != contextId) {
          throw new DicomNetworkException(
              "data set on another presentation context than its command");
        }
        dataFragment(value);
        if (pdv.isLastFragment()) {
          lastFragmentNanos = System.nanoTime();
          setDone(true);
        }
      }
    }
  }

  private void commandComplete(Association association) throws DicomNetworkException, IOException {
    try {
      command = CommandSet.decode(commandBytes.toByteArray());
    } catch (Exception e) {
      throw new DicomNetworkException("unreadable command set: " + e.getMessage());
    }
    transferSyntax = association.getTransferSyntaxForPresentationContextID(contextId);
    if (!command.hasDataSet()) {
      lastFragmentNanos = System.nanoTime();
      setDone(true);
      return;
    }
    if (command.commandField() != CommandSet.C_STORE_RQ) {
      return;
    }
    if (command.affectedSopClassUid() == null
        || !MrStoragePolicy.STORAGE_CLASSES.contains(command.affectedSopClassUid())) {
      discarded =
          new DimseStatus.Failure(
              DimseStatus.SOP_CLASS_NOT_SUPPORTED, "sop_class", "SOP class not supported here");
    } else if (!Uids.isValid(command.affectedSopInstanceUid())) {
      discarded =
          new DimseStatus.Failure(
              DimseStatus.CANNOT_UNDERSTAND,
              "invalid_uid",
              "Affected SOP Instance UID is not a valid UID");
    } else if (disk.belowReserve()) {
      discarded =
          new DimseStatus.Failure(
              DimseStatus.OUT_OF_RESOURCES,
              "disk_reserve",
              "Disk below reserve (space or inodes): instance not stored, send again later");
    } else {
      try {
        data = spool.open();
        data.writeHeader(
            CommandSet.fileMetaHeader(
                command.affectedSopClassUid(),
                command.affectedSopInstanceUid(),
                transferSyntax,
                callingAe));
      } catch (IOException e) {
        if (data != null) {
          data.close();
          data = null;
        }
        discarded =
            new DimseStatus.Failure(
                DimseStatus.OUT_OF_RESOURCES, "io", "Storage failure: " + e.getMessage(), e);
      }
    }
  }

  private void dataFragment(byte[] value) throws IOException {
    dataBytes += value.length;
    if (data == null) {
      return;
    }
    if (dataBytes > maxObjectBytes) {
      refuseData(
          new DimseStatus.Failure(
              DimseStatus.OUT_OF_RESOURCES,
              "too_large",
              "Data set larger than the limit of " + maxObjectBytes + " bytes"));
      return;
    }
    if (dataBytes >= nextDiskCheck) {
      nextDiskCheck += DISK_CHECK_EVERY;
      if (disk.belowReserve()) {
        refuseData(
            new DimseStatus.Failure(
                DimseStatus.OUT_OF_RESOURCES,
                "disk_reserve",
                "Disk fell below reserve (space or inodes) while receiving: send again later"));
        return;
      }
    }
    try {
      data.write(value);
    } catch (IOException e) {
      // A full or failing disk ends this instance with A700, not the association: the sender can
      // retry
      // later, and other instances on this association may still fit.
      refuseData(
          new DimseStatus.Failure(
              DimseStatus.OUT_OF_RESOURCES,
              "io",
              "Storage failure while receiving: " + e.getMessage(),
              e));
    }
  }

  private void refuseData(DimseStatus.Failure why) {
    discarded = why;
    data.close();
    data = null;
  }

  CommandSet command() {
    return command;
  }

  byte contextId() {
    return contextId;
  }

  String transferSyntax() {
    return transferSyntax;
  }

  Spool.Incoming data() {
    return data;
  }

  DimseStatus.Failure discarded() {
    return discarded;
  }

  long lastFragmentNanos() {
    return lastFragmentNanos;
  }

  /**
   * Removes any partial spool file (after the message was handled, or when the association broke).
   */
  void discard() {
    if (data != null) {
      data.close();
    }
  }

  @Override
  protected void evaluateStatusAndSetSuccess(AttributeList list) {
    // Only used by PixelMed's own response handling; this reader handles requests.
  }
}
