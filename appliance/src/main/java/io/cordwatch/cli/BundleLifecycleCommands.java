package io.cordwatch.cli;

import io.cordwatch.app.BundleLifecycle;
import io.cordwatch.config.ConfigException;
import io.cordwatch.config.Settings;
import io.cordwatch.infer.BundleException;
import io.cordwatch.infer.BundleKeys;
import io.cordwatch.infer.BundleSignature;
import io.cordwatch.infer.BundleStore;
import io.cordwatch.store.BundleActivations.Activation;
import io.cordwatch.store.Index;
import io.cordwatch.store.StoreException;
import io.cordwatch.web.BundleControl;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cordwatch bundle keygen|sign|install|list|activate|rollback}: signing bundles and managing
 * the versions installed on an appliance (docs/model-bundle.md, "Signatures" and "Installed
 * versions"). The store commands work on the data directory of {@code --config} (or {@code
 * --data-dir}) whether the appliance runs or not; a running appliance takes an activation up
 * between jobs, within a second, without a restart.
 */
final class BundleLifecycleCommands {
  private BundleLifecycleCommands() {}

  /** Where the store commands find the appliance: its config (data-dir, trusted keys). */
  static final class StoreOptions {
    @Option(
        names = "--config",
        description =
            "The appliance's YAML config (data-dir, bundle-trusted-keys, allow-unsigned-bundles)")
    Path config;

    @Option(names = "--data-dir", description = "The appliance's data directory (default: data)")
    Path dataDir;

    Settings settings() {
      Map<String, String> flags = new HashMap<>();
      if (dataDir != null) {
        flags.put("data-dir", dataDir.toString());
      }
      return Settings.load(config, flags);
    }
  }

  /** Who a change made from the command line is recorded as. */
  static String actor() {
    return "cli (os user " + System.getProperty("user.name", "unknown") + ")";
  }

  interface Work {
    int run(BundleLifecycle life, PrintWriter out);
  }

