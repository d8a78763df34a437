package io.cordwatch.receive;

import com.pixelmed.network.PresentationContext;
import com.pixelmed.network.PresentationContextSelectionPolicy;
import io.cordwatch.dicom.Uids;
import java.util.LinkedList;
import java.util.List;
import java.util.Set;

/**
 * Presentation-context negotiation: Verification, MR Image Storage and Enhanced MR Image Storage
 * only, each in a transfer syntax we can decode. Anything else is refused here, at negotiation, so
 * the sender learns at once that this node does not take it (result 3: abstract syntax not
 * supported; 4: no transfer syntax we can decode) instead of failing later per instance.
 */
final class MrStoragePolicy implements PresentationContextSelectionPolicy {
  static final Set<String> STORAGE_CLASSES =
      Set.of(Uids.MR_IMAGE_STORAGE, Uids.ENHANCED_MR_IMAGE_STORAGE);

  private static final int ACCEPTANCE = 0;
  private static final int ABSTRACT_SYNTAX_NOT_SUPPORTED = 3;
  private static final int TRANSFER_SYNTAXES_NOT_SUPPORTED = 4;

  private final List<String> transferSyntaxes;

  /**
   * @param transferSyntaxes the transfer syntaxes we accept for storage, in order of preference
   */
  MrStoragePolicy(List<String> transferSyntaxes) {
    this.transferSyntaxes = List.copyOf(transferSyntaxes);
  }

  @Override
  @Deprecated
  public LinkedList<?> applyPresentationContextSelectionPolicy(
      @SuppressWarnings("rawtypes") LinkedList contexts, int associationNumber, int debugLevel) {
    return applyPresentationContextSelectionPolicy(contexts, associationNumber);
  }

  @Override
  public LinkedList<?> applyPresentationContextSelectionPolicy(
      @SuppressWarnings("rawtypes") LinkedList contexts, int associationNumber) {
    for (Object o : contexts) {
      PresentationContext pc = (PresentationContext) o;
      String abstractSyntax = pc.getAbstractSyntaxUID();
      List<String> offered = new java.util.ArrayList<>();
      for (Object ts : pc.getTransferSyntaxUIDs()) {
        offered.add(String.valueOf(ts));
      }
      List<String> acceptable =
          Uids.VERIFICATION.equals(abstractSyntax)
              ? List.of(TransferSyntaxes.IMPLICIT_LE, TransferSyntaxes.EXPLICIT_LE)
              : STORAGE_CLASSES.contains(abstractSyntax) ? transferSyntaxes : List.of();
      pc.newTransferSyntaxUIDs();
      if (acceptable.isEmpty()) {
        pc.setResultReason((byte) ABSTRACT_SYNTAX_NOT_SUPPORTED);
        continue;
      }
      String chosen = acceptable.stream().filter(offered::contains).findFirst().orElse(null);
      if (chosen == null) {
        pc.setResultReason((byte) TRANSFER_SYNTAXES_NOT_SUPPORTED);
      } else {
        pc.addTransferSyntaxUID(chosen);
        pc.setResultReason((byte) ACCEPTANCE);
      }
    }
    return contexts;
  }
}
