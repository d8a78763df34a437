package io.cordwatch.publish;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Posts webhook alerts: the body as queued, with {@value #SIGNATURE_HEADER}: {@code sha256=} and
 * the hex HMAC-SHA256 of the exact body bytes under the shared key, so the receiver can check that
 * the alert is ours and unchanged. Any 2xx answer is delivered; anything else is retried by the
 * outbox.
 */
final class WebhookClient {
  static final String SIGNATURE_HEADER = "X-CordWatch-Signature";
  static final String EVENT_HEADER = "X-CordWatch-Event-Id";

  private final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(10))
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();
  private final byte[] key;
  private final Duration timeout;

  WebhookClient(byte[] key, Duration timeout) {
    this.key = key.clone();
    this.timeout = timeout;
  }

  /** The signature header's value for {@code body} under {@code key}. */
  static String signature(byte[] key, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HMAC-SHA256 is required by every JDK", e);
    }
  }

  /** Posts the file's bytes to {@code url}; the outcome as the C-STORE sender reports it. */
  StoreScu.Outcome post(String url, String eventId, Path body) {
    if (key.length == 0) {
      return new StoreScu.Outcome(false, "no alert-key-file is configured to sign alerts");
    }
    try {
      byte[] bytes = Files.readAllBytes(body);
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(url))
              .timeout(timeout)
              .header("Content-Type", "application/json")
              .header(SIGNATURE_HEADER, signature(key, bytes))
              .header(EVENT_HEADER, eventId)
              .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
              .build();
      HttpResponse<Void> r = http.send(request, HttpResponse.BodyHandlers.discarding());
      return r.statusCode() / 100 == 2
          ? new StoreScu.Outcome(true, null)
          : new StoreScu.Outcome(false, "the webhook answered HTTP " + r.statusCode());
    } catch (IOException | IllegalArgumentException e) {
      return new StoreScu.Outcome(
          false, "webhook not reached: " + e.getClass().getSimpleName() + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new StoreScu.Outcome(false, "interrupted");
    }
  }
}
