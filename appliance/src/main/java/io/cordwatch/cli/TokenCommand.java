package io.cordwatch.cli;

import io.cordwatch.auth.Scope;
import io.cordwatch.store.Accounts.TokenRow;
import io.cordwatch.store.Index;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cordwatch token add|list|revoke}: one API token per machine client, with a scope. The
 * token is printed once, alone on standard output (so {@code > file} captures just it); the
 * appliance keeps only its SHA-256.
 */
@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = "Manage API tokens for machine clients (scopes: read, write).",
    subcommands = {
      TokenCommand.Add.class,
      TokenCommand.ListTokens.class,
      TokenCommand.Revoke.class
    })
final class TokenCommand implements Runnable {
  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description = "Make a token and print it (once: it cannot be shown again).")
  static final class Add implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME", description = "Who uses it, e.g. pacs-bridge")
    String name;

    @Option(
        names = "--scope",
        required = true,
        description = "read (results) or write (results and changes such as canal boxes)")
    String scope;

    @Mixin AccountsOptions where;

    @Override
    public Integer call() {
      Scope s = Scope.parse(scope);
      String token;
      token = where.apply(a -> a.tokens().add(name, s));
      System.out.println(token);
      System.err.println(
          "token "
              + name
              + " ("
              + s.wireName()
              + ") made; it is shown only now. The client sends it as 'Authorization: Bearer"
              + " TOKEN'.");
      return 0;
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List tokens (no secrets).")
  static final class ListTokens implements Callable<Integer> {
    @Mixin AccountsOptions where;

    @Override
    public Integer call() {
      try (Index index = where.open()) {
        var tokens = AccountsOptions.access(index).tokens().list();
        if (tokens.isEmpty()) {
          System.out.println("no tokens (make one: cordwatch token add NAME --scope read)");
          return 0;
        }
        System.out.printf("%-24s %-6s %-25s %s%n", "NAME", "SCOPE", "CREATED", "LAST USED");
        for (TokenRow t : tokens) {
          System.out.printf(
              "%-24s %-6s %-25s %s%n",
              t.name(),
              t.scope(),
              AccountsOptions.time(t.createdMs()),
              AccountsOptions.time(t.lastUsedMs()));
        }
      }
      return 0;
    }
  }

  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description = "Revoke a token (refused from its next request on).")
  static final class Revoke implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Mixin AccountsOptions where;

    @Override
    public Integer call() {
      where.run(a -> a.tokens().revoke(name), "token " + name + " revoked");
      return 0;
    }
  }
}
