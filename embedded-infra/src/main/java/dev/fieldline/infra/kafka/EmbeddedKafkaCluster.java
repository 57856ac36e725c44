package dev.fieldline.infra.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node KRaft Kafka cluster (one combined broker and controller) inside this JVM, listening
 * on loopback ports chosen by the OS and formatted with the latest production metadata version.
 * Several clusters in one JVM are fully independent: own ports, own cluster id, own log
 * directories, deleted on {@link #close()}.
 *
 * <p>Replication factors are 1, so transactions and consumer groups work on one node; it is meant
 * for tests and the demo, not for data that must outlive the process.
 */
public final class EmbeddedKafkaCluster implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaCluster.class);

  private final String name;
  private final KafkaClusterTestKit cluster;
  private final Admin admin;

  private EmbeddedKafkaCluster(String name, KafkaClusterTestKit cluster) {
    this.name = name;
    this.cluster = cluster;
    this.admin =
        Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
  }

  /** Starts a cluster with Fieldline's defaults; {@code name} appears in logs only. */
  public static EmbeddedKafkaCluster start(String name) {
    return start(name, Map.of());
  }

  /**
   * Starts a cluster; {@code brokerConfig} overrides or adds broker settings (e.g. {@code
   * transaction.max.timeout.ms}).
   */
  public static EmbeddedKafkaCluster start(String name, Map<String, String> brokerConfig) {
    long started = System.nanoTime();
    Map<String, String> config = new HashMap<>(defaultBrokerConfig());
    config.putAll(brokerConfig);
    KafkaClusterTestKit cluster = null;
    try {
      TestKitNodes nodes =
          new TestKitNodes.Builder()
              .setCombined(true)
              .setNumBrokerNodes(1)
              .setNumControllerNodes(1)
              .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
              .build();
      KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
      config.forEach(builder::setConfigProp);
      cluster = builder.setDeleteOnClose(true).build();
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
      EmbeddedKafkaCluster embedded = new EmbeddedKafkaCluster(name, cluster);
      log.info(
          "Kafka cluster {} up at {} in {} ms",
          name,
          embedded.bootstrapServers(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
      return embedded;
    } catch (Exception e) {
      closeQuietly(cluster);
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("cannot start embedded Kafka cluster " + name, e);
    }
  }

  /** Settings a one-node cluster needs for consumer groups and transactions. */
  static Map<String, String> defaultBrokerConfig() {
    return Map.of(
        "offsets.topic.replication.factor", "1",
        "offsets.topic.num.partitions", "4",
        "transaction.state.log.replication.factor", "1",
        "transaction.state.log.min.isr", "1",
        "transaction.state.log.num.partitions", "4",
        "group.initial.rebalance.delay.ms", "0",
        "auto.create.topics.enable", "false",
        "num.partitions", "1");
  }

  public String name() {
    return name;
  }

  public String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  /** The cluster id written by {@code format()}; different for every cluster. */
  public String clusterId() {
    try {
      return admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot describe Kafka cluster " + name, e);
    }
  }

  /** Client settings pointing at this cluster, to extend with producer or consumer settings. */
  public Map<String, Object> clientConfig() {
    return new HashMap<>(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
  }

  /** Creates the topics, ignoring those that exist already, and waits until they are usable. */
  public void createTopics(Collection<NewTopic> topics) {
    try {
      for (var result : admin.createTopics(topics).values().entrySet()) {
        try {
          result.getValue().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("cannot create topics on Kafka cluster " + name, e);
    }
  }

  /** Creates one topic with {@code partitions} partitions and the given topic config. */
  public void createTopic(String topic, int partitions, Map<String, String> config) {
    createTopics(List.of(new NewTopic(topic, partitions, (short) 1).configs(config)));
  }

  public Set<String> topicNames() {
    try {
      return admin.listTopics().names().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot list topics of Kafka cluster " + name, e);
    }
  }

  /** Stops the broker and controller and deletes their data. */
  @Override
  public void close() {
    admin.close(Duration.ofSeconds(5));
    closeQuietly(cluster);
    log.info("Kafka cluster {} stopped", name);
  }

  private static void closeQuietly(KafkaClusterTestKit cluster) {
    if (cluster == null) {
      return;
    }
    try {
      cluster.close();
    } catch (Exception e) {
      log.warn("error while stopping embedded Kafka cluster", e);
    }
  }

  @Override
  public String toString() {
    return "EmbeddedKafkaCluster{" + name + " at " + bootstrapServers() + "}";
  }
}
