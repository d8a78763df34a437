package io.cordwatch.web;

import io.helidon.http.HttpException;
import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a request's body for the routes that take one (canal boxes, the bundle routes, the forms).
 * Helidon decodes the body's framing while it is read, and a body that breaks off before its
 * Content-Length or its last chunk, or a chunk size that is not hexadecimal, surfaces here as an
 * unchecked exception of Helidon's own ({@code DataReader.InsufficientDataAvailableException},
 * {@code NumberFormatException}); left alone it reached {@link Replies#failed} as an unexpected
 * fault, answered 500 and logged SEVERE (found by {@code cordwatch fuzz --target http}). It is the
 * client's malformed request: 400. Helidon's own HTTP answers (413 for a body over the listener's
 * limit) pass through unchanged.
 */
final class RequestBody {
  private RequestBody() {}

  /** At most {@code max} bytes of the body (the caller tells a longer one by asking one more). */
  static byte[] read(ServerRequest req, int max) throws IOException {
    try (InputStream in = req.content().inputStream()) {
      return in.readNBytes(max);
    } catch (HttpException | WebException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new WebException(
          WebException.Code.BAD_REQUEST,
          "the request body is malformed: it ends before its declared length or last chunk, or a"
              + " chunk size is not hexadecimal");
    }
  }

  /** The whole body (the listener caps its size). */
  static byte[] read(ServerRequest req) throws IOException {
    return read(req, Integer.MAX_VALUE);
  }
}
