package io.cordwatch.web;

import io.helidon.common.media.type.MediaTypes;
import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An {@code application/x-www-form-urlencoded} body (the login and logout forms), read once and
 * kept in the request's context: the {@link Guard} reads the CSRF field from it and the handler the
 * rest. Forms here are a few fields, so the body is capped well below the listener's limit.
 */
final class Form {
  static final int MAX_BYTES = 16 * 1024;

  private final Map<String, String> fields;

  private Form(Map<String, String> fields) {
    this.fields = fields;
  }

  static boolean isForm(ServerRequest req) {
    return req.headers()
        .contentType()
        .map(t -> t.mediaType().equals(MediaTypes.APPLICATION_FORM_URLENCODED))
        .orElse(false);
  }

  /** The request's form (read now, or as read before); an empty form when the body is not one. */
  static Form of(ServerRequest req) {
    Optional<Form> seen = req.context().get(Form.class);
    if (seen.isPresent()) {
      return seen.get();
    }
    Form form = isForm(req) ? parse(read(req)) : new Form(Map.of());
    req.context().register(form);
    return form;
  }

  /** The first value of a field, or null. */
  String get(String name) {
    return fields.get(name);
  }

  private static String read(ServerRequest req) {
    try {
      byte[] body = RequestBody.read(req, MAX_BYTES + 1);
      if (body.length > MAX_BYTES) {
        throw new WebException(
            WebException.Code.PAYLOAD_TOO_LARGE, "a form may have at most " + MAX_BYTES + " bytes");
      }
      return new String(body, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Form parse(String body) {
    Map<String, String> fields = new HashMap<>();
    for (String pair : body.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      try {
        String name =
            URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String value =
            eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        fields.putIfAbsent(name, value);
      } catch (IllegalArgumentException e) {
        throw new WebException(WebException.Code.BAD_REQUEST, "the form is not URL-encoded");
      }
    }
    return new Form(fields);
  }
}
