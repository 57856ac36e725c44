package dev.fieldline.regional.app;

import dev.fieldline.regional.config.AggregatorConfig;
import dev.fieldline.support.config.ConfigException;
import dev.fieldline.support.config.ConfigLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fieldline-regional run|validate|defaults}: the regional aggregator's command line. */
@Command(
    name = "regional-aggregator",
    mixinStandardHelpOptions = true,
    versionProvider = RegionalAggregatorApp.Version.class,
    description = "Fieldline regional aggregator: exactly-once Kafka Streams roll-ups per region.",
    subcommands = {
      RegionalAggregatorApp.Run.class,
      RegionalAggregatorApp.Validate.class,
      RegionalAggregatorApp.Defaults.class
    })
public final class RegionalAggregatorApp implements Callable<Integer> {
  static final ConfigLoader<AggregatorConfig> LOADER =
      new ConfigLoader<>(AggregatorConfig.class, AggregatorConfig.ENV_PREFIX);

  /** The loader of this service's config (file, FIELDLINE_REGIONAL_* variables, overrides). */
  public static ConfigLoader<AggregatorConfig> loader() {
    return LOADER;
  }

  @Override
  public Integer call() {
    CommandLine.usage(this, System.out);
    return 0;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new RegionalAggregatorApp()).execute(args));
  }

  /** Options shared by the commands that read a config. */
  static class ConfigOptions {
    @Option(
        names = {"-c", "--config"},
        description = "YAML config file (defaults apply without one).")
    Path config;

    @Option(
        names = {"-s", "--set"},
        description = "Override a setting, e.g. --set windows.grace=10s (repeatable).")
    List<String> overrides = new ArrayList<>();

    AggregatorConfig load() {
      return LOADER.load(config, overrides);
    }
  }

  @Command(name = "run", mixinStandardHelpOptions = true, description = "Run the aggregator.")
  static final class Run implements Callable<Integer> {
    @CommandLine.Mixin ConfigOptions options = new ConfigOptions();

    @Override
    public Integer call() throws Exception {
      AggregatorConfig config;
      try {
        config = options.load();
      } catch (ConfigException e) {
        System.err.println(e.getMessage());
        return 2;
      }
      RegionalAggregator aggregator = new RegionalAggregator(config);
      Thread shutdown = new Thread(aggregator::close, "shutdown");
      Runtime.getRuntime().addShutdownHook(shutdown);
      try {
        aggregator.start();
      } catch (RuntimeException e) {
        System.err.println("cannot start: " + e.getMessage());
        return 1;
      }
      aggregator.awaitFailure();
      return 1;
    }
  }

  @Command(
      name = "validate",
      mixinStandardHelpOptions = true,
      description = "Check a config and print the effective settings; exits 2 when invalid.")
  static final class Validate implements Callable<Integer> {
    @CommandLine.Mixin ConfigOptions options = new ConfigOptions();

    @Override
    public Integer call() {
      try {
        AggregatorConfig config = options.load();
        config.toSettings();
        System.out.print(ConfigLoader.toYaml(config));
        System.out.println("# valid");
        return 0;
      } catch (ConfigException | IllegalArgumentException e) {
        System.err.println(e.getMessage());
        return 2;
      }
    }
  }

  @Command(
      name = "defaults",
      mixinStandardHelpOptions = true,
      description = "Print every setting with its default, and its environment variable.")
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
      String version = RegionalAggregatorApp.class.getPackage().getImplementationVersion();
      return new String[] {"Fieldline regional aggregator " + (version == null ? "dev" : version)};
    }
  }
}
