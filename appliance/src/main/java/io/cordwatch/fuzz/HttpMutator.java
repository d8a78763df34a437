package io.cordwatch.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Damages a seed request ({@link HttpRequests.Request}) where HTTP servers and their handlers go
 * wrong: the method, the path (encodings, traversal, length), the query (the parameters the routes
 * read, with values out of range or of the wrong type), the credentials (a token or session cookie
 * that is almost right, repeated, or of another scheme), the Host header, the framing of the body
 * (a Content-Length that lies or is not a number, chunked encoding that breaks off or overruns,
 * both at once), the JSON or form body, malformed header lines, the protocol version, and finally
 * bytes of the rendered request. The result is rendered bytes, placeholders still in ({@link
 * HttpRequests#bind}).
 */
final class HttpMutator {
  /** What one mutation did, for the report. */
  enum Kind {
    METHOD,
    PATH,
    QUERY,
    AUTHORIZATION,
    COOKIE,
    HOST,
    CONTENT_LENGTH,
    CHUNKED,
    BODY,
    HEADER_LINE,
    VERSION,
    PIPELINE,
    BYTES
  }

  private static final String[] METHODS = {
    "GET",
    "POST",
    "PUT",
    "DELETE",
    "HEAD",
    "OPTIONS",
    "PATCH",
    "TRACE",
    "CONNECT",
    "get",
    "PRI",
    "G\tET",
    "",
    "X".repeat(300),
    "GET /"
  };

  private static final String[] PATH_PIECES = {
    "/..",
    "/../..",
    "/%2e%2e/",
    "%00",
    "%2F",
    "%",
    "%ZZ",
    "//",
    "/./",
    ";x=1",
    "/\u00e9",
    "%C0%AF",
    "/" + HttpRequests.STUDY,
    "/" + HttpRequests.SOP,
    "/boxes",
    "/reviews",
    "/key-images/",
    "/slices/",
    "/.",
    " ",
    "\t",
    "#frag",
    "?",
    "/%ff%fe",
    "/" + "a".repeat(5000),
    "/@STUDY@x",
    "/*"
  };

  private static final String[] QUERY_VALUES = {
    "",
    "-1",
    "0",
    "1",
    "2147483648",
    "99999999999999999999",
    "1e9",
    "abc",
    "%",
    "%00",
    "%zz",
    "//evil.example/",
    "http://evil.example/",
    "/admin",
    "\u00e9",
    "1,2",
    "[]",
    "a".repeat(9000)
  };

  private static final String[] QUERY_NAMES = {
    "limit", "state", "next", "frame", "done", "user", "since", "x", "", "limit[]"
  };

  private final Random random;

  HttpMutator(Random random) {
    this.random = random;
  }

  /** One to three mutations of {@code seed}, rendered. */
  Mutator.Mutant<Kind> mutate(HttpRequests.Request seed) {
    HttpRequests.Request r = seed;
    List<Kind> kinds = new ArrayList<>();
    int n = 1 + random.nextInt(3);
    byte[] tail = null;
    boolean bytes = false;
    boolean pipeline = false;
    for (int i = 0; i < n; i++) {
      Kind k = Kind.values()[random.nextInt(Kind.values().length)];
      kinds.add(k);
      switch (k) {
        case METHOD -> r = r.with(pick(METHODS), r.target(), r.version());
        case PATH -> r = r.with(r.method(), path(r.target()), r.version());
        case QUERY -> r = r.with(r.method(), query(r.target()), r.version());
        case AUTHORIZATION -> r = r.withHeaders(authorization(r.headers()), r.contentLength());
        case COOKIE -> r = r.withHeaders(cookie(r.headers()), r.contentLength());
        case HOST -> r = r.withHeaders(host(r.headers()), r.contentLength());
        case CONTENT_LENGTH -> r = contentLength(r);
        case CHUNKED -> r = chunked(r);
        case BODY -> r = r.withBody(body(r.body()));
        case HEADER_LINE -> r = r.withHeaders(headerLine(r.headers()), r.contentLength());
        case VERSION ->
            r =
                r.with(
                    r.method(),
                    r.target(),
                    pick(
                        new String[] {
                          "HTTP/1.0",
                          "HTTP/2.0",
                          "HTTP/1.1x",
                          "",
                          "HTTP/9.9",
                          "http/1.1",
                          "HTTP/1.1 "
                        }));
        case PIPELINE -> pipeline = true;
        case BYTES -> bytes = true;
      }
    }
    byte[] out = r.render();
    if (pipeline) {
      tail = random.nextBoolean() ? out : seed.render();
      out = concat(out, tail);
    }
    if (bytes) {
      out = bytes(out);
    }
    return new Mutator.Mutant<>(out, List.copyOf(kinds));
  }

  private String pick(String[] a) {
    return a[random.nextInt(a.length)];
  }

  private String path(String target) {
    int q = target.indexOf('?');
    String path = q < 0 ? target : target.substring(0, q);
    String query = q < 0 ? "" : target.substring(q);
    switch (random.nextInt(4)) {
      case 0 -> path = path + pick(PATH_PIECES);
      case 1 -> {
        int at = random.nextInt(path.length() + 1);
        path = path.substring(0, at) + pick(PATH_PIECES) + path.substring(at);
      }
      case 2 -> {
        String[] absolute = {"http://evil.example", "http://127.0.0.1", "*", "", "//x"};
        path = pick(absolute) + path;
      }
      default -> path = path.toUpperCase(java.util.Locale.ROOT);
    }
    return path + query;
  }

  private String query(String target) {
    StringBuilder s = new StringBuilder(target);
    s.append(target.contains("?") ? "&" : "?");
    int params = random.nextInt(20) == 0 ? 500 : 1 + random.nextInt(3);
    for (int i = 0; i < params; i++) {
      if (i > 0) {
        s.append(random.nextInt(8) == 0 ? "&&" : "&");
      }
      s.append(pick(QUERY_NAMES));
      if (random.nextInt(6) != 0) {
        s.append('=').append(pick(QUERY_VALUES));
      }
    }
    return s.toString();
  }

  private List<String[]> replace(List<String[]> headers, String name, List<String> values) {
    List<String[]> out = new ArrayList<>();
    for (String[] h : headers) {
      if (!h[0].equalsIgnoreCase(name)) {
        out.add(h);
      }
    }
    for (String v : values) {
      out.add(random.nextInt(out.size() + 1), new String[] {name, v});
    }
    return out;
  }

  private List<String[]> authorization(List<String[]> headers) {
    String t = HttpRequests.TOKEN;
    String[] values = {
      "Bearer " + t,
      "Bearer " + t + "x",
      "Bearer x" + t,
      "Bearer " + t.substring(0, 3),
      "Bearer",
      "Bearer ",
      "bearer " + t,
      "Bearer  " + t,
      "Basic Zm9vOmJhcg==",
      "Basic " + t,
      "Digest username=\"x\"",
      "Bearer " + "A".repeat(20_000),
      "Bearer \u00e9\u00e9",
      "Bearer " + t + ", Bearer " + t,
      ""
    };
    List<String> v = new ArrayList<>();
    int n = random.nextInt(6) == 0 ? 2 : random.nextInt(10) == 0 ? 0 : 1;
    for (int i = 0; i < n; i++) {
      v.add(pick(values));
    }
    return replace(headers, "Authorization", v);
  }

  private List<String[]> cookie(List<String[]> headers) {
    String c = HttpRequests.COOKIE;
    String[] values = {
      "cordwatch_session=" + c,
      "cordwatch_session=" + c + "x",
      "cordwatch_session=x" + c,
      "cordwatch_session=",
      "cordwatch_session",
      "cordwatch_session=\"" + c + "\"",
      "cordwatch_session=a; cordwatch_session=" + c,
      "cordwatch_session=" + c + "; cordwatch_session=b",
      "other=1; cordwatch_session=" + "z".repeat(10_000),
      "=; ;;; =x",
      "CORDWATCH_SESSION=" + c
    };
    List<String[]> h =
        replace(headers, "Cookie", random.nextInt(10) == 0 ? List.of() : List.of(pick(values)));
    if (random.nextBoolean()) {
      String[] csrf = {HttpRequests.CSRF, HttpRequests.CSRF + "x", "", "x"};
      h = replace(h, "X-CSRF-Token", random.nextInt(4) == 0 ? List.of() : List.of(pick(csrf)));
    }
    return h;
  }

  private List<String[]> host(List<String[]> headers) {
    String[] values = {
      "127.0.0.1",
      "evil.example",
      "127.0.0.1:1",
      "[::1]",
      "",
      "localhost",
      "127.0.0.1.",
      "a b",
      "h".repeat(5000),
      "127.0.0.1@evil.example"
    };
    int n = random.nextInt(5) == 0 ? 2 : random.nextInt(5) == 0 ? 0 : 1;
    List<String> v = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      v.add(pick(values));
    }
    return replace(headers, "Host", v);
  }

  private HttpRequests.Request contentLength(HttpRequests.Request r) {
    int len = r.body().length;
    String[] values = {
      Integer.toString(len + 1 + random.nextInt(100)),
      Integer.toString(Math.max(0, len - 1 - random.nextInt(Math.max(1, len)))),
      "-1",
      "abc",
      "99999999999999999999",
      Long.toString(3L << 20),
      "+" + len,
      " " + len,
      "0x10",
      "",
      len + ", " + len
    };
    List<String> v = new ArrayList<>();
    v.add(pick(values));
    if (random.nextInt(4) == 0) {
      v.add(pick(values));
    }
    return r.withHeaders(replace(r.headers(), "Content-Length", v), false);
  }

  private HttpRequests.Request chunked(HttpRequests.Request r) {
    byte[] body = r.body();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int at = 0;
    while (at < body.length) {
      int n = Math.min(body.length - at, 1 + random.nextInt(64));
      String size = Integer.toHexString(n);
      switch (random.nextInt(12)) {
        case 0 -> size = "zz";
        case 1 -> size = Integer.toHexString(n + 50);
        case 2 -> size = size + ";ext=1";
        case 3 -> size = "ffffffffffffffff";
        default -> {
          // a well-formed chunk
        }
      }
      out.writeBytes(HttpRequests.latin1(size + "\r\n"));
      out.write(body, at, n);
      out.writeBytes(HttpRequests.latin1("\r\n"));
      at += n;
    }
    switch (random.nextInt(4)) {
      case 0 -> {
        // no last chunk: the body breaks off
      }
      case 1 -> out.writeBytes(HttpRequests.latin1("0\r\nX-Trailer: 1\r\n\r\n"));
      default -> out.writeBytes(HttpRequests.latin1("0\r\n\r\n"));
    }
    String[] te = {
      "chunked", "chunked", "gzip, chunked", "chunked, chunked", "Chunked", " chunked"
    };
    List<String[]> h = replace(r.headers(), "Transfer-Encoding", List.of(pick(te)));
    boolean alsoLength = random.nextInt(4) == 0;
    if (alsoLength) {
      h = replace(h, "Content-Length", List.of(Integer.toString(body.length)));
    }
    return new HttpRequests.Request(
        r.route(), r.method(), r.target(), r.version(), h, out.toByteArray(), false);
  }

  private byte[] body(byte[] body) {
    String sop = HttpRequests.SOP;
    String[] values = {
      "[".repeat(5000),
      "{\"a\":".repeat(3000),
      "[{\"sop_instance_uid\": \"" + sop + "\", \"x0\": 1e999, \"y0\": -1, \"x1\": 2, \"y1\": 3}]",
      "[{\"sop_instance_uid\": \""
          + sop
          + "\", \"frame\": 99999999999, \"x0\": 1, \"y0\": 1,"
          + " \"x1\": 2, \"y1\": 3}]",
      "[{\"sop_instance_uid\": null, \"x0\": \"1\", \"y0\": [], \"x1\": {}, \"y1\": true}]",
      "[{\"sop_instance_uid\": \"" + sop + "\", \"x0\": 30, \"y0\": 40, \"x1\": 10, \"y1\": 12}]",
      "[{\"sop_instance_uid\": \"\\ud800\", \"x0\": 1, \"y0\": 1, \"x1\": 2, \"y1\": 3}]",
      "{\"id\": null}",
      "{\"id\": \"../../etc/passwd\"}",
      "{\"id\": [1, 2]}",
      "{}",
      "[]",
      "null",
      "",
      "{\"id\": \"x\"",
      "\u00ff\u00fe\u0000\u0001",
      "name=&password=&next=//evil.example",
      "csrf=" + HttpRequests.CSRF + "&decision=correct&grade=9&frame=-1&sop=" + sop,
      "csrf=" + HttpRequests.CSRF + "&decision=&grade=&frame=abc",
      "a=%&b=%zz&%=%",
      "filename,width\n" + "x,1\n".repeat(2000),
      "["
          + ("{\"sop_instance_uid\": \"" + sop + "\", \"x0\": 1, \"y0\": 1, \"x1\": 2, \"y1\": 3},")
              .repeat(2000)
          + "{}]"
    };
    if (body.length > 0 && random.nextInt(3) == 0) {
      byte[] b = body.clone();
      for (int i = 0; i < 1 + random.nextInt(4); i++) {
        b[random.nextInt(b.length)] = (byte) random.nextInt(256);
      }
      return random.nextBoolean() ? b : Arrays.copyOf(b, random.nextInt(b.length));
    }
    return pick(values).getBytes(StandardCharsets.ISO_8859_1);
  }

  private List<String[]> headerLine(List<String[]> headers) {
    List<String[]> out = new ArrayList<>(headers);
    String[][] lines = {
      {"NoColon", "x\r\nBroken line without a colon"},
      {"X-Folded", "a\r\n  folded continuation"},
      {"Bad Name", "x"},
      {"X-Nul", "a\u0000b"},
      {"X-Long", "v".repeat(70_000)},
      {"", "empty name"},
      {"X-Bare-Lf", "a\nX-Other: b"},
      {"Expect", "100-continue"},
      {"Content-Type", "application/json; charset=\u00e9"},
      {"Content-Type", ""},
      {"Accept", "text/event-stream"},
      {"Upgrade", "h2c"},
      {"Origin", "http://evil.example"},
      {"Sec-Fetch-Site", "cross-site"},
      {"X-Forwarded-For", "1.2.3.4"}
    };
    if (random.nextInt(10) == 0) {
      for (int i = 0; i < 300; i++) {
        out.add(new String[] {"X-Many-" + i, "v"});
      }
    } else {
      String[] l = lines[random.nextInt(lines.length)];
      out.add(random.nextInt(out.size() + 1), l);
    }
    return out;
  }

  private byte[] bytes(byte[] b) {
    if (b.length == 0) {
      return b;
    }
    byte[] out = b.clone();
    switch (random.nextInt(3)) {
      case 0 -> {
        for (int i = 0; i < 1 + random.nextInt(8); i++) {
          out[random.nextInt(out.length)] ^= (byte) (1 << random.nextInt(8));
        }
      }
      case 1 -> out = Arrays.copyOf(out, random.nextInt(out.length));
      default -> {
        int at = random.nextInt(out.length);
        Arrays.fill(
            out, at, Math.min(out.length, at + 1 + random.nextInt(16)), (byte) random.nextInt(256));
      }
    }
    return out;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
