package dev.fieldline.infra.kafka;

import dev.fieldline.infra.tls.IssuedIdentity;
import dev.fieldline.infra.tls.KafkaTlsClient;
import dev.fieldline.schema.TopicSetup;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
  private final Map<String, Object> adminConfig;
  private final Admin admin;

  private EmbeddedKafkaCluster(
      String name, KafkaClusterTestKit cluster, Map<String, Object> adminSecurity) {
    this.name = name;
    this.cluster = cluster;
    this.adminConfig = new HashMap<>(adminSecurity);
    adminConfig.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    this.admin = Admin.create(adminConfig);
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
    return start(name, brokerConfig, null);
  }

  /**
   * Starts a zero-trust cluster: every listener (clients' and controller's) speaks TLS and wants a
   * client certificate from the broker's authority; principals are the certificates' CNs ({@code
   * User:edge-eu-west}); KRaft's {@code StandardAuthorizer} refuses whatever no ACL allows. Only
   * the broker's and the admin's identities are super users; {@link #clientConfig()} and {@link
   * #admin()} act as the admin, who then grants each service its ACLs.
   */
  public static EmbeddedKafkaCluster startSecure(
      String name, IssuedIdentity broker, IssuedIdentity admin, Map<String, String> brokerConfig) {
    Map<String, String> config = new HashMap<>(brokerConfig);
    config.put("ssl.keystore.type", "PKCS12");
    config.put("ssl.keystore.location", broker.keystore().toAbsolutePath().toString());
    config.put("ssl.keystore.password", broker.keystorePassword());
    config.put("ssl.key.password", broker.keystorePassword());
    config.put("ssl.truststore.type", "PKCS12");
    config.put("ssl.truststore.location", broker.truststore().toAbsolutePath().toString());
    config.put("ssl.truststore.password", broker.truststorePassword());
    config.put("ssl.client.auth", "required");
    config.put("ssl.principal.mapping.rules", PRINCIPAL_IS_COMMON_NAME);
    config.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
    config.put("allow.everyone.if.no.acl.found", "false");
    config.put("super.users", "User:" + broker.name() + ";User:" + admin.name());
    // The test kit's builder offers PLAINTEXT and SASL only, but keeps a protocol map given to it.
    config.put("listener.security.protocol.map", "EXTERNAL:SSL,CONTROLLER:SSL");
    return start(name, config, KafkaTlsClient.clientConfig(admin));
  }

  /** Maps a certificate subject to its CN, so that ACLs name identities, not whole DNs. */
  public static final String PRINCIPAL_IS_COMMON_NAME = "RULE:^(.*,)?CN=([^,]+)(,.*)?$/$2/,DEFAULT";

  private static EmbeddedKafkaCluster start(
      String name, Map<String, String> brokerConfig, Map<String, Object> adminSecurity) {
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
      formatIntoLog(cluster);
      cluster.startup();
      cluster.waitForReadyBrokers();
      EmbeddedKafkaCluster embedded =
          new EmbeddedKafkaCluster(name, cluster, adminSecurity == null ? Map.of() : adminSecurity);
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

  /**
   * Formats the cluster's storage. Kafka's storage formatter prints what it does to {@code
   * System.out}, and the test kit gives it no other stream: the demo's console is no place for it,
   * so its lines go to the log. Synchronized: two clusters starting at once share System.out.
   */
  private static synchronized void formatIntoLog(KafkaClusterTestKit cluster) throws Exception {
    PrintStream console = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    try {
      cluster.format();
    } finally {
      System.setOut(console);
    }
    printed.toString(StandardCharsets.UTF_8).lines().forEach(line -> log.info("format: {}", line));
  }

  /** The cluster id written by {@code format()}; different for every cluster. */
  public String clusterId() {
    try {
      return admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot describe Kafka cluster " + name, e);
    }
  }

  /**
   * Client settings pointing at this cluster, to extend with producer or consumer settings; on a
   * secure cluster they carry the admin's identity.
   */
  public Map<String, Object> clientConfig() {
    return new HashMap<>(adminConfig);
  }

  /** The cluster's admin client (the admin's identity on a secure cluster); do not close it. */
  public Admin admin() {
    return admin;
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
      TopicSetup.awaitLeaders(
          admin, topics.stream().map(NewTopic::name).toList(), Duration.ofSeconds(30));
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