  /** Opens the index and the store for {@code work}; errors become one line and exit status 1. */
  static int withStore(CommandSpec spec, StoreOptions options, String verb, Work work) {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      Settings settings = options.settings();
      try (Index index = Index.open(settings.dataDir().resolve("index.db"))) {
        return work.run(BundleLifecycle.of(settings, index, Clock.systemUTC()), out);
      }
    } catch (BundleException e) {
      err.println("cordwatch bundle " + verb + ": " + e.getMessage() + " [" + e.code() + "]");
      return 1;
    } catch (ConfigException | StoreException e) {
      err.println("cordwatch bundle " + verb + ": " + e.getMessage());
      return 1;
    } finally {
      out.flush();
      err.flush();
    }
  }

  @Command(
      name = "keygen",
      mixinStandardHelpOptions = true,
      versionProvider = Main.VersionProvider.class,
      description = {
        "Make an Ed25519 key pair for signing bundles: "
            + BundleKeys.PRIVATE_FILE
            + " (PKCS#8 PEM, mode 0600: keep it off the appliance, with whoever releases models)"
            + " and "
            + BundleKeys.PUBLIC_FILE
            + " (goes into each appliance's bundle-trusted-keys folder).",
        "Existing files are never overwritten."
      })
  static final class Keygen implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder.")
    Path out;

    @Override
    public Integer call() {
      PrintWriter o = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      try {
        BundleKeys.Generated g = BundleKeys.generate(out);
        o.println("private key: " + g.privateKey() + " (mode 0600; never copy it to an appliance)");
        o.println("public key:  " + g.publicKey());
        o.println("key id:      " + g.keyId());
        return 0;
      } catch (BundleException e) {
        err.println("cordwatch bundle keygen: " + e.getMessage());
        return 1;
      } finally {
        o.flush();
        err.flush();
      }
    }
  }

  @Command(
      name = "sign",
      mixinStandardHelpOptions = true,
      versionProvider = Main.VersionProvider.class,
      description = {
        "Sign a bundle folder or .zip: checks every file against bundle.json, then writes "
            + BundleSignature.FILE
            + " (an Ed25519 signature over bundle.json's bytes) beside bundle.json, replacing an"
            + " earlier one; a .zip is rewritten with it.",
        "Sign last: a change to bundle.json afterwards (add-localizer, set-confident-high, ...)"
            + " breaks the signature, and appliances refuse the bundle until it is signed again."
      })
  static final class Sign implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "BUNDLE", description = "Bundle folder or .zip.")
    Path bundle;

    @Option(
        names = "--key",
        required = true,
        paramLabel = "PRIVATE.pem",
        description = "Ed25519 private key (from bundle keygen, or openssl genpkey).")
    Path key;

    @Override
    public Integer call() {
      PrintWriter o = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      try {
        BundleSignature.Signed s = BundleSignature.sign(bundle, BundleKeys.readPrivate(key));
        o.println(
            "signed: "
                + s.bundleName()
                + ", bundle.json sha256 "
                + s.manifestSha256()
                + ", key "
                + s.keyId());
        o.println("written: " + s.written());
        return 0;
      } catch (BundleException e) {
        err.println("cordwatch bundle sign: " + e.getMessage() + " [" + e.code() + "]");
        return 1;
      } finally {
        o.flush();
        err.flush();
      }
    }
  }

  @Command(
      name = "install",
      mixinStandardHelpOptions = true,
      versionProvider = Main.VersionProvider.class,
      description = {
        "Copy a bundle folder or .zip into the appliance's bundle store (DATA/bundles/NAME-SHA12),"
            + " after the signature check of the config (bundle-trusted-keys,"
            + " allow-unsigned-bundles). It does not become active: see bundle activate.",
        "Exit status 0 when installed (or already there), 1 when refused."
      })
  static final class Install implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOptions options;

    @Parameters(paramLabel = "BUNDLE", description = "Bundle folder or .zip.")
    Path source;

    @Override
    public Integer call() {
      return withStore(
          spec,
          options,
          "install",
          (life, out) -> {
            BundleStore.Installed i = life.install(source, actor());
            out.println(
                (i.added() ? "installed: " : "already installed: ")
                    + i.id()
                    + " ("
                    + i.bundle().signature().describe()
                    + ")");
            out.println("activate it with: cordwatch bundle activate " + i.id());
            return 0;
          });
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      versionProvider = Main.VersionProvider.class,
      description =
          "List the installed bundle versions: the active one marked *, the one in shadow S, who"
              + " signed each, and why one would be refused now.")
  static final class ListCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOptions options;

    @Override
    public Integer call() {
      return withStore(
          spec,
          options,
          "list",
          (life, out) -> {
            List<BundleLifecycle.Entry> entries = life.entries();
            if (entries.isEmpty()) {
              out.println("no bundle installed in " + life.store().root());
            }
            for (BundleLifecycle.Entry e : entries) {
              out.println(
                  (e.active() ? "* " : e.shadow() ? "S " : "  ")
                      + e.id()
                      + "  "
                      + (e.signature() == null ? "?" : e.signature().describe())
                      + (e.bundle() == null
                          ? ""
                          : "  clinical_use=" + e.bundle().provenance().clinicalUse())
                      + (e.problem() == null ? "" : "  REFUSED: " + e.problem()));
            }
            life.shadowId()
                .ifPresent(
                    id ->
                        out.println(
                            "in shadow (S): "
                                + id
                                + ", "
                                + life.shadow().series()
                                + " series graded in shadow (bundle shadow-report compares)"));
            for (Activation a : life.history(5)) {
              out.println(
                  "activated "
                      + a.bundleId()
                      + " at "
                      + Instant.ofEpochMilli(a.atMs())
                      + " by "
                      + a.actor()
                      + " ("
                      + a.how()
                      + (a.previousId() == null ? "" : ", was " + a.previousId())
                      + ")");
            }
            return 0;
          });
    }
  }

  @Command(
      name = "activate",
      mixinStandardHelpOptions = true,
      versionProvider = Main.VersionProvider.class,
      description = {
        "Make an installed version the active one. A running appliance grades the next series"
            + " with it (within a second, no restart); a series being graded finishes on the one"
            + " before. Recorded with an audit row.",
        "A bundle setting in the config still decides what starts active at the next start."
      })
  static final class Activate implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOptions options;

    @Parameters(paramLabel = "ID", description = "Installed version (bundle list).")
    String id;

    @Override
    public Integer call() {
      return withStore(
          spec,
          options,
          "activate",
          (life, out) -> report(out, life.activateChecked(id, actor(), "activate")));
    }
  }

  @Command(
      name = "rollback",
      mixinStandardHelpOptions = true,
      versionProvider = Main.VersionProvider.class,
      description =
          "Make the version that was active before the current one active again (a second"
              + " rollback undoes the first). Like activate, without a restart.")
  static final class Rollback implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin StoreOptions options;

    @Override
    public Integer call() {
      return withStore(
          spec, options, "rollback", (life, out) -> report(out, life.rollbackChecked(actor())));
    }
  }

  private static int report(PrintWriter out, BundleControl.Switched s) {
    if (!s.changed()) {
      out.println(s.to() + " is already the active bundle");
    } else {
      out.println(
          "active: "
              + s.to()
              + (s.from() == null ? "" : " (was " + s.from() + ")")
              + "; a running appliance grades the next series with it");
    }
    return 0;
  }
}
