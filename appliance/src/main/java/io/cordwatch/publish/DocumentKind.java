package io.cordwatch.publish;

/** The results documents built for a verdict, with their SOP classes. */
public enum DocumentKind {
  /** Comprehensive 3D SR holding the TID 1500 measurement report. */
  SR("sr", "1.2.840.10008.5.1.4.1.1.88.34", "SR", 9901),
  /** Key Object Selection Document (TID 2010) naming the key images. */
  KOS("kos", "1.2.840.10008.5.1.4.1.1.88.59", "KO", 9902),
  /**
   * Secondary Capture Image Storage: a key slice with its canal box and grade burned in, one
   * document per key slice (only with {@code publish-secondary-capture} on).
   */
  SC("sc", "1.2.840.10008.5.1.4.1.1.7", "OT", 9903),
  /** A webhook alert (JSON) about a high-grade or indeterminate verdict; not DICOM. */
  ALERT("alert", null, null, 0);

  private final String id;
  private final String sopClassUid;
  private final String modality;
  private final int seriesNumber;

  DocumentKind(String id, String sopClassUid, String modality, int seriesNumber) {
    this.id = id;
    this.sopClassUid = sopClassUid;
    this.modality = modality;
    this.seriesNumber = seriesNumber;
  }

  /** The kind as stored in the outbox. */
  public String id() {
    return id;
  }

  /** The SOP Class UID; null for an alert. */
  public String sopClassUid() {
    return sopClassUid;
  }

  String modality() {
    return modality;
  }

  int seriesNumber() {
    return seriesNumber;
  }
}
