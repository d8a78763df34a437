package io.cordwatch.cli;

import io.cordwatch.app.Appliance;
import io.cordwatch.app.Logging;
import io.cordwatch.app.ServiceNotifier;
import io.cordwatch.config.Keys;
import io.cordwatch.config.Setting;
import io.cordwatch.config.Settings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import picocli.CommandLine.Command;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cordwatch serve}: runs the appliance until interrupted (SIGTERM/SIGINT stop it cleanly).
 *
 * <p>Every setting is a flag of the same name ({@code --dicom-port} is key {@code dicom-port}),
 * added from the declarations in {@link Keys} when picocli builds the command, so a new key has its
 * flag, description and default in {@code --help} without a line here. Flags are taken as text and
 * checked by {@link Settings#load}, exactly as the same value in the config file would be.
 */
@Command(
    name = "serve",
    description = "Run the appliance: DICOM receiver and HTTP API.",
    mixinStandardHelpOptions = true,
    modelTransformer = ServeCommand.SettingFlags.class)
final class ServeCommand implements Callable<Integer> {
  @Option(names = "--config", description = "YAML file with the same keys as the flags")
  Path config;

  @Option(names = "--verbose", description = "Log per-association detail")
  boolean verbose;

  @Spec CommandSpec spec;

  /** Adds one {@code --<key>} option per declared setting. */
  static final class SettingFlags implements IModelTransformer {
    @Override
    public CommandSpec transform(CommandSpec command) {
      for (Setting<?> s : Keys.ALL) {
        OptionSpec.Builder option =
            OptionSpec.builder(s.flag())
                .paramLabel("<" + s.type().replace(' ', '-').replace('/', '|') + ">")
                .description((s.doc() + " (default: " + s.defaultText() + ")").replace("%", "%%"));
        // A list setting may be given more than once (--forward-to A@h:1 --forward-to B@h:2).
        command.addOption(
            s.repeatable()
                ? option.type(String[].class).auxiliaryTypes(String.class).arity("1").build()
                : option.type(String.class).build());
      }
      return command;
    }
  }

  /** The flags given, by setting key (absent flags are not in the map). */
  Map<String, String> overrides() {
    Map<String, String> m = new LinkedHashMap<>();
    for (Setting<?> s : Keys.ALL) {
      Object value = spec.findOption(s.flag()).getValue();
      if (value instanceof String[] values) {
        m.put(s.key(), String.join(",", values));
      } else if (value != null) {
        m.put(s.key(), value.toString());
      }
    }
    return m;
  }

  @Override
  public Integer call() throws InterruptedException, IOException {
    Logging.configure(verbose ? Level.FINE : Level.INFO);
    Settings settings = Settings.load(config, overrides());
    Appliance appliance = Appliance.start(settings, Clock.systemUTC());
    // Under systemd (Type=notify, install/deb/cordwatch.service): ready once the listeners accept,
    // then the watchdog, fed while they stay alive.
    ServiceNotifier service;
    try {
      service =
          ServiceNotifier.fromEnvironment(
              System.getenv(), ProcessHandle.current().pid(), appliance::listenersAlive);
    } catch (IOException e) {
      appliance.close();
      throw e;
    }
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  service.close();
                  appliance.close();
                  stop.countDown();
                }));
    service.ready(
        "DICOM on port " + appliance.dicomPort() + ", HTTP on port " + appliance.httpPort());
    service.startWatchdog();
    stop.await();
    return 0;
  }
}
