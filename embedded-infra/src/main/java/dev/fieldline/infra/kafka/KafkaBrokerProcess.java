package dev.fieldline.infra.kafka;

import dev.fieldline.infra.FreePorts;
import dev.fieldline.schema.TopicSetup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node KRaft Kafka broker in its own JVM, the way production brokers run: a formatted log
 * directory and fixed loopback ports, so it can be stopped (gracefully or with SIGKILL) and started
 * again on the same data and ports, which the in-JVM {@link EmbeddedKafkaCluster} cannot. Outage
 * and chaos tests use it.
 */
public final class KafkaBrokerProcess implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KafkaBrokerProcess.class);

  private final Path dir;
  private final Path properties;
  private final int port;
  private final String classpath;
  private Process process;

  private KafkaBrokerProcess(Path dir, Path properties, int port, String classpath) {
    this.dir = dir;
    this.properties = properties;
    this.port = port;
    this.classpath = classpath;
  }

  /**
   * Formats a log directory under {@code dir} and starts the broker on free loopback ports, with
   * this JVM's classpath (which must hold {@code kafka_2.13}).
   */
  public static KafkaBrokerProcess start(Path dir) {
    try {
      Files.createDirectories(dir);
      int port = FreePorts.pick();
      int controllerPort = FreePorts.pick();
      Path properties = dir.resolve("server.properties");
      Files.writeString(
          properties,
          String.join(
              "\n",
              "process.roles=broker,controller",
              "node.id=1",
              "controller.quorum.bootstrap.servers=127.0.0.1:" + controllerPort,
              "listeners=PLAINTEXT://127.0.0.1:"
                  + port
                  + ",CONTROLLER://127.0.0.1:"
                  + controllerPort,
              "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
              "controller.listener.names=CONTROLLER",
              "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
              "inter.broker.listener.name=PLAINTEXT",
              "log.dirs=" + dir.resolve("logs").toAbsolutePath(),
              "offsets.topic.replication.factor=1",
              "transaction.state.log.replication.factor=1",
              "transaction.state.log.min.isr=1",
              "group.initial.rebalance.delay.ms=0",
              "auto.create.topics.enable=false",
              "num.partitions=1",
              ""));
      KafkaBrokerProcess broker =
          new KafkaBrokerProcess(dir, properties, port, System.getProperty("java.class.path"));
      broker.format();
      broker.start();
      return broker;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare a Kafka broker in " + dir, e);
    }
  }

  private void format() throws IOException {
    List<String> command = java("kafka.tools.StorageTool");
    command.addAll(
        List.of(
            "format",
            "-t",
            UUID.randomUUID().toString().replace("-", "").substring(0, 22),
            "-c",
            properties.toString(),
            "--standalone"));
    Process formatter =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("format.log").toFile())
            .start();
    try {
      if (!formatter.waitFor(60, TimeUnit.SECONDS) || formatter.exitValue() != 0) {
        throw new IllegalStateException(
            "formatting the Kafka log directory failed; see " + dir.resolve("format.log"));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while formatting", e);
    }
  }

  /** Starts the broker process (again) and waits until it serves requests. */
  public synchronized void start() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("the broker is running");
    }
    try {
      List<String> command = java("kafka.Kafka");
      command.add(properties.toString());
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("broker.log").toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the Kafka broker", e);
    }
    Process started = process;
    // If this JVM ends without closing it (Ctrl-C, a failed run), the broker must not outlive it.
    Runtime.getRuntime()
        .addShutdownHook(new Thread(started::destroyForcibly, "stop-kafka-" + port));
    awaitReady(Duration.ofSeconds(60));
    log.info("Kafka broker (pid {}) up at {}", process.pid(), bootstrapServers());
  }

  private void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Admin admin = Admin.create(adminConfig())) {
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new IllegalStateException(
              "the Kafka broker exited; see " + dir.resolve("broker.log"));
        }
        try {
          admin.describeCluster().nodes().get(2, TimeUnit.SECONDS);
          return;
        } catch (Exception e) {
          sleep(200);
        }
      }
    }
    throw new IllegalStateException("the Kafka broker did not come up in " + timeout);
  }

  /** Stops the broker: SIGTERM (controlled shutdown) or, when {@code abrupt}, SIGKILL. */
  public synchronized void stop(boolean abrupt) {
    if (process == null || !process.isAlive()) {
      return;
    }
    if (abrupt) {
      process.destroyForcibly();
    } else {
      process.destroy();
    }
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    log.info("Kafka broker at {} stopped{}", bootstrapServers(), abrupt ? " (killed)" : "");
  }

  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  /** Creates a topic unless it exists. */
  public void createTopic(String name, int partitions, Map<String, String> config) {
    try (Admin admin = Admin.create(adminConfig())) {
      if (!admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(name)) {
        admin
            .createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(config)))
            .all()
            .get(30, TimeUnit.SECONDS);
        TopicSetup.awaitLeaders(admin, List.of(name), Duration.ofSeconds(30));
      }
    } catch (Exception e) {
      throw new IllegalStateException("cannot create topic " + name, e);
    }
  }

  private Map<String, Object> adminConfig() {
    return Map.of(
        CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
        bootstrapServers(),
        CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG,
        5_000,
        "default.api.timeout.ms",
        5_000);
  }

  private List<String> java(String mainClass) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    command.add("-cp");
    command.add(classpath);
    command.add(mainClass);
    return command;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stop(true);
  }
}
