package dev.fieldline.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fieldline.edge.core.AcceptedReading;
import dev.fieldline.edge.core.CoreCounters;
import dev.fieldline.infra.mqtt.EmbeddedMqttBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.tahu.protobuf.SparkplugBProto.DataType;
import org.eclipse.tahu.protobuf.SparkplugBProto.Payload;
import org.eclipse.tahu.protobuf.SparkplugBProto.Payload.Metric;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The simulator speaking Sparkplug B through a real broker, judged by the edge agent's own host
 * (its decision core fed what a subscriber received): every reading of the ledger comes through
 * under the device's Fieldline id and type, numbered without a gap, every spoiled message is
 * rejected as one reading, a host's Rebirth request is answered with births, and each edge node
 * says goodbye with its NDEATH.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SparkplugFleetIT {
  private record Received(String topic, byte[] payload) {}

  @Test
  void shouldDeliverItsLedgerAsSparkplugAndAnswerARebirthRequest() throws Exception {
    try (EmbeddedMqttBroker broker = EmbeddedMqttBroker.start()) {
      List<Received> received = Collections.synchronizedList(new ArrayList<>());
      MqttClient host = subscriber(broker.serverUri(), received);

      SimulatorSettings settings =
          new SimulatorSettings(
                  broker.serverUri(),
                  "sim-spb",
                  12,
                  3,
                  "site-",
                  "dev-",
                  List.of(DeviceType.values()),
                  900,
                  0.05,
                  0.05,
                  SimulatorSettings.DEFAULT_TOPIC,
                  1000,
                  7)
              .withFormat(PayloadFormat.SPARKPLUG);
      Ledger ledger;
      try (Simulator simulator = new Simulator(settings).start()) {
        Thread.sleep(1_500);
        host.publish("spBv1.0/site-0/NCMD/site-0-gw", rebirthRequest());
        Thread.sleep(1_500);
        simulator.stop();
        ledger = simulator.ledger();
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> count(received, "/NDEATH/") >= 3 && count(received, "/D") >= ledger.messages());
      host.disconnect();
      host.close();

      assertThat(ledger.failed()).isZero();
      assertThat(ledger.malformedByKind())
          .containsOnlyKeys(Malformation.of(PayloadFormat.SPARKPLUG));
      assertThat(ledger.episodes())
          .as("ground truth names devices as the edge does")
          .isNotEmpty()
          .allSatisfy(e -> assertThat(ledger.devices()).containsKey(e.deviceId()));
      assertThat(count(received, "spBv1.0/site-0/NBIRTH/")).as("born, then reborn").isEqualTo(2);
      assertThat(count(received, "spBv1.0/site-1/NBIRTH/")).isEqualTo(1);

      Judged judged = judge(received);
      assertThat(judged.counters.missing.sum()).as("no gap in any device's readings").isZero();
      assertThat(judged.counters.received.sum()).isEqualTo(ledger.readings());
      assertThat(judged.counters.rejectedTotal()).isEqualTo(ledger.malformed());
      assertThat(judged.counters.filteredTotal()).isZero();
      assertThat(judged.rebirths).as("nothing for the host to distrust").isEmpty();
      for (var device : ledger.devices().values()) {
        List<AcceptedReading> readings = judged.accepted.getOrDefault(device.deviceId, List.of());
        assertThat(device.deviceId).startsWith(device.siteId + "-gw:");
        assertThat(readings)
            .as("readings of %s", device.deviceId)
            .hasSize((int) (device.readings() - device.malformed()))
            .allSatisfy(r -> assertThat(r.deviceType()).isEqualTo(device.type))
            .allSatisfy(r -> assertThat(r.siteId()).isEqualTo(device.siteId));
        assertThat(readings.stream().mapToLong(AcceptedReading::seq).distinct())
            .as("numbered by the host as the ledger numbered them")
            .containsExactlyElementsOf(
                LongStream.rangeClosed(1, device.lastSeq()).boxed().toList());
      }
    }
  }

  private static long count(List<Received> received, String topicPart) {
    synchronized (received) {
      return received.stream().filter(r -> r.topic.contains(topicPart)).count();
    }
  }

  private static MqttMessage rebirthRequest() {
    byte[] payload =
        Payload.newBuilder()
            .setTimestamp(System.currentTimeMillis())
            .addMetrics(
                Metric.newBuilder()
                    .setName("Node Control/Rebirth")
                    .setDatatype(DataType.Boolean_VALUE)
                    .setBooleanValue(true))
            .build()
            .toByteArray();
    MqttMessage message = new MqttMessage(payload);
    message.setQos(0);
    return message;
  }

  /** What the edge's decision core made of the received messages, in arrival order. */
  private record Judged(
      CoreCounters counters, Map<String, List<AcceptedReading>> accepted, List<String> rebirths) {}

  private static Judged judge(List<Received> received) {
    EdgeVerdicts verdicts = new EdgeVerdicts();
    long now = System.currentTimeMillis();
    synchronized (received) {
      for (Received message : received) {
        verdicts.core.onMessage(message.topic, message.payload, System.nanoTime(), now);
      }
    }
    Map<String, List<AcceptedReading>> accepted = new HashMap<>();
    verdicts.accepted.forEach(
        r -> accepted.computeIfAbsent(r.deviceId(), d -> new ArrayList<>()).add(r));
    return new Judged(verdicts.counters, accepted, verdicts.rebirths);
  }

  private static MqttClient subscriber(String uri, List<Received> received) throws MqttException {
    MqttClient client = new MqttClient(uri, "sim-spb-host", new MemoryPersistence());
    client.setCallback(
        new MqttCallback() {
          @Override
          public void messageArrived(String topic, MqttMessage message) {
            if (!topic.contains("/NCMD/")) {
              received.add(new Received(topic, message.getPayload()));
            }
          }

          @Override
          public void disconnected(MqttDisconnectResponse response) {}

          @Override
          public void mqttErrorOccurred(MqttException exception) {}

          @Override
          public void deliveryComplete(IMqttToken token) {}

          @Override
          public void connectComplete(boolean reconnect, String serverUri) {}

          @Override
          public void authPacketArrived(int reasonCode, MqttProperties properties) {}
        });
    client.connect();
    client.subscribe("spBv1.0/#", 1);
    return client;
  }
}
