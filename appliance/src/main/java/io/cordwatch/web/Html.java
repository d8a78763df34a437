package io.cordwatch.web;

/**
 * The pages' HTML. Markup goes in through {@code raw}, everything else through {@code text}, which
 * escapes; the two names make an unescaped value stand out in review.
 */
final class Html {
  /** The one stylesheet (inline styles and scripts are refused by the Content-Security-Policy). */
  static final String STYLESHEET = "/static/cordwatch.css";

  private final StringBuilder out = new StringBuilder(8192);

  /** Opens a page: doctype, head with the title and stylesheet (plus {@code extraHead}), body. */
  static Html page(String title, String extraHead) {
    Html h = new Html();
    h.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.raw(extraHead);
    h.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    h.raw("<title>").text(title).raw("</title>\n");
    h.raw("<link rel=\"stylesheet\" href=\"" + STYLESHEET + "\">\n</head>\n<body>\n");
    return h;
  }

  /** A hidden form field with the session's CSRF token. */
  Html csrfField(String token) {
    return raw("<input type=\"hidden\" name=\"" + Guard.CSRF_FIELD + "\" value=\"")
        .text(token)
        .raw("\">");
  }

  Html raw(String markup) {
    out.append(markup);
    return this;
  }

  Html text(String s) {
    if (s == null) {
      return this;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return this;
  }

  @Override
  public String toString() {
    return out.toString();
  }
}
