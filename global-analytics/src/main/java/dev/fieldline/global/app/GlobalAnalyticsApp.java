package dev.fieldline.global.app;

import dev.fieldline.global.config.GlobalConfig;
import dev.fieldline.global.config.Region;
import dev.fieldline.global.job.GlobalJob;
import dev.fieldline.schema.TopicSetup;
import dev.fieldline.support.config.ConfigException;
import dev.fieldline.support.config.ConfigLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code global-analytics run|validate|defaults}: the global job's command line. {@code run} builds
 * the job and hands it to the environment it was started in: a Flink cluster under {@code flink
 * run} or the Kubernetes operator, an in-process cluster under plain {@code java}.
 */
@Command(
    name = "global-analytics",
    mixinStandardHelpOptions = true,
    versionProvider = GlobalAnalyticsApp.Version.class,
    description =
        "Fieldline global analytics: cross-region replication, global roll-ups, alerts and"
            + " feature updates (Apache Flink).",
    subcommands = {
      GlobalAnalyticsApp.Run.class,
      GlobalAnalyticsApp.Validate.class,
      GlobalAnalyticsApp.Defaults.class
    })
public final class GlobalAnalyticsApp implements Callable<Integer> {
  private static final ConfigLoader<GlobalConfig> LOADER =
      new ConfigLoader<>(GlobalConfig.class, GlobalConfig.ENV_PREFIX);

  /** The loader of this job's config (file, FIELDLINE_GLOBAL_* variables, overrides). */
  public static ConfigLoader<GlobalConfig> loader() {
    return LOADER;
  }

  @Override
  public Integer call() {
    CommandLine.usage(this, System.out);
    return 0;
  }

  public static void main(String[] args) {
    int code = new CommandLine(new GlobalAnalyticsApp()).execute(args);
    // Under a Flink cluster main() runs inside the JobManager or the CLI: exit only on failure.
    if (code != 0) {
      System.exit(code);
    }
  }

  /** Creates the topics the job reads and writes in every region, where they are missing. */
  public static void createTopics(GlobalConfig config) {
    for (Region region : config.regions) {
      Map<String, Object> admin = new HashMap<>();
      region.clientProperties().forEach((k, v) -> admin.put(k.toString(), v));
      TopicSetup.createMissing(admin, config.kafka.partitions, config.kafka.replicationFactor);
    }
  }

  private static boolean flinkIsPresent() {
    try {
      Class.forName(
          "org.apache.flink.streaming.api.environment.StreamExecutionEnvironment",
          false,
          GlobalAnalyticsApp.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  static class ConfigOptions {
    @Option(
        names = {"-c", "--config"},
        description = "YAML config file (defaults apply without one).")
    Path config;

    @Option(
        names = {"-s", "--set"},
        description =
            "Override a setting, e.g. --set regions=eu-west=localhost:9092,us-east=localhost:9093"
                + " (repeatable).")
    List<String> overrides = new ArrayList<>();

    GlobalConfig load() {
      return LOADER.load(config, overrides);
    }
  }

  @Command(
      name = "run",
      mixinStandardHelpOptions = true,
      description = "Submit the job (flink run) or run it in this JVM (java -jar).")
  static final class Run implements Callable<Integer> {
    @CommandLine.Mixin ConfigOptions options = new ConfigOptions();

    @Override
    public Integer call() throws Exception {
      if (!flinkIsPresent()) {
        System.err.println(
            "Flink is not on the classpath: this jar is meant for a Flink 2.2 cluster"
                + " (flink run -c "
                + GlobalAnalyticsApp.class.getName()
                + " <jar> run --config ...). To run the job in this JVM, use the launcher:"
                + " ./fieldline global-analytics run --config ...");
        return 2;
      }
      GlobalConfig config;
      try {
        config = options.load();
      } catch (ConfigException e) {
        System.err.println(e.getMessage());
        return 2;
      }
      try {
        if (config.kafka.createTopics) {
          createTopics(config);
        }
      } catch (IllegalStateException e) {
        System.err.println("cannot prepare topics: " + e.getMessage());
        return 1;
      }
      StreamExecutionEnvironment env =
          StreamExecutionEnvironment.getExecutionEnvironment(GlobalJob.configuration(config));
      GlobalJob.build(env, config);
      env.execute(config.jobName);
      return 0;
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
        System.out.print(ConfigLoader.toYaml(options.load()));
        System.out.println("# valid");
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
      description = "Print every setting with its default, and its environment variable.")
  static final class Defaults implements Callable<Integer> {
    @Override
    public Integer call() {
      System.out.print(LOADER.describe());
      return 0;
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = GlobalAnalyticsApp.class.getPackage().getImplementationVersion();
      return new String[] {"Fieldline global analytics " + (version == null ? "dev" : version)};
    }
  }
}
