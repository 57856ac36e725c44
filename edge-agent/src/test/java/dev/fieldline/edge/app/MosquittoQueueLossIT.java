package dev.fieldline.edge.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fieldline.infra.FreePorts;
import dev.fieldline.infra.kafka.EmbeddedKafkaCluster;
import dev.fieldline.infra.process.ServiceProcess;
import dev.fieldline.schema.v1.EdgeSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway as a new user sets it up: Debian's Mosquitto, a Kafka cluster, the agent in its own
 * JVM. The agent is killed with SIGKILL, a device publishes 3,000 readings (QoS 1) while it is
 * down, and the agent starts again on the same journal. With Mosquitto's stock settings the broker
 * queues 1,000 of them for the agent's session and drops the rest: the agent must say exactly how
 * many went missing, per device and in its summaries, and turn degraded. With the gateway
 * configuration shipped with the agent ({@code mosquitto/fieldline-gateway.conf}, included the way
 * Debian's mosquitto.conf includes {@code conf.d}) nothing is lost.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class MosquittoQueueLossIT {
  private static final Path SHIPPED = Path.of("mosquitto", "fieldline-gateway.conf");
  private static final String DEVICE = "dev-q";
  private static final int BEFORE = 10;
  private static final int WHILE_AWAY = 3_000;
  private static final int AFTER = 10;
  private static final int SENT = BEFORE + WHILE_AWAY + AFTER;

  /** What Mosquitto queues for a disconnected client unless configured: max_queued_messages. */
  private static final int STOCK_QUEUE = 1_000;

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @BeforeAll
  static void mosquittoInstalled() {
    assumeTrue(
        MosquittoBroker.installed(),
        "SKIPPED: Debian's mosquitto is not installed (apt-get install mosquitto)");
  }

  @Test
  void shouldReportExactlyTheReadingsAStockBrokerDroppedAndTurnDegraded() throws Exception {
    Outcome outcome = runScenario(stockSettings());

    int dropped = WHILE_AWAY - STOCK_QUEUE;
    assertThat(outcome.absentSeqs())
        .as("sequence numbers in no summary: one run of the %d the broker dropped", dropped)
        .hasSize(dropped);
    assertThat(outcome.absentSeqs().get(dropped - 1) - outcome.absentSeqs().get(0))
        .isEqualTo(dropped - 1);
    assertThat(outcome.missingInSummaries()).isEqualTo(dropped);
    assertThat(outcome.missingMetric()).isEqualTo(dropped);
    assertThat(outcome.health().get("missingByDevice").get(DEVICE).asLong()).isEqualTo(dropped);
    assertThat(outcome.health().get("status").asText()).isEqualTo("DEGRADED");
    assertThat(outcome.health().get("degraded").get(0).asText()).contains("went missing");
    assertThat(outcome.summarized() + outcome.missingInSummaries())
        .as("received + missing = sent")
        .isEqualTo(SENT);
  }

  @Test
  void shouldLoseNothingWithTheShippedGatewayConfiguration() throws Exception {
    Outcome outcome = runScenario(shippedSettings());

    assertThat(outcome.absentSeqs()).isEmpty();
    assertThat(outcome.summarized()).isEqualTo(SENT);
    assertThat(outcome.missingInSummaries()).isZero();
    assertThat(outcome.missingMetric()).isZero();
    assertThat(outcome.health().get("status").asText()).isEqualTo("UP");
  }

  /** Debian's stock mosquitto.conf (persistence on), a loopback listener, anonymous devices. */
  private List<String> stockSettings() throws Exception {
    return new ArrayList<>(
        List.of(
            "persistence true",
            "persistence_location " + MosquittoBroker.home(dir) + "/",
            "allow_anonymous true"));
  }

  /** The same, with the shipped file in the folder it includes, as on a Debian gateway. */
  private List<String> shippedSettings() throws Exception {
    Path confD = Files.createDirectories(MosquittoBroker.home(dir).resolve("conf.d"));
    Files.copy(SHIPPED, confD.resolve(SHIPPED.getFileName()));
    List<String> settings = stockSettings();
    settings.add("include_dir " + confD);
    return settings;
  }

  private Outcome runScenario(List<String> brokerSettings) throws Exception {
    try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start("queue-loss");
        MosquittoBroker broker = MosquittoBroker.startWith(dir, FreePorts.pick(), brokerSettings)) {
      EdgeFixture.createTopics(kafka);
      List<String> settings =
          EdgeFixture.settings(dir.resolve("edge"), broker.serverUri(), kafka.bootstrapServers());
      try (Device device = new Device(broker.serverUri())) {
        try (ServiceProcess first = agent(settings, "first")) {
          device.publish(1, BEFORE);
          await()
              .atMost(Duration.ofSeconds(30))
              .until(() -> counter(first.health(), "received") == BEFORE);
          first.kill();
        }
        device.publish(BEFORE + 1, BEFORE + WHILE_AWAY); // the broker queues for the dead agent
        try (ServiceProcess restarted = agent(settings, "restarted")) {
          device.publish(BEFORE + WHILE_AWAY + 1, SENT);
          List<EdgeSummary> summaries =
              EdgeFixture.readSummaries(
                  kafka.bootstrapServers(),
                  Duration.ofSeconds(90),
                  s -> s.stream().anyMatch(summary -> summary.getLastSeq() == SENT));
          await()
              .atMost(Duration.ofSeconds(30))
              .until(() -> counter(restarted.health(), "openWindows") == 0);
          summaries = EdgeFixture.readAllSummaries(kafka.bootstrapServers());
          return Outcome.of(summaries, JSON.readTree(restarted.health()), restarted.metrics());
        }
      }
    }
  }

  private ServiceProcess agent(List<String> settings, String name) {
    ServiceProcess agent =
        ServiceProcess.start(
            EdgeAgentApp.class,
            "256m",
            settings,
            FreePorts.pick(),
            Path.of("target", "mosquitto-queue-loss-" + name + ".log"));
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> agent.health().contains("\"mqtt\":\"connected\""));
    return agent;
  }

  private static long counter(String health, String name) {
    Matcher value = Pattern.compile("\"" + name + "\":(\\d+)").matcher(health);
    return value.find() ? Long.parseLong(value.group(1)) : -1;
  }

  /**
   * What the agent reported: the sequence numbers no summary covers, the readings summarized and
   * reported missing in the summaries, the missing-readings metric, and its health.
   */
  private record Outcome(
      List<Long> absentSeqs,
      long summarized,
      long missingInSummaries,
      long missingMetric,
      JsonNode health) {
    static Outcome of(List<EdgeSummary> summaries, JsonNode health, String metrics) {
      BitSet covered = new BitSet();
      long summarized = 0;
      long missing = 0;
      for (EdgeSummary s : summaries) {
        assertThat(s.getDeviceId()).isEqualTo(DEVICE);
        summarized += s.getStats().getCount();
        missing += s.getMissingCount();
        if (s.getStats().getCount() > 0) {
          covered.set((int) s.getFirstSeq(), (int) s.getLastSeq() + 1);
        }
      }
      List<Long> absent = new ArrayList<>();
      for (int seq = 1; seq <= SENT; seq++) {
        if (!covered.get(seq)) {
          absent.add((long) seq);
        }
      }
      Matcher metric =
          Pattern.compile("(?m)^fieldline_edge_readings_missing_total(?:\\{[^}]*\\})? (\\S+)$")
              .matcher(metrics);
      assertThat(metric.find()).as("missing metric in %s", metrics).isTrue();
      return new Outcome(
          absent, summarized, missing, (long) Double.parseDouble(metric.group(1)), health);
    }
  }

  /** One device publishing QoS 1 readings with its sequence numbers, waiting for every PUBACK. */
  private static final class Device implements AutoCloseable {
    private final MqttAsyncClient client;
    private final Semaphore window;

    Device(String uri) throws Exception {
      client = new MqttAsyncClient(uri, "device-" + DEVICE, new MemoryPersistence());
      MqttConnectionOptions options = new MqttConnectionOptions();
      options.setCleanStart(true);
      IMqttToken connected = client.connect(options);
      connected.waitForCompletion(10_000);
      Integer receiveMaximum = connected.getResponseProperties().getReceiveMaximum();
      window = new Semaphore(receiveMaximum == null ? 20 : receiveMaximum);
    }

    /** Publishes sequence numbers {@code from..to} and returns once the broker took them all. */
    void publish(long from, long to) throws Exception {
      AtomicInteger failed = new AtomicInteger();
      int permits = window.availablePermits();
      for (long seq = from; seq <= to; seq++) {
        window.acquire();
        MqttMessage message = new MqttMessage(EdgeFixture.reading(DEVICE, seq, 20 + seq % 5));
        message.setQos(1);
        client.publish(
            "sites/site-1/devices/" + DEVICE + "/telemetry",
            message,
            null,
            new MqttActionListener() {
              @Override
              public void onSuccess(IMqttToken token) {
                window.release();
              }

              @Override
              public void onFailure(IMqttToken token, Throwable e) {
                failed.incrementAndGet();
                window.release();
              }
            });
      }
      assertThat(window.tryAcquire(permits, 60, TimeUnit.SECONDS)).isTrue();
      window.release(permits);
      assertThat(failed).as("publishes the broker refused").hasValue(0);
    }

    @Override
    public void close() throws Exception {
      client.disconnect().waitForCompletion(5_000);
      client.close();
    }
  }
}
