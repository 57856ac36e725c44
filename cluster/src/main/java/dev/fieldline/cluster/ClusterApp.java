package dev.fieldline.cluster;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./fieldline cluster up | status | down}: the production shape on loopback. */
@Command(
    name = "cluster",
    mixinStandardHelpOptions = true,
    subcommands = {
      ClusterApp.Up.class,
      ClusterApp.Status.class,
      ClusterApp.Soak.class,
      ClusterApp.Down.class
    },
    description =
        "Fieldline's production shape on this machine, every part its own OS process on"
            + " loopback: per region a Kafka cluster (KRaft, replicated), Mosquitto, edge agents,"
            + " regional aggregators and a device fleet; a Flink session cluster running the"
            + " global job submitted with Flink's CLI; Prometheus with the alert rules.")
public final class ClusterApp implements Callable<Integer> {
  /** Where the cluster keeps everything, for every subcommand. */
  static class Folder {
    @Option(names = "--dir", description = "The cluster's folder (default: ${DEFAULT-VALUE}).")
    Path dir = Path.of(".fieldline", "cluster");
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new ClusterApp()).execute(args));
  }

  @Override
  public Integer call() {
    CommandLine.usage(this, System.out);
    return 2;
  }

  @Command(name = "up", mixinStandardHelpOptions = true, description = "Start the cluster.")
  static final class Up implements Callable<Integer> {
    @CommandLine.Mixin Folder folder = new Folder();

    @Option(names = "--regions", split = ",", description = "Regions (default: ${DEFAULT-VALUE}).")
    List<String> regions = List.of("eu-west", "us-east");

    @Option(
        names = "--brokers",
        description = "Kafka nodes per region (default: ${DEFAULT-VALUE}).")
    int brokers = 3;

    @Option(
        names = "--task-managers",
        description = "Flink TaskManagers, 2 slots each (default: ${DEFAULT-VALUE}).")
    int taskManagers = 2;

    @Option(names = "--agents", description = "Edge agents per region (default: ${DEFAULT-VALUE}).")
    int agents = 2;

    @Option(
        names = "--aggregators",
        description = "Regional aggregator instances per region (default: ${DEFAULT-VALUE}).")
    int aggregators = 2;

    @Option(names = "--devices", description = "Devices per region (default: ${DEFAULT-VALUE}).")
    int devices = 60;

    @Option(
        names = "--rate",
        description = "Messages per second per region, 0 for no fleet (default: ${DEFAULT-VALUE}).")
    double rate = 100;

    @Option(
        names = "--parallelism",
        description = "The global job's parallelism (default: ${DEFAULT-VALUE}).")
    int parallelism = 2;

    @Option(
        names = "--rules",
        description =
            "The edge agents' rules file (default: edge-agent/rules.example.yaml of --home).")
    Path rules;

    @Option(
        names = "--home",
        description = "The Fieldline checkout whose built jars run (default: this folder).")
    Path home = Path.of("");

    @Override
    public Integer call() throws Exception {
      ClusterSettings settings;
      try {
        settings =
            new ClusterSettings(
                home,
                folder.dir,
                regions,
                brokers,
                taskManagers,
                agents,
                aggregators,
                devices,
                rate,
                parallelism,
                rules);
      } catch (IllegalArgumentException e) {
        System.err.println("invalid option: " + e.getMessage());
        return 2;
      }
      try {
        Cluster cluster = Cluster.up(settings, System.out);
        System.out.println();
        cluster.status(System.out);
        System.out.println("\nstop it with: ./fieldline cluster down --dir " + folder.dir);
        return 0;
      } catch (IllegalStateException e) {
        System.err.println("cluster up: " + e.getMessage());
        return 1;
      }
    }
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description = "Each process with its PID, port, health, RSS and CPU; the global job's state.")
  static final class Status implements Callable<Integer> {
    @CommandLine.Mixin Folder folder = new Folder();

    @Override
    public Integer call() throws Exception {
      try {
        Cluster cluster = Cluster.open(folder.dir);
        cluster.status(System.out);
        boolean healthy =
            cluster.state().processes().stream().allMatch(p -> Health.of(p).equals("up"));
        return healthy && cluster.jobState().equals("RUNNING") ? 0 : 1;
      } catch (IllegalStateException e) {
        System.err.println("cluster status: " + e.getMessage());
        return 2;
      }
    }
  }

  @Command(
      name = "soak",
      mixinStandardHelpOptions = true,
      description =
          "Kill a TaskManager (each in turn) again and again under the fleet's load, each time"
              + " waiting for the job to recover from its checkpoint; then count what every"
              + " region's global.aggregates holds twice (read_committed). Last line: key=value.")
  static final class Soak implements Callable<Integer> {
    @CommandLine.Mixin Folder folder = new Folder();

    @Option(names = "--losses", description = "TaskManager losses (default: ${DEFAULT-VALUE}).")
    int losses = 20;

    @Option(
        names = "--pause",
        description =
            "Seconds between a TaskManager's return and the next loss (default:"
                + " ${DEFAULT-VALUE}).")
    int pause = 10;

    @Override
    public Integer call() throws Exception {
      if (losses < 1 || pause < 0) {
        System.err.println("invalid option: --losses at least 1, --pause 0 or more");
        return 2;
      }
      try {
        var result =
            new dev.fieldline.cluster.Soak(Cluster.open(folder.dir), System.out)
                .run(losses, java.time.Duration.ofSeconds(pause));
        System.out.println(result.keyValues());
        return result.duplicates() == 0 && result.recovered() == result.losses() ? 0 : 1;
      } catch (IllegalStateException e) {
        System.err.println("cluster soak: " + e.getMessage());
        return 2;
      }
    }
  }

  @Command(
      name = "down",
      mixinStandardHelpOptions = true,
      description = "Stop every process the cluster started, by PID.")
  static final class Down implements Callable<Integer> {
    @CommandLine.Mixin Folder folder = new Folder();

    @Override
    public Integer call() {
      try {
        Cluster.open(folder.dir).down(System.out);
        return 0;
      } catch (IllegalStateException e) {
        System.err.println("cluster down: " + e.getMessage());
        return 2;
      }
    }
  }
}
