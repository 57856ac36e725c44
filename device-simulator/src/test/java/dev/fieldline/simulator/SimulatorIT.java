package dev.fieldline.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fieldline.infra.mqtt.EmbeddedMqttBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The simulator against a real broker, checked by a subscriber: every message in the ledger
 * arrived, good messages carry each device's sequence numbers from 1 without gaps or repeats, and
 * every kind of spoiled payload was sent.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SimulatorIT {
  private static final Pattern GOOD =
      Pattern.compile(
          "\\{\"deviceId\":\"([^\"]+)\",\"type\":\"[a-z]+\",\"ts\":(\\d+),\"seq\":(\\d+),"
              + "\"metrics\":\\{(\"[a-z]+\":-?[0-9.E-]+,?)+\\}\\}");

  @Test
  void shouldDeliverExactlyWhatItsLedgerSays() throws Exception {
    try (EmbeddedMqttBroker broker = EmbeddedMqttBroker.start()) {
      Map<String, List<Long>> goodSeqs = new ConcurrentHashMap<>();
      Map<String, AtomicLong> messages = new ConcurrentHashMap<>();
      MqttClient subscriber = subscriber(broker.serverUri(), goodSeqs, messages);

      SimulatorSettings settings =
          new SimulatorSettings(
              broker.serverUri(),
              "sim-it",
              30,
              5,
              "site-",
              "dev-",
              List.of(DeviceType.values()),
              1500,
              0.05,
              0.05,
              SimulatorSettings.DEFAULT_TOPIC,
              1000,
              7);
      Ledger ledger;
      try (Simulator simulator = new Simulator(settings).start()) {
        Thread.sleep(3_000);
        simulator.stop();
        ledger = simulator.ledger();
      }
      long total = ledger.messages();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> messages.values().stream().mapToLong(AtomicLong::get).sum() >= total);
      subscriber.disconnect();
      subscriber.close();

      assertThat(ledger.failed()).isZero();
      assertThat(total).as("about the target rate").isGreaterThan(3_000);
      assertThat(ledger.malformedByKind())
          .containsOnlyKeys(Malformation.of(PayloadFormat.FIELDLINE));
      assertThat(ledger.anomalies()).isPositive();
      for (var device : ledger.devices().values()) {
        assertThat(messages.get(device.deviceId).get())
            .as("messages of %s", device.deviceId)
            .isEqualTo(device.messages());
        List<Long> seqs = new ArrayList<>(goodSeqs.getOrDefault(device.deviceId, List.of()));
        assertThat(seqs)
            .as("good sequence numbers of %s", device.deviceId)
            .containsExactlyElementsOf(
                LongStream.rangeClosed(1, device.lastSeq()).boxed().toList());
        assertThat(device.messages() - device.malformed()).isEqualTo(device.lastSeq());
      }
    }
  }

  private static MqttClient subscriber(
      String uri, Map<String, List<Long>> goodSeqs, Map<String, AtomicLong> messages)
      throws MqttException {
    MqttClient client = new MqttClient(uri, "sim-it-subscriber", new MemoryPersistence());
    client.setCallback(
        new MqttCallback() {
          @Override
          public void messageArrived(String topic, MqttMessage message) {
            String device = topic.split("/")[3];
            messages.computeIfAbsent(device, d -> new AtomicLong()).incrementAndGet();
            Matcher good = GOOD.matcher(new String(message.getPayload(), StandardCharsets.UTF_8));
            boolean recent = false;
            if (good.matches()) {
              recent =
                  Math.abs(Long.parseLong(good.group(2)) - System.currentTimeMillis()) < 60_000;
            }
            if (good.matches() && recent && good.group(1).equals(device)) {
              goodSeqs
                  .computeIfAbsent(
                      device, d -> java.util.Collections.synchronizedList(new ArrayList<>()))
                  .add(Long.parseLong(good.group(3)));
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
    MqttConnectionOptions options = new MqttConnectionOptions();
    options.setCleanStart(true);
    client.connect(options);
    client.subscribe("sites/+/devices/+/telemetry", 1);
    return client;
  }
}
