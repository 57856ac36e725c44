package dev.fieldline.simulator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fleet of devices publishing over one MQTT v5 connection (or, with {@link DeviceIdentities}, one
 * mutual-TLS connection per device; in Sparkplug B, one connection per edge node) at a steady
 * target rate, QoS 1. Every acknowledged publish is written into the {@link Ledger}; publishes in
 * flight are bounded by the broker's receive maximum, so a slow broker slows the fleet instead of
 * failing it.
 */
public final class Simulator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Simulator.class);
  private static final int CONNECTING_AT_ONCE = 8;

  private final SimulatorSettings settings;
  private final Ledger ledger = new Ledger();
  private final List<SimulatedDevice> fleet = new ArrayList<>();
  private final Random random;
  private final DeviceIdentities identities;
  private final Map<String, MqttAsyncClient> clients = new LinkedHashMap<>();
  private final Map<String, SparkplugNode> nodes = new LinkedHashMap<>();
  private final List<Malformation> malformations;
  private Semaphore inFlight;
  private int permits;
  private Thread loop;
  private volatile boolean running;
  private long spoiledSoFar;

  public Simulator(SimulatorSettings settings) {
    this(settings, null);
  }

  /** A fleet where every device connects with its own certificate from {@code identities}. */
  public Simulator(SimulatorSettings settings, DeviceIdentities identities) {
    this.settings = settings;
    this.identities = identities;
    this.random = new Random(settings.seed());
    boolean sparkplug = settings.format() == PayloadFormat.SPARKPLUG;
    if (sparkplug && identities != null) {
      throw new IllegalArgumentException(
          "Sparkplug B connects edge nodes, not devices: per-device identities do not apply");
    }
    this.malformations = Malformation.of(settings.format());
    // A new bdSeq per run, so a late will of an earlier run cannot match this run's births.
    long bdSeq = (System.currentTimeMillis() / 1000) % 256;
    for (int i = 0; i < settings.devices(); i++) {
      DeviceType type = settings.types().get(i % settings.types().size());
      String deviceId = settings.devicePrefix() + String.format("%04d", i);
      String siteId = settings.sitePrefix() + (i % settings.sites());
      SparkplugNode node =
          sparkplug
              ? nodes.computeIfAbsent(siteId, site -> new SparkplugNode(site, site + "-gw", bdSeq))
              : null;
      SimulatedDevice device =
          new SimulatedDevice(
              deviceId,
              node == null ? deviceId : node.fieldlineId(deviceId),
              siteId,
              type,
              node,
              random.nextDouble() * 2 * Math.PI,
              settings.episodes());
      fleet.add(device);
      ledger.register(device.ledgerId, siteId, type.id());
    }
  }

  /** Connects and starts publishing in the background. */
  public Simulator start() throws MqttException {
    int serverMaximum = 65_535;
    if (!nodes.isEmpty()) {
      for (SparkplugNode node : nodes.values()) {
        Connection own = connectNode(node);
        fleet.stream()
            .filter(device -> device.node == node)
            .forEach(device -> clients.put(device.deviceId, own.client()));
        serverMaximum = Math.min(serverMaximum, own.receiveMaximum());
      }
    } else if (identities == null) {
      Connection shared = connect(settings.clientId(), null);
      fleet.forEach(device -> clients.put(device.deviceId, shared.client()));
      serverMaximum = shared.receiveMaximum();
    } else {
      for (Map.Entry<String, Connection> own : connectEachDevice().entrySet()) {
        clients.put(own.getKey(), own.getValue().client());
        serverMaximum = Math.min(serverMaximum, own.getValue().receiveMaximum());
      }
    }
    permits = Math.min(settings.maxInFlight(), serverMaximum);
    inFlight = new Semaphore(permits);
    running = true;
    loop = new Thread(this::publishLoop, "simulator-" + settings.clientId());
    loop.start();
    log.info(
        "simulating {} devices on {} sites at {} messages/s into {} ({} in flight at most)",
        settings.devices(),
        settings.sites(),
        settings.messagesPerSecond(),
        settings.brokerUri(),
        permits);
    return this;
  }

  /**
   * One mutual-TLS connection per device, several at once: loading a PKCS12 keystore and a TLS
   * handshake take tens of milliseconds each, too long to do a large fleet one by one.
   */
  private Map<String, Connection> connectEachDevice() throws MqttException {
    ExecutorService pool = Executors.newFixedThreadPool(CONNECTING_AT_ONCE);
    try {
      Map<String, Future<Connection>> pending = new LinkedHashMap<>();
      for (SimulatedDevice device : fleet) {
        pending.put(
            device.deviceId,
            pool.submit(() -> connect(device.deviceId, identities.socketFactory(device.deviceId))));
      }
      Map<String, Connection> connected = new LinkedHashMap<>();
      for (Map.Entry<String, Future<Connection>> each : pending.entrySet()) {
        connected.put(each.getKey(), each.getValue().get());
      }
      return connected;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof MqttException mqtt) {
        throw mqtt;
      }
      throw new IllegalStateException("cannot connect the fleet", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while connecting the fleet", e);
    } finally {
      pool.shutdownNow();
    }
  }

  private Connection connect(String clientId, SSLSocketFactory tls) throws MqttException {
    MqttAsyncClient client =
        new MqttAsyncClient(settings.brokerUri(), clientId, new MemoryPersistence());
    MqttConnectionOptions options = options();
    if (tls != null) {
      options.setSocketFactory(tls);
    }
    return connected(client, options);
  }

  private static MqttConnectionOptions options() {
    MqttConnectionOptions options = new MqttConnectionOptions();
    options.setCleanStart(true);
    options.setAutomaticReconnect(true);
    options.setConnectionTimeout(10);
    return options;
  }

  /**
   * An edge node's own connection, as Sparkplug B has it: its NDEATH as the will, its NCMD topic
   * subscribed so that a host's Rebirth request is answered, and a rebirth after every reconnect.
   */
  private Connection connectNode(SparkplugNode node) throws MqttException {
    MqttAsyncClient client =
        new MqttAsyncClient(
            settings.brokerUri(), settings.clientId() + "-" + node.nodeId, new MemoryPersistence());
    MqttConnectionOptions options = options();
    MqttMessage will = new MqttMessage(node.ndeath(System.currentTimeMillis()));
    will.setQos(1);
    options.setWill(node.topic("NDEATH"), will);
    client.setCallback(new SparkplugCommands(node));
    Connection connection = connected(client, options);
    client.subscribe(new MqttSubscription(node.commandTopic(), 1)).waitForCompletion(15_000);
    return connection;
  }

  private static Connection connected(MqttAsyncClient client, MqttConnectionOptions options)
      throws MqttException {
    IMqttToken connected = client.connect(options);
    connected.waitForCompletion(15_000);
    Integer maximum =
        connected.getResponseProperties() == null
            ? null
            : connected.getResponseProperties().getReceiveMaximum();
    return new Connection(client, maximum == null ? 65_535 : maximum);
  }

  /** A connected client and the receive maximum its broker granted. */
  private record Connection(MqttAsyncClient client, int receiveMaximum) {}

  private void publishLoop() {
    long intervalNanos = (long) (1e9 / settings.messagesPerSecond());
    long next = System.nanoTime();
    int index = 0;
    try {
      while (running) {
        long wait = next - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
          continue;
        }
        publishOne(fleet.get(index));
        index = (index + 1) % fleet.size();
        next += intervalNanos;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void publishOne(SimulatedDevice device) throws InterruptedException {
    long now = System.currentTimeMillis();
    SparkplugNode node = device.node;
    if (node != null && node.rebirthRequested()) {
      publish(device, node.topic("NBIRTH"), node.nbirth(now), () -> {});
    }
    String topic =
        node != null
            ? node.topic(node.born(device.deviceId) ? "DDATA" : "DBIRTH", device.deviceId)
            : settings
                .topicTemplate()
                .replace("{siteId}", device.siteId)
                .replace("{deviceId}", device.deviceId);
    DeviceType.Metric first = device.type.metrics().get(0);
    byte[] payload;
    Runnable onAck;
    // A Sparkplug device is spoiled only once born: data before a birth is not bad data.
    if (random.nextDouble() < settings.malformedRate()
        && (node == null || node.born(device.deviceId))) {
      Malformation kind = malformations.get((int) (spoiledSoFar++ % malformations.size()));
      payload =
          node != null
              ? node.spoiled(kind, device.deviceId, now)
              : Payloads.spoiled(
                  kind, device.deviceId, device.type.id(), now, device.seq + 1, first.name());
      onAck = () -> ledger.spoiled(device.ledgerId, kind);
    } else {
      long seq = ++device.seq;
      Map<String, Double> values = new LinkedHashMap<>();
      int anomalous =
          random.nextDouble() < settings.anomalyRate()
              ? random.nextInt(device.type.metrics().size())
              : -1;
      for (int m = 0; m < device.type.metrics().size(); m++) {
        DeviceType.Metric metric = device.type.metrics().get(m);
        double value =
            device.episodes[m].value(
                now, seq, device.phase, random.nextGaussian(), random, ledger::episode);
        if (m == anomalous) {
          value += metric.anomalyOffset();
          // An injected anomaly is ground truth too: a one-reading spike.
          ledger.episode(
              new Episode(device.ledgerId, metric.name(), EpisodeKind.SPIKE, now, now, seq, seq));
        }
        values.put(metric.name(), Math.round(value * 1000) / 1000.0);
      }
      payload =
          node != null
              ? node.reading(device.deviceId, device.type, now, values)
              : Payloads.reading(device.deviceId, device.type.id(), now, seq, values);
      int readings = values.size();
      int anomalies = anomalous >= 0 ? 1 : 0;
      onAck = () -> ledger.good(device.ledgerId, seq, readings, anomalies);
    }
    publish(device, topic, payload, onAck);
  }

  private void publish(SimulatedDevice device, String topic, byte[] payload, Runnable onAck)
      throws InterruptedException {
    inFlight.acquire();
    MqttMessage message = new MqttMessage(payload);
    message.setQos(1);
    try {
      clients
          .get(device.deviceId)
          .publish(
              topic,
              message,
              null,
              new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                  onAck.run();
                  inFlight.release();
                }

                @Override
                public void onFailure(IMqttToken token, Throwable failure) {
                  ledger.failed(device.ledgerId);
                  inFlight.release();
                }
              });
    } catch (MqttException e) {
      ledger.failed(device.ledgerId);
      inFlight.release();
      if (running) {
        log.warn("publish failed: {}", e.getMessage());
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
      }
    }
  }

  public Ledger ledger() {
    return ledger;
  }

  public SimulatorSettings settings() {
    return settings;
  }

  /** Stops publishing and waits until every publish in flight is acknowledged or failed. */
  public void stop() throws InterruptedException {
    running = false;
    if (loop != null) {
      loop.join(10_000);
    }
    if (loop == null || !loop.isAlive()) {
      for (SimulatedDevice device : fleet) {
        for (EpisodeTrack track : device.episodes) {
          track.close(ledger::episode);
        }
      }
    }
    if (inFlight != null && inFlight.tryAcquire(permits, 30, TimeUnit.SECONDS)) {
      inFlight.release(permits);
    }
  }

  @Override
  public void close() throws Exception {
    stop();
    // A Sparkplug edge node says goodbye with its NDEATH before it disconnects.
    for (SimulatedDevice device : fleet) {
      SparkplugNode node = device.node;
      MqttAsyncClient client = clients.get(device.deviceId);
      if (node != null && nodes.remove(node.group) != null && client.isConnected()) {
        MqttMessage death = new MqttMessage(node.ndeath(System.currentTimeMillis()));
        death.setQos(1);
        client.publish(node.topic("NDEATH"), death).waitForCompletion(5_000);
      }
    }
    for (MqttAsyncClient client : new LinkedHashSet<>(clients.values())) {
      if (client.isConnected()) {
        client.disconnect().waitForCompletion(5_000);
      }
      client.close();
    }
  }

  /**
   * One device: where it is, what it is, its own phase of the daily cycle, its sequence number; in
   * Sparkplug B its edge node, and the id the edge agent knows it by ({@code node:device}).
   */
  private static final class SimulatedDevice {
    final String deviceId;
    final String ledgerId;
    final String siteId;
    final DeviceType type;
    final SparkplugNode node;
    final double phase;
    final EpisodeTrack[] episodes;
    long seq;

    SimulatedDevice(
        String deviceId,
        String ledgerId,
        String siteId,
        DeviceType type,
        SparkplugNode node,
        double phase,
        EpisodeSettings settings) {
      this.deviceId = deviceId;
      this.ledgerId = ledgerId;
      this.siteId = siteId;
      this.type = type;
      this.node = node;
      this.phase = phase;
      this.episodes = new EpisodeTrack[type.metrics().size()];
      for (int m = 0; m < episodes.length; m++) {
        episodes[m] = new EpisodeTrack(ledgerId, type.metrics().get(m), settings);
      }
    }
  }

  /** An edge node's MQTT callback: a host's Rebirth request, and a rebirth after a reconnect. */
  private static final class SparkplugCommands implements MqttCallback {
    private final SparkplugNode node;

    SparkplugCommands(SparkplugNode node) {
      this.node = node;
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
      if (SparkplugNode.asksRebirth(message.getPayload())) {
        node.requestRebirth();
      }
    }

    @Override
    public void connectComplete(boolean reconnect, String serverUri) {
      if (reconnect) {
        node.requestRebirth(); // a new session: hosts learn the node again from its birth
      }
    }

    @Override
    public void disconnected(MqttDisconnectResponse response) {}

    @Override
    public void mqttErrorOccurred(MqttException exception) {}

    @Override
    public void deliveryComplete(IMqttToken token) {}

    @Override
    public void authPacketArrived(int reasonCode, MqttProperties properties) {}
  }
}
