package io.cordwatch.publish;

/**
 * A results document written to the outbox folder, ready to be queued for each destination.
 *
 * @param kind what it is
 * @param sopInstanceUid its SOP Instance UID (stable per verdict)
 * @param path its file, relative to the data directory
 */
public record PreparedDocument(DocumentKind kind, String sopInstanceUid, String path) {
  public String sopClassUid() {
    return kind.sopClassUid();
  }
}
