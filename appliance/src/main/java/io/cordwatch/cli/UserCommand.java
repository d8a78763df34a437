package io.cordwatch.cli;

import io.cordwatch.auth.Role;
import io.cordwatch.store.Accounts.UserRow;
import io.cordwatch.store.Index;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cordwatch user add|passwd|disable|enable|list}: local accounts for the status page and the
 * results, managed on the box itself (there is no default account and no way to make one over the
 * network).
 */
@Command(
    name = "user",
    mixinStandardHelpOptions = true,
    description = "Manage local users (roles: facilities, clinician, admin).",
    subcommands = {
      UserCommand.Add.class,
      UserCommand.Passwd.class,
      UserCommand.Disable.class,
      UserCommand.Enable.class,
      UserCommand.ListUsers.class
    })
final class UserCommand implements Runnable {
  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a user.")
  static final class Add implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Option(
        names = "--role",
        required = true,
        description = "facilities (status page), clinician (results), admin (users, settings)")
    String role;

    @Option(names = "--password-stdin", description = "Read the password from standard input")
    boolean passwordStdin;

    @Mixin AccountsOptions where;

    @Override
    public Integer call() throws Exception {
      Role r = Role.parse(role);
      char[] password = PasswordInput.read(name, passwordStdin);
      try {
        where.run(
            a -> a.users().add(name, r, password),
            "user " + name + " added with role " + r.wireName());
      } finally {
        Arrays.fill(password, '\0');
      }
      return 0;
    }
  }

  @Command(
      name = "passwd",
      mixinStandardHelpOptions = true,
      description = "Set a user's password (ends the user's browser sessions).")
  static final class Passwd implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Option(names = "--password-stdin", description = "Read the password from standard input")
    boolean passwordStdin;

    @Mixin AccountsOptions where;

    @Override
    public Integer call() throws Exception {
      char[] password = PasswordInput.read(name, passwordStdin);
      try {
        where.run(
            a -> a.users().setPassword(name, password),
            "password of " + name + " changed; its sessions are ended");
      } finally {
        Arrays.fill(password, '\0');
      }
      return 0;
    }
  }

  @Command(
      name = "disable",
      mixinStandardHelpOptions = true,
      description = "Disable a user (ends its sessions at once).")
  static final class Disable implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Mixin AccountsOptions where;

    @Override
    public Integer call() {
      where.run(a -> a.users().disable(name), "user " + name + " disabled");
      return 0;
    }
  }

  @Command(
      name = "enable",
      mixinStandardHelpOptions = true,
      description = "Enable a disabled user again (with the password it had).")
  static final class Enable implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Mixin AccountsOptions where;

    @Override
    public Integer call() {
      where.run(a -> a.users().enable(name, null), "user " + name + " enabled");
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List users (no secrets).")
  static final class ListUsers implements Callable<Integer> {
    @Mixin AccountsOptions where;

    @Override
    public Integer call() {
      try (Index index = where.open()) {
        var users = AccountsOptions.access(index).users().list();
        if (users.isEmpty()) {
          System.out.println(
              "no users (add the first admin: cordwatch user add NAME --role admin)");
          return 0;
        }
        System.out.printf("%-24s %-11s %-9s %s%n", "NAME", "ROLE", "STATE", "CHANGED");
        for (UserRow u : users) {
          System.out.printf(
              "%-24s %-11s %-9s %s%n",
              u.name(),
              u.role(),
              u.disabled() ? "disabled" : "enabled",
              AccountsOptions.time(u.updatedMs()));
        }
      }
      return 0;
    }
  }
}
