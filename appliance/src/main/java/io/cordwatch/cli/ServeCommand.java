package io.cordwatch.cli;

import picocli.CommandLine.Command;

/** {@code cordwatch serve}: runs the appliance until interrupted. */
@Command(name = "serve", description = "Run the appliance (DICOM receiver + HTTP).")
final class ServeCommand implements Runnable {
  @Override
  public void run() {
    throw new UnsupportedOperationException("serve is not built yet");
  }
}
