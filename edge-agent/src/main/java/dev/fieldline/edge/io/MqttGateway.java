package dev.fieldline.edge.io;

import dev.fieldline.support.tracing.TraceParent;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's MQTT connection (Eclipse Paho v5): a persistent session (clean start off) subscribed
 * at QoS 1, TCP_NODELAY, manual acknowledgements, and reconnection with jittered exponential
 * backoff.
 *
 * <p>Paho's single callback thread only copies each message into the hand-off queue and returns;
 * everything else happens on the decision thread (blocking Paho's callback deadlocks QoS 1
 * publishing). Messages are acknowledged by the decision thread once the journal holds what they
 * caused; until then the broker keeps them and re-sends them after a reconnect.
 */
public final class MqttGateway implements MqttCallback, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MqttGateway.class);

  private final MqttSettings settings;
  private final InboundQueue handoff;
  private final MqttAsyncClient client;
  private final ScheduledExecutorService reconnector =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "mqtt-reconnect");
            t.setDaemon(true);
            return t;
          });
  private volatile long stateSince;
  private final AtomicLong connection = new AtomicLong();
  private volatile boolean connected;
  private volatile boolean closing;
  private int attempts;
  public final LongAdder received = new LongAdder();
  public final LongAdder published = new LongAdder();
  public final LongAdder publishFailures = new LongAdder();
  public final LongAdder reconnects = new LongAdder();

  /** Connections on which the broker no longer had the agent's session (and what it queued). */
  public final LongAdder sessionsLost = new LongAdder();

  private BrokerLimits limits;
  private boolean connectedBefore;

  private volatile long connectedAt;

  public MqttGateway(MqttSettings settings, InboundQueue handoff) throws MqttException {
    this.settings = settings;
    this.handoff = handoff;
    this.client =
        new MqttAsyncClient(settings.serverUri(), settings.clientId(), new MemoryPersistence());
    this.client.setManualAcks(true);
    this.client.setCallback(this);
  }

  /** Sparkplug B: the host application's state topic. */
  private String stateTopic() {
    return "spBv1.0/STATE/" + settings.sparkplugHostId();
  }

  /** A STATE payload: online or not, since the connection's timestamp (the same in both). */
  private static byte[] state(boolean online, long timestamp) {
    return ("{\"online\":" + online + ",\"timestamp\":" + timestamp + "}")
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Connects (retrying with backoff until it succeeds or the gateway closes) and subscribes. */
  public void start() {
    connectNow();
  }

  private MqttConnectionOptions options() {
    MqttConnectionOptions options = new MqttConnectionOptions();
    if (settings.sparkplugHostId() != null) {
      // Sparkplug B host application: its death certificate, retained, as the connection's will.
      stateSince = System.currentTimeMillis();
      MqttMessage death = new MqttMessage(state(false, stateSince));
      death.setQos(1);
      death.setRetained(true);
      options.setWill(stateTopic(), death);
    }
    options.setCleanStart(false);
    options.setSessionExpiryInterval(settings.sessionExpiry().toSeconds());
    options.setKeepAliveInterval((int) settings.keepAlive().toSeconds());
    options.setReceiveMaximum(settings.receiveMaximum());
    options.setAutomaticReconnect(false); // our own policy, with jitter
    options.setConnectionTimeout(10);
    options.setSocketFactory(
        settings.tls() == null
            ? new NoDelaySocketFactory()
            : new NoDelaySslSocketFactory(settings.tls().socketFactory()));
    if (settings.username() != null && !settings.username().isEmpty()) {
      options.setUserName(settings.username());
    }
    if (settings.password() != null && settings.password().length > 0) {
      options.setPassword(
          new String(settings.password()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    return options;
  }

  /**
   * A SUBACK can refuse a filter (a zero-trust broker's policy): the agent would then hear nothing
   * from those devices, so it treats it like a failed connection, loudly, and tries again later.
   */
  private static void refuseDeniedSubscriptions(String[] filters, int[] reasonCodes)
      throws MqttException {
    for (int i = 0; reasonCodes != null && i < reasonCodes.length && i < filters.length; i++) {
      if (reasonCodes[i] >= 0x80) {
        log.error(
            "the broker refused the subscription to {} (reason code {}): check what its access"
                + " policy grants this gateway's identity",
            filters[i],
            reasonCodes[i]);
        throw new MqttException(reasonCodes[i]);
      }
    }
  }

  private void connectNow() {
    if (closing) {
      return;
    }
    try {
      // A new number before CONNECT: the broker re-sends its session's messages right after
      // CONNACK, and they must be acknowledged on this connection.
      long id = connection.incrementAndGet();
      IMqttToken connack = client.connect(options());
      connack.waitForCompletion(15_000);
      checkBroker(connack);
      String[] filters = settings.subscriptions().toArray(String[]::new);
      int[] qos = new int[filters.length];
      Arrays.fill(qos, 1);
      IMqttToken subscribed = client.subscribe(filters, qos);
      subscribed.waitForCompletion(10_000);
      refuseDeniedSubscriptions(filters, subscribed.getReasonCodes());
      if (settings.sparkplugHostId() != null) {
        // Edge nodes wait for their host to be online before they publish (Sparkplug B 3.0).
        client.publish(stateTopic(), state(true, stateSince), 1, true).waitForCompletion(10_000);
      }
      connectedAt = System.currentTimeMillis();
      connected = true;
      if (attempts > 0) {
        reconnects.increment();
      }
      log.info(
          "connected to {} as {} (connection {}), subscribed to {}",
          settings.serverUri(),
          settings.clientId(),
          id,
          settings.subscriptions());
      attempts = 0;
    } catch (MqttException e) {
      attempts++;
      long delay = settings.reconnect().delay(attempts).toMillis();
      if (attempts == 1 || attempts % 10 == 0) {
        log.warn(
            "cannot connect to {} ({}), attempt {}; retrying in {} ms",
            settings.serverUri(),
            e.getMessage(),
            attempts,
            delay);
      }
      try {
        if (client.isConnected()) {
          client.disconnect().waitForCompletion(1_000);
        }
      } catch (MqttException ignored) {
        // already broken
      }
      reconnector.schedule(this::connectNow, delay, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Logs what the broker announced and where it cannot keep the no-loss guarantee, and notices a
   * session the broker lost: the readings it had queued for the agent are gone.
   */
  private void checkBroker(IMqttToken connack) {
    BrokerLimits announced = BrokerLimits.fromConnack(connack.getResponseProperties());
    if (!announced.equals(limits)) {
      limits = announced;
      log.info("broker {}: {}", settings.serverUri(), announced);
      for (String warning : announced.warnings(settings.sessionExpiry(), settings.rideOut())) {
        log.warn("broker {}: {}", settings.serverUri(), warning);
      }
      long queue = BrokerLimits.queueNeeded(settings.rideOut(), settings.expectedRate());
      if (queue > 0) {
        log.info(
            "to ride out {} at {} messages/s the broker must queue {} messages for {}; MQTT does"
                + " not announce its queue size (Mosquitto max_queued_messages, max_queued_bytes"
                + " and persistence; HiveMQ max-queue-size): readings it drops are counted as"
                + " fieldline_edge_readings_missing_total",
            settings.rideOut(),
            settings.expectedRate(),
            queue,
            settings.clientId());
      }
    }
    if (!connack.getSessionPresent()) {
      if (connectedBefore) {
        sessionsLost.increment();
        log.warn(
            "the broker {} no longer had session {}: what it queued while the agent was away is"
                + " lost (expired, or a broker restart without persistence)",
            settings.serverUri(),
            settings.clientId());
      } else {
        log.info(
            "no session {} at the broker yet (first start, or the broker lost it); readings it"
                + " lost show as sequence gaps",
            settings.clientId());
      }
    }
    connectedBefore = true;
  }

  public boolean isConnected() {
    return connected;
  }

  /**
   * Since when the agent has heard its devices without a break: the time of the current connection,
   * or {@code now} while there is none (devices are not silent while we are deaf).
   */
  public long listeningSince(long now) {
    return connected ? connectedAt : now;
  }

  /**
   * The current connection's number; an acknowledgement is only valid on the connection it came on.
   */
  public long connection() {
    return connection.get();
  }

  /** Acknowledges a message (decision thread); silently skipped if its connection is gone. */
  public void acknowledge(Inbound message) {
    if (message.qos() == 0 || message.connection() != connection.get()) {
      return; // from a connection that is gone: the broker re-sends it on the new one
    }
    try {
      client.messageArrivedComplete(message.messageId(), message.qos());
    } catch (MqttException | RuntimeException e) {
      log.debug("acknowledgement of {} not sent: {}", message.messageId(), e.getMessage());
    }
  }

  private static String traceParent(MqttMessage message) {
    MqttProperties properties = message.getProperties();
    if (properties == null || properties.getUserProperties() == null) {
      return null;
    }
    for (UserProperty property : properties.getUserProperties()) {
      if (TraceParent.NAME.equals(property.getKey())) {
        return property.getValue();
      }
    }
    return null;
  }

  /** Publishes without waiting; returns false (and counts) when Paho refuses it. */
  public boolean publish(String topic, byte[] payload, int qos) {
    return publish(topic, payload, qos, null);
  }

  /**
   * Publishes without waiting, with a W3C {@code traceparent} user property when {@code
   * traceParent} is not null; returns false (and counts) when Paho refuses it.
   */
  public boolean publish(String topic, byte[] payload, int qos, String traceParent) {
    if (!connected) {
      publishFailures.increment();
      return false;
    }
    try {
      if (traceParent == null) {
        client.publish(topic, payload, qos, false);
      } else {
        MqttMessage message = new MqttMessage(payload);
        message.setQos(qos);
        MqttProperties properties = new MqttProperties();
        properties.setUserProperties(List.of(new UserProperty(TraceParent.NAME, traceParent)));
        message.setProperties(properties);
        client.publish(topic, message);
      }
      published.increment();
      return true;
    } catch (MqttException | RuntimeException e) {
      publishFailures.increment();
      log.debug("publish to {} failed: {}", topic, e.getMessage());
      return false;
    }
  }

  @Override
  public void messageArrived(String topic, MqttMessage message) {
    // Paho's callback thread: copy, hand off, return. Never block, never throw.
    received.increment();
    Inbound inbound =
        new Inbound(
            topic,
            message.getPayload(),
            message.getId(),
            message.getQos(),
            connection.get(),
            System.nanoTime(),
            settings.readTraceParent() ? traceParent(message) : null);
    if (!handoff.offer(inbound)) {
      // Cannot happen while the queue is larger than the receive maximum; if it does, the message
      // stays unacknowledged and the broker re-sends it after the next reconnect.
      log.error("hand-off queue full; message {} left to the broker", message.getId());
    }
  }

  @Override
  public void disconnected(MqttDisconnectResponse response) {
    connectionLost(response.getReasonString());
  }

  @Override
  public void mqttErrorOccurred(MqttException exception) {
    log.warn("MQTT error: {}", exception.getMessage());
  }

  private void connectionLost(String why) {
    if (closing) {
      return;
    }
    connected = false;
    log.warn("lost the connection to {} ({}); reconnecting", settings.serverUri(), why);
    attempts = 1;
    reconnector.schedule(
        this::connectNow, settings.reconnect().delay(1).toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void deliveryComplete(IMqttToken token) {}

  @Override
  public void connectComplete(boolean reconnect, String serverUri) {}

  @Override
  public void authPacketArrived(int reasonCode, MqttProperties properties) {}

  /** Disconnects; unacknowledged messages stay with the broker's session. */
  @Override
  public void close() {
    closing = true;
    connected = false;
    reconnector.shutdownNow();
    try {
      if (client.isConnected() && settings.sparkplugHostId() != null) {
        // A clean disconnect sends no will: the host says it is offline itself.
        client.publish(stateTopic(), state(false, stateSince), 1, true).waitForCompletion(2_000);
      }
      if (client.isConnected()) {
        client.disconnect(5_000).waitForCompletion(6_000);
      }
    } catch (MqttException e) {
      log.debug("disconnect: {}", e.getMessage());
    }
    try {
      client.close(true);
    } catch (MqttException e) {
      log.debug("close: {}", e.getMessage());
    }
  }
}
