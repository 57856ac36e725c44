package dev.fieldline.infra.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class EmbeddedMqttBrokerIT {
  private static final String TOPIC = "sites/s1/devices/d1/telemetry";

  @Test
  void shouldDeliverEveryQos1MessageInOrderFromPahoV5PublisherToSubscriber() throws Exception {
    int messages = 5_000;
    try (EmbeddedMqttBroker broker = EmbeddedMqttBroker.start()) {
      List<Long> received = new CopyOnWriteArrayList<>();
      MqttClient subscriber = connect(broker.serverUri(), "subscriber", null);
      subscriber.setCallback(
          new MessageCollector(message -> received.add(ByteBuffer.wrap(message).getLong())));
      subscriber.subscribe(TOPIC, 1);

      MqttAsyncClient publisher = connectAsync(broker.serverUri(), "publisher");
      IMqttToken last = null;
      for (long seq = 1; seq <= messages; seq++) {
        MqttMessage message = new MqttMessage(ByteBuffer.allocate(8).putLong(seq).array());
        message.setQos(1);
        last = publisher.publish(TOPIC, message);
        // Stay inside the client's in-flight window; the broker's receive maximum is raised.
        if (seq % 500 == 0) {
          last.waitForCompletion(10_000);
        }
      }
      last.waitForCompletion(10_000);

      await().atMost(Duration.ofSeconds(30)).until(() -> received.size() >= messages);
      assertThat(received).hasSize(messages);
      for (int i = 0; i < messages; i++) {
        assertThat(received.get(i)).as("message #%d", i).isEqualTo(i + 1L);
      }
      assertThat(broker.droppedMessages()).isZero();
      publisher.disconnect().waitForCompletion(5_000);
      publisher.close();
      subscriber.disconnect();
      subscriber.close();
    }
  }

  @Test
  void shouldListenOnLoopbackOnly() {
    try (EmbeddedMqttBroker broker = EmbeddedMqttBroker.start()) {
      assertThat(broker.serverUri()).isEqualTo("tcp://127.0.0.1:" + broker.port());
    }
  }

  @Test
  void shouldQueueMessagesForOfflinePersistentSessionBeyondHiveMqDefaultLimit() throws Exception {
    int messages = 3_000; // HiveMQ's default queue holds 1,000 and silently drops the rest.
    try (EmbeddedMqttBroker broker = EmbeddedMqttBroker.start()) {
      MqttClient subscriber = connect(broker.serverUri(), "offline-sub", null, false);
      subscriber.subscribe(TOPIC, 1);
      subscriber.disconnect();

      MqttAsyncClient publisher = connectAsync(broker.serverUri(), "burst-publisher");
      IMqttToken last = null;
      for (long seq = 1; seq <= messages; seq++) {
        MqttMessage message = new MqttMessage(ByteBuffer.allocate(8).putLong(seq).array());
        message.setQos(1);
        last = publisher.publish(TOPIC, message);
        if (seq % 500 == 0) {
          last.waitForCompletion(10_000);
        }
      }
      last.waitForCompletion(10_000);

      List<Long> received = new CopyOnWriteArrayList<>();
      subscriber.setCallback(
          new MessageCollector(message -> received.add(ByteBuffer.wrap(message).getLong())));
      subscriber.connect(options(null, false));

      await().atMost(Duration.ofSeconds(30)).until(() -> received.size() >= messages);
      assertThat(received).doesNotHaveDuplicates().hasSize(messages);
      assertThat(broker.droppedMessages()).isZero();
      publisher.disconnect().waitForCompletion(5_000);
      publisher.close();
      subscriber.disconnect();
      subscriber.close();
    }
  }

  @Test
  void shouldAcceptOnlyKnownUsersWhenPasswordsAreConfigured() throws Exception {
    try (EmbeddedMqttBroker broker =
        EmbeddedMqttBroker.builder().users(Map.of("gateway-1", "s3cret")).start()) {
      MqttClient good = connect(broker.serverUri(), "good", new String[] {"gateway-1", "s3cret"});
      assertThat(good.isConnected()).isTrue();
      good.disconnect();
      good.close();

      assertThatThrownBy(
              () -> connect(broker.serverUri(), "bad", new String[] {"gateway-1", "wrong"}))
          .isInstanceOf(MqttException.class);
      assertThatThrownBy(() -> connect(broker.serverUri(), "anonymous", null))
          .isInstanceOf(MqttException.class);
    }
  }

  private static MqttClient connect(String uri, String clientId, String[] credentials)
      throws MqttException {
    return connect(uri, clientId, credentials, true);
  }

  private static MqttClient connect(
      String uri, String clientId, String[] credentials, boolean cleanStart) throws MqttException {
    MqttClient client = new MqttClient(uri, clientId, new MemoryPersistence());
    MqttConnectionOptions options = options(credentials, cleanStart);
    client.connect(options);
    return client;
  }

  private static MqttConnectionOptions options(String[] credentials, boolean cleanStart) {
    MqttConnectionOptions options = new MqttConnectionOptions();
    options.setCleanStart(cleanStart);
    options.setSessionExpiryInterval(cleanStart ? 0L : 3_600L);
    options.setAutomaticReconnect(false);
    if (credentials != null) {
      options.setUserName(credentials[0]);
      options.setPassword(credentials[1].getBytes(StandardCharsets.UTF_8));
    }
    return options;
  }

  private static MqttAsyncClient connectAsync(String uri, String clientId) throws MqttException {
    MqttAsyncClient client = new MqttAsyncClient(uri, clientId, new MemoryPersistence());
    MqttConnectionOptions options = options(null, true);
    options.setReceiveMaximum(1_000);
    client.connect(options).waitForCompletion(10_000);
    return client;
  }
}
