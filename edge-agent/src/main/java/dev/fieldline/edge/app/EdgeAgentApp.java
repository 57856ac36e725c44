package dev.fieldline.edge.app;

import dev.fieldline.edge.config.EdgeConfig;
import dev.fieldline.edge.config.RulesFile;
import dev.fieldline.support.config.ConfigException;
import dev.fieldline.support.config.ConfigLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code edge-agent run|validate|defaults}: the gateway's command line. */
@Command(
    name = "edge-agent",
    mixinStandardHelpOptions = true,
    versionProvider = EdgeAgentApp.Version.class,
    description = "Fieldline edge agent: MQTT ingest, local decisions, durable uplink to Kafka.",
    subcommands = {
      EdgeAgentApp.Run.class,
      EdgeAgentApp.Validate.class,
      EdgeAgentApp.Defaults.class
    })
public final class EdgeAgentApp implements Callable<Integer> {
  private static final ConfigLoader<EdgeConfig> LOADER =
      new ConfigLoader<>(EdgeConfig.class, EdgeConfig.ENV_PREFIX);

  public static ConfigLoader<EdgeConfig> loader() {
    return LOADER;
  }

  @Override
  public Integer call() {
    CommandLine.usage(this, System.out);
    return 0;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new EdgeAgentApp()).execute(args));
  }

  /** A loaded config with its rules file. */
  record Loaded(EdgeConfig config, RulesFile rules) {}

  /** Options shared by the commands that read a config. */
  static class ConfigOptions {
    @Option(
        names = {"-c", "--config"},
        description = "YAML config file (defaults apply without one).")
    Path config;

    @Option(
        names = {"-s", "--set"},
        description = "Override a setting, e.g. --set mqtt.server-uri=tcp://10.0.0.2:1883.")
    List<String> overrides = new ArrayList<>();

    Loaded load() {
      EdgeConfig config = LOADER.load(this.config, overrides);
      RulesFile rules =
          config.rulesFile.isBlank()
              ? RulesFile.empty()
              : RulesFile.load(Path.of(config.rulesFile));
      config.mqttSettings(); // resolves secrets: a missing one fails here, not later
      return new Loaded(config, rules);
    }
  }

  @Command(name = "run", mixinStandardHelpOptions = true, description = "Run the agent.")
  static final class Run implements Callable<Integer> {
    @CommandLine.Mixin ConfigOptions options = new ConfigOptions();

    @Override
    public Integer call() throws Exception {
      Loaded loaded;
      try {
        loaded = options.load();
      } catch (ConfigException e) {
        System.err.println(e.getMessage());
        return 2;
      }
      EdgeAgent agent = new EdgeAgent(loaded.config(), loaded.rules());
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    agent.close();
                    stopped.countDown();
                  },
                  "shutdown"));
      try {
        agent.start();
      } catch (Exception e) {
        System.err.println("cannot start: " + e.getMessage());
        agent.close();
        return 1;
      }
      stopped.await();
      return 0;
    }
  }

  @Command(
      name = "validate",
      mixinStandardHelpOptions = true,
      description = "Check the config and rules file; print the effective settings; exit 2 if bad.")
  static final class Validate implements Callable<Integer> {
    @CommandLine.Mixin ConfigOptions options = new ConfigOptions();

    @Override
    public Integer call() {
      try {
        Loaded loaded = options.load();
        System.out.print(ConfigLoader.toYaml(loaded.config()));
        System.out.printf(
            "# valid: %d rules, %d filters%n",
            loaded.rules().rules().size(), loaded.rules().filters().size());
        return 0;
      } catch (ConfigException e) {
        System.err.println(e.getMessage());
        return 2;
      }
    }
  }

  @Command(
      name = "defaults",
      mixinStandardHelpOptions = true,
      description = "Print every setting with its default and its environment variable.")
  static final class Defaults implements Callable<Integer> {
    @Override
    public Integer call() {
      System.out.print(LOADER.describe());
      return 0;
    }
  }

  /** The version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = EdgeAgentApp.class.getPackage().getImplementationVersion();
      return new String[] {"Fieldline edge agent " + (version == null ? "dev" : version)};
    }
  }
}
