package io.cordwatch.trainer.cli;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** Lets a training loop print to picocli's error writer (tests capture it), a line at a time. */
final class WriterStream extends OutputStream {
  private final PrintWriter w;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();

  WriterStream(PrintWriter w) {
    this.w = w;
  }

  @Override
  public void write(int b) {
    line.write(b);
    if (b == '\n') {
      flush();
    }
  }

  @Override
  public void flush() {
    w.print(line.toString(StandardCharsets.UTF_8));
    w.flush();
    line.reset();
  }
}
