package io.cordwatch.publish;

/**
 * A coded concept (PS3.3 8.8): value, the designator of the coding scheme it belongs to, and its
 * meaning. Code values stay within 16 characters, so every code here fits Code Value (SH) and no
 * Long Code Value is needed.
 */
record Code(String value, String scheme, String meaning) {
  Code {
    if (value.isEmpty() || value.length() > 16) {
      throw new IllegalArgumentException("code value must be 1-16 characters: " + value);
    }
  }

  static Code dcm(String value, String meaning) {
    return new Code(value, "DCM", meaning);
  }

  static Code local(String value, String meaning) {
    return new Code(value, Codes.LOCAL_SCHEME, meaning);
  }
}
