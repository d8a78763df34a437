package io.cordwatch.tls;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * What a handshake may negotiate, after BCP 195 (RFC 9325) as DICOM PS3.15 B.9 and B.10 ask of a
 * secure transport connection: TLS 1.3, or TLS 1.2 with forward secrecy and authenticated
 * encryption; never SSL, TLS 1.0 or 1.1.
 *
 * <p>The TLS 1.2 list is narrower than RFC 9325 allows: ECDHE key exchange with AES-GCM only, so no
 * finite-field DHE (whose group size the client cannot check), no CBC mode (Lucky 13 and its kin),
 * no RC4, 3DES, NULL or anonymous suite. Every TLS 1.2 client DCMTK's BCP 195 profiles produce
 * offers one of them. TLS 1.3 defines only AEAD suites and all three are allowed. The lists are in
 * our order of preference and the server's order wins, so a client that can do TLS 1.3 gets it, and
 * AES-256 beats AES-128.
 */
public final class Bcp195 {
  private Bcp195() {}

  /** The protocol versions allowed, preferred first. */
  public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  private static final List<String> PREFERRED_SUITES =
      List.of(
          "TLS_AES_256_GCM_SHA384",
          "TLS_AES_128_GCM_SHA256",
          "TLS_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");

  private static final Set<String> TLS13_SUITES =
      Set.of("TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256");

  /**
   * The suites allowed for {@code protocols} that the JDK supports ({@code supported}), preferred
   * first.
   *
   * @throws TlsSetupException when none is left (a JDK stripped of the algorithms)
   */
  public static String[] suites(List<String> protocols, String[] supported) {
    Set<String> have = Set.copyOf(Arrays.asList(supported));
    List<String> out = new ArrayList<>();
    for (String s : PREFERRED_SUITES) {
      boolean tls13 = TLS13_SUITES.contains(s);
      boolean wanted = tls13 ? protocols.contains("TLSv1.3") : protocols.contains("TLSv1.2");
      if (wanted && have.contains(s)) {
        out.add(s);
      }
    }
    if (out.isEmpty()) {
      throw new TlsSetupException(
          "this JDK supports none of the BCP 195 cipher suites " + PREFERRED_SUITES);
    }
    return out.toArray(String[]::new);
  }

  /**
   * The protocols of {@code wanted} in our order of preference.
   *
   * @throws TlsSetupException when {@code wanted} is empty or names anything but TLSv1.2 and
   *     TLSv1.3
   */
  public static String[] protocols(List<String> wanted, String key) {
    for (String p : wanted) {
      if (!PROTOCOLS.contains(p)) {
        throw new TlsSetupException(
            key + ": '" + p + "' is not allowed (BCP 195: TLSv1.3 and TLSv1.2 only)");
      }
    }
    List<String> out = PROTOCOLS.stream().filter(wanted::contains).toList();
    if (out.isEmpty()) {
      throw new TlsSetupException(key + ": name TLSv1.3, TLSv1.2 or both");
    }
    return out.toArray(String[]::new);
  }
}
