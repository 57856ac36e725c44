package dev.fieldline.cluster;

import dev.fieldline.cluster.ManagedProcess.Role;
import dev.fieldline.infra.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;

/**
 * A region's Kafka cluster the way production runs it: {@code n} nodes of the real server ({@code
 * kafka.Kafka}), each its own JVM, each broker and controller (KRaft combined mode) with a static
 * quorum of all {@code n} voters, formatted with one cluster id. Topics default to replication
 * factor {@code min(3, n)} and {@code min.insync.replicas} one less (at least 1), so a node can be
 * lost without losing a write or refusing one.
 */
final class KafkaQuorum {
  private KafkaQuorum() {}

  /** What the cluster's clients need. */
  record Started(List<ManagedProcess> nodes, String bootstrapServers) {}

  static Started start(String region, int nodes, Path dir, List<String> javaOptions)
      throws IOException, InterruptedException {
    int[] brokerPorts = IntStream.range(0, nodes).map(i -> FreePorts.pick()).toArray();
    int[] controllerPorts = IntStream.range(0, nodes).map(i -> FreePorts.pick()).toArray();
    String voters =
        IntStream.range(0, nodes)
            .mapToObj(i -> (i + 1) + "@127.0.0.1:" + controllerPorts[i])
            .collect(Collectors.joining(","));
    int replication = Math.min(3, nodes);
    String clusterId = UUID.randomUUID().toString().replace("-", "").substring(0, 22);
    List<ManagedProcess> started = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      Path home = Files.createDirectories(dir.resolve("kafka-" + region + "-" + (i + 1)));
      Path properties = home.resolve("server.properties");
      Files.writeString(
          properties,
          String.join(
              "\n",
              "process.roles=broker,controller",
              "node.id=" + (i + 1),
              "controller.quorum.voters=" + voters,
              "listeners=PLAINTEXT://127.0.0.1:"
                  + brokerPorts[i]
                  + ",CONTROLLER://127.0.0.1:"
                  + controllerPorts[i],
              "advertised.listeners=PLAINTEXT://127.0.0.1:" + brokerPorts[i],
              "controller.listener.names=CONTROLLER",
              "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
              "inter.broker.listener.name=PLAINTEXT",
              "log.dirs=" + home.resolve("data").toAbsolutePath(),
              "default.replication.factor=" + replication,
              "min.insync.replicas=" + Math.max(1, replication - 1),
              "offsets.topic.replication.factor=" + replication,
              "transaction.state.log.replication.factor=" + replication,
              "transaction.state.log.min.isr=" + Math.max(1, replication - 1),
              "unclean.leader.election.enable=false",
              "auto.create.topics.enable=false",
              "group.initial.rebalance.delay.ms=0",
              "num.partitions=3",
              ""));
      format(home, properties, clusterId, javaOptions);
      ManagedProcess node =
          new ManagedProcess(
              "kafka-" + region + "-" + (i + 1),
              Role.KAFKA,
              region,
              -1,
              brokerPorts[i],
              "tcp://127.0.0.1:" + brokerPorts[i],
              home.resolve("kafka.log").toString(),
              Launch.java(
                  javaOptions, "-cp", ClassPaths.kafka(), "kafka.Kafka", properties.toString()),
              Map.of());
      started.add(Launch.start(node));
    }
    String bootstrap =
        IntStream.of(brokerPorts)
            .mapToObj(port -> "127.0.0.1:" + port)
            .collect(Collectors.joining(","));
    awaitBrokers(bootstrap, nodes, started);
    return new Started(started, bootstrap);
  }

  private static void format(Path home, Path properties, String clusterId, List<String> options)
      throws IOException, InterruptedException {
    List<String> command =
        Launch.java(
            options,
            "-cp",
            ClassPaths.kafka(),
            "kafka.tools.StorageTool",
            "format",
            "-t",
            clusterId,
            "-c",
            properties.toString());
    Process formatter =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(home.resolve("format.log").toFile())
            .start();
    if (!formatter.waitFor(120, TimeUnit.SECONDS) || formatter.exitValue() != 0) {
      formatter.destroyForcibly();
      throw new IllegalStateException(
          "formatting the Kafka log directory failed; see " + home.resolve("format.log"));
    }
  }

  /** Waits until {@code count} brokers are in the cluster's metadata. */
  static void awaitBrokers(String bootstrap, int count, List<ManagedProcess> nodes)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    try (Admin admin = Admin.create(adminConfig(bootstrap))) {
      while (System.nanoTime() < deadline) {
        for (ManagedProcess node : nodes) {
          if (!node.alive()) {
            throw new IllegalStateException(node.name() + " exited; see " + node.log());
          }
        }
        try {
          if (admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() >= count) {
            return;
          }
        } catch (Exception e) {
          // not up yet
        }
        Thread.sleep(500);
      }
    }
    throw new IllegalStateException("the Kafka cluster at " + bootstrap + " did not come up");
  }

  /**
   * Waits until every partition's in-sync replicas are all its replicas again: what a rolling
   * restart waits for before it takes the next node down.
   */
  static void awaitFullyReplicated(String bootstrap, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    try (Admin admin = Admin.create(adminConfig(bootstrap))) {
      while (System.nanoTime() < deadline) {
        try {
          var names = admin.listTopics().names().get(10, TimeUnit.SECONDS);
          boolean full =
              admin
                  .describeTopics(names)
                  .allTopicNames()
                  .get(10, TimeUnit.SECONDS)
                  .values()
                  .stream()
                  .flatMap(topic -> topic.partitions().stream())
                  .allMatch(p -> p.isr().size() == p.replicas().size());
          if (full) {
            return;
          }
        } catch (Exception e) {
          // a node is still starting
        }
        Thread.sleep(500);
      }
    }
    throw new IllegalStateException("partitions of " + bootstrap + " still under-replicated");
  }

  static Map<String, Object> adminConfig(String bootstrap) {
    return Map.of(
        CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
        bootstrap,
        CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG,
        10_000,
        "default.api.timeout.ms",
        15_000);
  }
}
