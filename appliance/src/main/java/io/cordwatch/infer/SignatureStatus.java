package io.cordwatch.infer;

/**
 * What a bundle's signature said when it was loaded (docs/model-bundle.md, "Signatures").
 *
 * @param state the outcome
 * @param keyId the signing key's id (SHA-256 of its public key, hex), null when unsigned
 * @param keyName the trusted key's file name, null unless {@link State#SIGNED}
 */
public record SignatureStatus(State state, String keyId, String keyName) {
  /** The outcomes of a check that let the bundle run; a bad signature never does. */
  public enum State {
    /** Signed by a trusted key, and the signature matches bundle.json. */
    SIGNED,
    /** No signature, run because {@code allow-unsigned-bundles} is true. */
    UNSIGNED,
    /**
     * A valid signature by a key that is not trusted, run as unsigned because {@code
     * allow-unsigned-bundles} is true.
     */
    UNTRUSTED,
    /** Loaded without a trust check ({@link Bundles#load(java.nio.file.Path)}: tools, tests). */
    NOT_CHECKED
  }

  /** A bundle loaded without looking at its signature. */
  public static final SignatureStatus NOT_CHECKED =
      new SignatureStatus(State.NOT_CHECKED, null, null);

  /** An unsigned bundle let in by the setting. */
  public static final SignatureStatus UNSIGNED = new SignatureStatus(State.UNSIGNED, null, null);

  /** Whether a trusted key vouches for the bundle. */
  public boolean trusted() {
    return state == State.SIGNED;
  }

  /** One phrase for logs, pages and {@code bundle list}. */
  public String describe() {
    return switch (state) {
      case SIGNED -> "signed by key " + BundleKeys.shortId(keyId) + " (" + keyName + ")";
      case UNSIGNED -> "UNSIGNED";
      case UNTRUSTED ->
          "UNSIGNED (signed by key " + BundleKeys.shortId(keyId) + ", which is not trusted here)";
      case NOT_CHECKED -> "signature not checked";
    };
  }
}
