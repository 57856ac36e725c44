package dev.fieldline.infra.mqtt;

import com.codahale.metrics.Counter;
import com.hivemq.configuration.service.InternalConfigurations;
import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import com.hivemq.embedded.EmbeddedHiveMQBuilder;
import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import dev.fieldline.infra.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An MQTT 3.1.1 and 5 broker (HiveMQ Community Edition) inside this JVM, bound to 127.0.0.1 on a
 * free port, with the limits raised that otherwise drop or throttle a busy edge: HiveMQ's default
 * queue of 1,000 messages per offline client silently discards QoS 1 messages past it, and its
 * receive maximum of 10 caps a client's unacknowledged publishes.
 *
 * <p>Optionally: a TLS listener (server-verified or mutual), username/password authentication, and
 * file persistence so that sessions and queued messages survive a restart on the same data folder.
 * With an {@link MqttAccessPolicy} the broker is zero trust: no plain listener, every client needs
 * a certificate from the trusted authority, and may publish and subscribe only where the policy
 * lets its identity.
 */
public final class EmbeddedMqttBroker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedMqttBroker.class);
  private static final String DROPPED_TOTAL = "com.hivemq.messages.dropped.count";
  private static final int START_ATTEMPTS = 3;

  /** Where sessions and queued messages live. */
  public enum Persistence {
    IN_MEMORY,
    FILE
  }

  private final Builder settings;
  private final Path home;
  private final boolean ownsHome;
  private EmbeddedHiveMQ hivemq;
  private int port;
  private int tlsPort = -1;
  private final AtomicLong refusedConnections = new AtomicLong();

  private EmbeddedMqttBroker(Builder settings) {
    this.settings = settings;
    try {
      this.ownsHome = settings.dataDirectory == null;
      this.home = ownsHome ? Files.createTempDirectory("fieldline-mqtt-") : settings.dataDirectory;
      Files.createDirectories(home.resolve("conf"));
      Files.createDirectories(home.resolve("data"));
      Files.createDirectories(home.resolve("extensions"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the MQTT broker's folders", e);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Starts an in-memory broker with default settings. */
  public static EmbeddedMqttBroker start() {
    return builder().start();
  }

  private EmbeddedMqttBroker startBroker() {
    RuntimeException last = null;
    for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      port = settings.port > 0 ? settings.port : FreePorts.pick();
      tlsPort =
          settings.tls == null ? -1 : (settings.tlsPort > 0 ? settings.tlsPort : FreePorts.pick());
      try {
        startOnce();
        return this;
      } catch (RuntimeException e) {
        // A free port can be taken between picking and binding it: try another one.
        last = e;
        stopQuietly();
        if (settings.port > 0) {
          break;
        }
      }
    }
    throw new IllegalStateException("cannot start the embedded MQTT broker", last);
  }

  private void startOnce() {
    long started = System.nanoTime();
    writeConfig();
    // HiveMQ CE sends at most 50 unacknowledged QoS 1 messages to a client (whatever the client's
    // receive maximum) and has no config.xml key for it. A client that acknowledges only after
    // making a message durable (the edge agent) would be throttled to 50 messages per journal
    // commit; the window is a JVM-wide internal setting, raised here before the broker starts.
    InternalConfigurations.MAX_INFLIGHT_WINDOW_SIZE_MESSAGES = settings.inflightWindow;
    EmbeddedHiveMQBuilder builder =
        EmbeddedHiveMQ.builder()
            .withConfigurationFolder(home.resolve("conf"))
            .withDataFolder(home.resolve("data"))
            .withExtensionsFolder(home.resolve("extensions"))
            .withoutLoggingBootstrap();
    if (settings.accessPolicy != null) {
      builder.withEmbeddedExtension(
          authenticationExtension(
              "fieldline-certificate-auth",
              new CertificateAuthenticator(settings.accessPolicy, refusedConnections)));
    } else if (!settings.users.isEmpty()) {
      builder.withEmbeddedExtension(
          authenticationExtension(
              "fieldline-password-auth", new PasswordAuthenticator(settings.users)));
    }
    hivemq = builder.build();
    hivemq.start().join();
    log.info(
        "MQTT broker up at {} in {} ms",
        hasPlainListener()
            ? serverUri() + (tlsPort > 0 ? " and " + tlsServerUri() : "")
            : tlsServerUri() + " (mutual TLS, access policy)",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
  }

  private void writeConfig() {
    StringBuilder xml = new StringBuilder();
    xml.append("<?xml version=\"1.0\"?>\n<hivemq>\n  <listeners>\n");
    if (hasPlainListener()) {
      xml.append("    <tcp-listener>\n")
          .append("      <port>")
          .append(port)
          .append("</port>\n      <bind-address>127.0.0.1</bind-address>\n")
          .append("    </tcp-listener>\n");
    }
    if (settings.tls != null) {
      MqttTls tls = settings.tls;
      xml.append("    <tls-tcp-listener>\n      <port>")
          .append(tlsPort)
          .append("</port>\n      <bind-address>127.0.0.1</bind-address>\n      <tls>\n")
          .append("        <keystore>\n          <path>")
          .append(escape(tls.keystore().toAbsolutePath().toString()))
          .append("</path>\n          <password>")
          .append(escape(tls.keystorePassword()))
          .append("</password>\n          <private-key-password>")
          .append(escape(tls.privateKeyPassword()))
          .append("</private-key-password>\n        </keystore>\n");
      if (tls.truststore() != null) {
        xml.append("        <truststore>\n          <path>")
            .append(escape(tls.truststore().toAbsolutePath().toString()))
            .append("</path>\n          <password>")
            .append(escape(tls.truststorePassword() == null ? "" : tls.truststorePassword()))
            .append("</password>\n        </truststore>\n");
      }
      xml.append("        <client-authentication-mode>")
          .append(tls.clientAuthentication().name())
          .append("</client-authentication-mode>\n      </tls>\n    </tls-tcp-listener>\n");
    }
    xml.append("  </listeners>\n  <mqtt>\n")
        .append("    <queued-messages>\n      <max-queue-size>")
        .append(settings.maxQueueSize)
        .append("</max-queue-size>\n      <strategy>discard</strategy>\n    </queued-messages>\n")
        .append("    <receive-maximum>\n      <server-receive-maximum>")
        .append(settings.serverReceiveMaximum)
        .append("</server-receive-maximum>\n    </receive-maximum>\n  </mqtt>\n")
        .append("  <persistence>\n    <mode>")
        .append(settings.persistence == Persistence.FILE ? "file" : "in-memory")
        .append("</mode>\n  </persistence>\n")
        .append("  <anonymous-usage-statistics>\n    <enabled>false</enabled>\n")
        .append("  </anonymous-usage-statistics>\n</hivemq>\n");
    try {
      Files.writeString(home.resolve("conf/config.xml"), xml, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the MQTT broker's config.xml", e);
    }
  }

  private static EmbeddedExtension authenticationExtension(
      String id, SimpleAuthenticator authenticator) {
    ExtensionMain main =
        new ExtensionMain() {
          @Override
          public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
            Services.securityRegistry().setAuthenticatorProvider(providerInput -> authenticator);
          }

          @Override
          public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {}
        };
    return EmbeddedExtension.builder()
        .withId(id)
        .withName(id)
        .withVersion("1")
        .withPriority(1000)
        .withStartPriority(1000)
        .withExtensionMain(main)
        .build();
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;")
        .replace("'", "&apos;");
  }

  public String host() {
    return "127.0.0.1";
  }

  public int port() {
    return port;
  }

  /** The plain TCP listener, e.g. {@code tcp://127.0.0.1:41883}; none under an access policy. */
  public String serverUri() {
    if (!hasPlainListener()) {
      throw new IllegalStateException("this broker accepts mutual TLS only: " + tlsServerUri());
    }
    return "tcp://" + host() + ":" + port;
  }

  /** The TLS listener, e.g. {@code ssl://127.0.0.1:48883}; only when TLS was configured. */
  public String tlsServerUri() {
    if (tlsPort < 0) {
      throw new IllegalStateException("this broker has no TLS listener");
    }
    return "ssl://" + host() + ":" + tlsPort;
  }

  private boolean hasPlainListener() {
    return settings.accessPolicy == null;
  }

  /** Connections the access policy refused (no or wrong identity); TLS refusals come earlier. */
  public long refusedConnections() {
    return refusedConnections.get();
  }

  /** Messages the broker discarded (queue full, expired, no matching session...), all reasons. */
  public long droppedMessages() {
    Counter total = hivemq.getMetricRegistry().getCounters().get(DROPPED_TOTAL);
    return total == null ? 0 : total.getCount();
  }

  /** Every counter whose name mentions dropped messages, by name, for diagnostics. */
  public Map<String, Long> droppedCounters() {
    Map<String, Long> dropped = new TreeMap<>();
    hivemq
        .getMetricRegistry()
        .getCounters((name, metric) -> name.contains("dropped"))
        .forEach((name, counter) -> dropped.put(name, counter.getCount()));
    return dropped;
  }

  /**
   * Stops the broker; with file persistence its data stays for a later start on the same folder.
   */
  public void stop() {
    if (hivemq != null) {
      hivemq.stop().join();
      stopQuietly();
      log.info("MQTT broker on port {} stopped", hasPlainListener() ? port : tlsPort);
    }
  }

  /** Starts the broker again on the same ports and data folder after {@link #stop()}. */
  public void restart() {
    if (hivemq != null) {
      throw new IllegalStateException("the broker is running");
    }
    startOnce();
  }

  @Override
  public void close() {
    stop();
    if (ownsHome) {
      deleteRecursively(home);
    }
  }

  private void stopQuietly() {
    if (hivemq == null) {
      return;
    }
    try {
      hivemq.close();
    } catch (Exception e) {
      log.warn("error while closing the embedded MQTT broker", e);
    } finally {
      hivemq = null;
    }
  }

  private static void deleteRecursively(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      log.warn("cannot delete {}", root, e);
    }
  }

  /** Settings of an {@link EmbeddedMqttBroker}; every one has a default that suits tests. */
  public static final class Builder {
    private int port;
    private int tlsPort;
    private Persistence persistence = Persistence.IN_MEMORY;
    private Path dataDirectory;
    private long maxQueueSize = 1_000_000;
    private int serverReceiveMaximum = 65_535;
    private int inflightWindow = 1_000;
    private Map<String, String> users = Map.of();
    private MqttTls tls;
    private MqttAccessPolicy accessPolicy;

    private Builder() {}

    /** A fixed TCP port; by default a free one is picked. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** A fixed TLS port; by default a free one is picked when TLS is on. */
    public Builder tlsPort(int tlsPort) {
      this.tlsPort = tlsPort;
      return this;
    }

    public Builder persistence(Persistence persistence) {
      this.persistence = persistence;
      return this;
    }

    /** The broker's folder (config, data); by default a temporary one deleted on close. */
    public Builder dataDirectory(Path dataDirectory) {
      this.dataDirectory = dataDirectory;
      return this;
    }

    /** Messages kept per offline persistent session before HiveMQ discards new ones. */
    public Builder maxQueueSize(long maxQueueSize) {
      if (maxQueueSize < 1) {
        throw new IllegalArgumentException("maxQueueSize must be positive");
      }
      this.maxQueueSize = maxQueueSize;
      return this;
    }

    /** Unacknowledged QoS 1/2 publishes a client may have in flight towards the broker. */
    public Builder serverReceiveMaximum(int serverReceiveMaximum) {
      if (serverReceiveMaximum < 1 || serverReceiveMaximum > 65_535) {
        throw new IllegalArgumentException("serverReceiveMaximum must be 1..65535");
      }
      this.serverReceiveMaximum = serverReceiveMaximum;
      return this;
    }

    /**
     * Unacknowledged QoS 1 messages the broker sends one client at a time (HiveMQ's internal
     * default is 50); the client's receive maximum still caps it.
     */
    public Builder inflightWindow(int inflightWindow) {
      if (inflightWindow < 1 || inflightWindow > 65_535) {
        throw new IllegalArgumentException("inflightWindow must be 1..65535");
      }
      this.inflightWindow = inflightWindow;
      return this;
    }

    /** Requires username and password on every connection; the map is username to password. */
    public Builder users(Map<String, String> users) {
      this.users = Map.copyOf(users);
      return this;
    }

    /** Adds a TLS listener beside the plain one. */
    public Builder tls(MqttTls tls) {
      this.tls = tls;
      return this;
    }

    /**
     * Zero trust: only the mutual-TLS listener (which {@link #tls} must configure), and every
     * identity limited to what the policy grants it.
     */
    public Builder accessPolicy(MqttAccessPolicy accessPolicy) {
      this.accessPolicy = accessPolicy;
      return this;
    }

    public EmbeddedMqttBroker start() {
      if (accessPolicy != null
          && (tls == null || tls.clientAuthentication() != MqttTls.ClientAuthentication.REQUIRED)) {
        throw new IllegalStateException("an access policy needs a mutual TLS listener");
      }
      return new EmbeddedMqttBroker(this).startBroker();
    }
  }
}
