package io.cordwatch.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A new password: typed twice at the console without echo, or one line on standard input ({@code
 * --password-stdin}, for scripts). Never a command-line argument, which other users of the machine
 * can read in the process list.
 */
final class PasswordInput {
  private PasswordInput() {}

  static char[] read(String user, boolean fromStdin) throws IOException {
    if (fromStdin) {
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line = in.readLine();
      if (line == null) {
        throw new IllegalArgumentException("--password-stdin: standard input was empty");
      }
      return line.toCharArray();
    }
    Console console = System.console();
    if (console == null) {
      throw new IllegalArgumentException(
          "no console to read the password from; pipe it in with --password-stdin");
    }
    char[] first = console.readPassword("New password for %s: ", user);
    char[] second = console.readPassword("Again: ");
    if (first == null || second == null || !Arrays.equals(first, second)) {
      throw new IllegalArgumentException("the two passwords differ; nothing was changed");
    }
    Arrays.fill(second, '\0');
    return first;
  }
}
