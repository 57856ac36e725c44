package dev.fieldline.edge.config;

import dev.fieldline.edge.core.CoreSettings;
import dev.fieldline.edge.core.PayloadMapping;
import dev.fieldline.edge.core.TopicTemplate;
import dev.fieldline.edge.io.CommandCodec;
import dev.fieldline.edge.io.Journal;
import dev.fieldline.edge.io.KafkaUplink;
import dev.fieldline.edge.io.MqttSettings;
import dev.fieldline.edge.io.ReconnectPolicy;
import dev.fieldline.edge.io.TlsSettings;
import dev.fieldline.edge.sparkplug.SparkplugOptions;
import dev.fieldline.schema.DeadLetters;
import dev.fieldline.support.config.ClientProperties;
import dev.fieldline.support.config.Durations;
import dev.fieldline.support.config.SecretRef;
import dev.fieldline.support.config.Validated;
import dev.fieldline.support.http.HttpSettings;
import dev.fieldline.support.tracing.TracingSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * The edge agent's configuration, every setting with its default; see {@code edge.example.yaml} for
 * each key's meaning. Environment variables {@code FIELDLINE_EDGE_<KEY>} override the file.
 */
public class EdgeConfig implements Validated {
  public static final String ENV_PREFIX = "FIELDLINE_EDGE_";

  /**
   * The longest {@code journal.commit-delay}: a broker sends only so many messages before their
   * acknowledgements, so delivery would run at (its window ÷ the delay).
   */
  static final Duration MAX_COMMIT_DELAY = Duration.ofMillis(100);

  /** This gateway's id, stamped on summaries and decisions. */
  public String gatewayId = "gateway-1";

  /** The region whose Kafka cluster receives this gateway's summaries. */
  public String region = "local";

  /** Where the journal, saved features and dead-letter files live. */
  public String dataDir = "data/edge";

  /** YAML file with filters and rules; empty for none. */
  public String rulesFile = "";

  public Mqtt mqtt = new Mqtt();
  public Ingest ingest = new Ingest();
  public Windows windows = new Windows();
  public Commands commands = new Commands();
  public DeadLetters deadLetters = new DeadLetters();
  public JournalSettings journal = new JournalSettings();
  public Uplink uplink = new Uplink();
  public Residency residency = new Residency();
  public Features features = new Features();
  public HttpSettings http = new HttpSettings(9464);
  public TracingSettings tracing = new TracingSettings();

  /** The local MQTT broker. */
  public static class Mqtt {
    public String serverUri = "tcp://127.0.0.1:1883";

    /** Client id of the persistent session; default fieldline-edge-<gateway-id>. */
    public String clientId = "";

    public String telemetryTopic = "sites/{siteId}/devices/{deviceId}/telemetry";

    /**
     * Sites whose devices this agent serves, one subscription each; empty for every site on the
     * broker. A zero-trust broker grants a gateway its own sites only.
     */
    public List<String> sites = new ArrayList<>();

    public Duration sessionExpiry = Duration.ofDays(1);

    /**
     * The longest absence of the agent (restart, upgrade, crash) the broker must queue readings
     * for; the agent warns at start when what the broker announces cannot hold it.
     */
    public Duration rideOut = Duration.ofHours(1);

    /**
     * Messages per second this gateway's devices publish in total; with ride-out it states the
     * queue the broker must hold for the agent. 0 when unknown.
     */
    public double expectedRate = 0;

    public Duration keepAlive = Duration.ofSeconds(30);
    public int receiveMaximum = 65_535;
    public String username = "";
    public SecretRef password = new SecretRef();
    public Tls tls = new Tls();
    public Reconnect reconnect = new Reconnect();
  }

  /** TLS towards the broker; ssl:// URIs need it. */
  public static class Tls {
    public boolean enabled = false;

    /** CA certificates for the broker's certificate; empty for the JDK's. */
    public String truststore = "";

    public SecretRef truststorePassword = new SecretRef();

    /** The agent's own certificate and key, for mutual TLS; empty for none. */
    public String keystore = "";

    public SecretRef keystorePassword = new SecretRef();
  }

  /** Exponential backoff with jitter. */
  public static class Reconnect {
    public Duration initialDelay = Duration.ofMillis(500);
    public Duration maxDelay = Duration.ofSeconds(30);
    public double multiplier = 2.0;
    public double jitter = 0.2;

    public ReconnectPolicy policy() {
      return new ReconnectPolicy(initialDelay, maxDelay, multiplier, jitter);
    }
  }

  /** Validation of device messages. */
  public static class Ingest {
    public String defaultDeviceType = "generic";
    public int maxPayloadBytes = 65_536;
    public Duration maxFuture = Duration.ofMinutes(5);
    public Duration maxPast = Duration.ofDays(1);

    /**
     * How far (in sequence numbers, 1 to 64) a message may arrive behind a newer one of its device
     * and still count; a number skipped further back, or still missing when its window closes,
     * counts as a missing reading.
     */
    public int reorderAllowance = CoreSettings.DEFAULT_REORDER_ALLOWANCE;

    /** /health reports the agent degraded for this long after readings went missing. */
    public Duration missingDegradesFor = Duration.ofMinutes(10);

    /**
     * Payload format: {@code fieldline} (Fieldline's JSON or Avro reading) or {@code mapped-json}
     * (a vendor's JSON, read through {@link #mapping}).
     */
    public String format = FORMAT_FIELDLINE;

    /** Where a vendor's JSON keeps each part of a reading; with format mapped-json. */
    public Mapping mapping = new Mapping();

    /** Sparkplug B edge nodes, subscribed beside the telemetry topic. */
    public Sparkplug sparkplug = new Sparkplug();
  }

  /** Sparkplug B 3.0: the agent as a host application of these groups' edge nodes. */
  public static class Sparkplug {
    public boolean enabled = false;

    /** Group ids to subscribe to ({@code +} for every group). */
    public List<String> groups = List.of("+");

    /** The host application id for {@code spBv1.0/STATE/<id>}; empty for the gateway id. */
    public String hostId = "";

    /**
     * Boolean metrics: {@code ignore} (counted, left alone) or {@code reading} (true 1, false 0,
     * for rules and summaries like any number).
     */
    public String booleans = BOOLEANS_IGNORE;

    /** The String metric of a birth that names the node's or device's type. */
    public String deviceTypeMetric = SparkplugOptions.DEFAULT_DEVICE_TYPE_METRIC;
  }

  public static final String BOOLEANS_IGNORE = "ignore";
  public static final String BOOLEANS_READING = "reading";

  public static final String FORMAT_FIELDLINE = "fieldline";
  public static final String FORMAT_MAPPED_JSON = "mapped-json";

  /** A vendor JSON mapping: JSON Pointers (RFC 6901) into the payload; empty means not set. */
  public static class Mapping {
    /** The device id (string or integer); empty to take it from the topic's {deviceId}. */
    public String deviceId = "";

    /** The device type; empty for ingest.default-device-type. */
    public String deviceType = "";

    public String unit = "";

    /** The reading's time (required). */
    public String timestamp = "";

    /** ms, s, us, ns (epoch; fractions allowed) or iso-8601 (text with an offset). */
    public String timestampUnit = "ms";

    /** The device's message sequence number, an integer (required: loss is counted by it). */
    public String sequence = "";

    /** Metric name to the pointer of its value. */
    public Map<String, String> metrics = new LinkedHashMap<>();

    /** An object whose numeric members are metrics. */
    public String metricsObject = "";

    /** An array of metric objects, each with metric-name and metric-value. */
    public String metricsArray = "";

    /** Within an element of metrics-array, the metric's name. */
    public String metricName = "";

    /** Within an element of metrics-array, the metric's value. */
    public String metricValue = "";

    PayloadMapping toMapping() {
      PayloadMapping.Builder builder =
          PayloadMapping.builder()
              .deviceId(deviceId)
              .deviceType(deviceType)
              .unit(unit)
              .timestamp(timestamp, timestampUnit)
              .sequence(sequence)
              .metricsObject(metricsObject)
              .metricsArray(metricsArray, metricName, metricValue);
      metrics.forEach(builder::metric);
      return builder.build();
    }
  }

  /** The mapping of a mapped-json agent, or null for Fieldline's own payloads. */
  public PayloadMapping payloadMapping() {
    return FORMAT_MAPPED_JSON.equals(ingest.format) ? ingest.mapping.toMapping() : null;
  }

  /** Summary windows. */
  public static class Windows {
    public Duration size = Duration.ofSeconds(10);

    /** A window stays open this long past its end for late readings of its device. */
    public Duration grace = Duration.ofSeconds(1);

    /** A device silent this long has its windows closed by the gateway clock. */
    public Duration idle = Duration.ofSeconds(5);
  }

  /** Commands back to devices. */
  public static class Commands {
    public String topic = "sites/{siteId}/devices/{deviceId}/commands";
    public int qos = 1;
    public CommandCodec.Format format = CommandCodec.Format.JSON;
  }

  /** Where rejected messages go. */
  public static class DeadLetters {
    /** Local MQTT topic; empty for none. */
    public String mqttTopic = "fieldline/dead-letters";

    /** File in the data dir; empty for none. */
    public String file = "dead-letters.jsonl";

    public long fileMaxBytes = 10L * 1024 * 1024;
    public int fileKeep = 3;
  }

  /** The durable journal. */
  public static class JournalSettings {
    /** Outbox bound: past it decision events are dropped first, then intake stops. */
    public long maxBytes = 256L * 1024 * 1024;

    public Journal.Durability durability = Journal.Durability.NORMAL;
    public int maxBatch = 5_000;

    /**
     * How long the writer gathers changes before a commit; what MQTT acknowledgements wait more. 0
     * commits at once: brokers that hold back new messages while acknowledgements are outstanding
     * (HiveMQ CE) deliver later by about the delay.
     */
    public Duration commitDelay = Duration.ZERO;
  }

  /** The region's Kafka cluster. */
  public static class Uplink {
    public String bootstrapServers = "localhost:9092";

    /** Extra Kafka client properties (security, timeouts); no secrets. */
    public Map<String, String> client = new LinkedHashMap<>();

    /** Client properties that are secrets, e.g. ssl.keystore.password: {file: /etc/...}. */
    public Map<String, SecretRef> clientSecrets = new LinkedHashMap<>();

    public int batchSize = 500;
    public Reconnect retry = new Reconnect();
    public Secondary secondary = new Secondary();
  }

  /** Another region's cluster, used while the home region's is unreachable. */
  public static class Secondary {
    /** The secondary region's name; must be allowed by {@code residency.allowed-regions}. */
    public String region = "";

    /** Empty: no failover. */
    public String bootstrapServers = "";

    public Map<String, String> client = new LinkedHashMap<>();

    public Map<String, SecretRef> clientSecrets = new LinkedHashMap<>();

    /** How long the home region must be unreachable before later entries go to the secondary. */
    public Duration failoverAfter = Duration.ofSeconds(30);
  }

  /** Where this gateway's data may be stored besides its home region. */
  public static class Residency {
    /**
     * Regions other than {@code region} allowed to receive this gateway's data; none by default.
     */
    public List<String> allowedRegions = new ArrayList<>();
  }

  /** Whether a secondary region is configured (and, once validated, allowed). */
  public boolean hasSecondary() {
    return !uplink.secondary.bootstrapServers.isBlank();
  }

  /** Feature updates from the global tier. */
  public static class Features {
    public boolean enabled = true;
  }

  public String effectiveClientId() {
    return mqtt.clientId.isBlank() ? "fieldline-edge-" + gatewayId : mqtt.clientId;
  }

  @Override
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (!gatewayId.matches("[A-Za-z0-9._:-]{1,128}")) {
      problems.add("gateway-id: letters, digits, '.', '_', ':' or '-' (got '" + gatewayId + "')");
    }
    if (!region.matches("[A-Za-z0-9._-]{1,64}")) {
      problems.add("region: letters, digits, '.', '_' or '-' (got '" + region + "')");
    }
    if (!mqtt.serverUri.matches("(tcp|ssl)://.+:\\d+")) {
      problems.add(
          "mqtt.server-uri: tcp://host:port or ssl://host:port (got " + mqtt.serverUri + ")");
    }
    if (mqtt.serverUri.startsWith("ssl://") && !mqtt.tls.enabled) {
      problems.add("mqtt.tls.enabled: must be true for an ssl:// server-uri");
    }
    template(problems, "mqtt.telemetry-topic", mqtt.telemetryTopic);
    template(problems, "commands.topic", commands.topic);
    if (mqtt.receiveMaximum < 1 || mqtt.receiveMaximum > 65_535) {
      problems.add("mqtt.receive-maximum: 1..65535 (got " + mqtt.receiveMaximum + ")");
    }
    if (commands.qos < 0 || commands.qos > 1) {
      problems.add("commands.qos: 0 or 1 (got " + commands.qos + ")");
    }
    if (ingest.reorderAllowance < 1
        || ingest.reorderAllowance > CoreSettings.MAX_REORDER_ALLOWANCE) {
      problems.add(
          "ingest.reorder-allowance: 1.."
              + CoreSettings.MAX_REORDER_ALLOWANCE
              + " (got "
              + ingest.reorderAllowance
              + ")");
    }
    if (ingest.missingDegradesFor.isNegative()) {
      problems.add("ingest.missing-degrades-for: must not be negative");
    }
    if (mqtt.rideOut.isNegative()) {
      problems.add("mqtt.ride-out: must not be negative");
    }
    if (!(mqtt.expectedRate >= 0) || Double.isInfinite(mqtt.expectedRate)) {
      problems.add(
          "mqtt.expected-rate: messages per second, 0 or more (got " + mqtt.expectedRate + ")");
    }
    if (ingest.maxPayloadBytes < 64) {
      problems.add("ingest.max-payload-bytes: at least 64");
    }
    if (ingest.sparkplug.enabled) {
      if (ingest.sparkplug.groups.isEmpty()) {
        problems.add("ingest.sparkplug.groups: at least one group id, or + for every group");
      }
      for (String group : ingest.sparkplug.groups) {
        if (!group.equals("+") && !mqttLevel(group)) {
          problems.add(
              "ingest.sparkplug.groups: '" + group + "' is not a group id (no /, +, # or blank)");
        }
      }
      if (!ingest.sparkplug.hostId.isEmpty() && !mqttLevel(ingest.sparkplug.hostId)) {
        problems.add(
            "ingest.sparkplug.host-id: '"
                + ingest.sparkplug.hostId
                + "' is not a host id (no /, +, # or blank)");
      }
      if (!BOOLEANS_IGNORE.equals(ingest.sparkplug.booleans)
          && !BOOLEANS_READING.equals(ingest.sparkplug.booleans)) {
        problems.add(
            "ingest.sparkplug.booleans: '"
                + ingest.sparkplug.booleans
                + "' is neither "
                + BOOLEANS_IGNORE
                + " nor "
                + BOOLEANS_READING);
      }
      if (ingest.sparkplug.deviceTypeMetric.isBlank()) {
        problems.add("ingest.sparkplug.device-type-metric: the name of a String metric");
      }
    }
    if (windows.size.toMillis() < 100) {
      problems.add("windows.size: at least 100ms");
    }
    if (windows.grace.isNegative()) {
      problems.add("windows.grace: must not be negative");
    }
    if (windows.idle.isNegative() || windows.idle.isZero()) {
      problems.add("windows.idle: must be positive");
    }
    if (journal.maxBytes < 1024 * 1024) {
      problems.add("journal.max-bytes: at least 1 MiB");
    }
    if (journal.maxBatch < 1) {
      problems.add("journal.max-batch: at least 1");
    }
    if (journal.commitDelay.isNegative() || journal.commitDelay.compareTo(MAX_COMMIT_DELAY) > 0) {
      problems.add(
          "journal.commit-delay: 0 to "
              + Durations.format(MAX_COMMIT_DELAY)
              + " (got "
              + Durations.format(journal.commitDelay)
              + ")");
    }
    if (uplink.bootstrapServers.isBlank()) {
      problems.add("uplink.bootstrap-servers: must not be empty");
    }
    if (uplink.batchSize < 1) {
      problems.add("uplink.batch-size: at least 1");
    }
    problems.addAll(ClientProperties.problems("uplink", uplink.client, uplink.clientSecrets));
    problems.addAll(
        ClientProperties.problems(
            "uplink.secondary", uplink.secondary.client, uplink.secondary.clientSecrets));
    for (String site : mqtt.sites) {
      if (!site.matches("[^/+#]+")) {
        problems.add("mqtt.sites: '" + site + "' is not a site id (no '/', '+' or '#')");
      }
    }
    if (hasSecondary()) {
      String secondary = uplink.secondary.region;
      if (secondary.isBlank() || secondary.equals(region)) {
        problems.add(
            "uplink.secondary.region: the name of a region other than '"
                + region
                + "' (got '"
                + secondary
                + "')");
      } else if (!residency.allowedRegions.contains(secondary)) {
        problems.add(
            "uplink.secondary.region: '"
                + secondary
                + "' is not in residency.allowed-regions "
                + residency.allowedRegions
                + "; this gateway's data may not be stored there, so it cannot fail over to it");
      }
      if (uplink.secondary.failoverAfter.isNegative()
          || uplink.secondary.failoverAfter.toMillis() < KafkaUplink.STALL_MILLIS) {
        problems.add(
            "uplink.secondary.failover-after: at least "
                + KafkaUplink.STALL_MILLIS / 1000
                + "s, the time after which the uplink counts as down");
      }
    }
    if (!FORMAT_FIELDLINE.equals(ingest.format) && !FORMAT_MAPPED_JSON.equals(ingest.format)) {
      problems.add(
          "ingest.format: '"
              + ingest.format
              + "' is not a payload format ("
              + FORMAT_FIELDLINE
              + " or "
              + FORMAT_MAPPED_JSON
              + ")");
    } else {
      try {
        payloadMapping();
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
      }
    }
    problems.addAll(http.problems());
    problems.addAll(tracing.problems());
    return problems;
  }

  private static void template(List<String> problems, String key, String template) {
    try {
      new TopicTemplate(template);
    } catch (IllegalArgumentException e) {
      problems.add(key + ": " + e.getMessage());
    }
  }

  public Path dataPath() {
    return Path.of(dataDir);
  }

  public CoreSettings coreSettings(RulesFile rules) {
    return new CoreSettings(
        gatewayId,
        region,
        new TopicTemplate(mqtt.telemetryTopic),
        ingest.defaultDeviceType,
        ingest.maxPayloadBytes,
        ingest.maxFuture,
        ingest.maxPast,
        windows.size,
        windows.grace,
        windows.idle,
        ingest.reorderAllowance,
        rules.filters(),
        rules.rules(),
        payloadMapping(),
        new SparkplugOptions(
            BOOLEANS_READING.equals(ingest.sparkplug.booleans), ingest.sparkplug.deviceTypeMetric));
  }

  public MqttSettings mqttSettings() {
    TlsSettings tls = null;
    if (mqtt.tls.enabled) {
      tls =
          new TlsSettings(
              mqtt.tls.truststore.isBlank() ? null : Path.of(mqtt.tls.truststore),
              secret(mqtt.tls.truststorePassword, "mqtt.tls.truststore-password"),
              mqtt.tls.keystore.isBlank() ? null : Path.of(mqtt.tls.keystore),
              secret(mqtt.tls.keystorePassword, "mqtt.tls.keystore-password"));
    }
    return new MqttSettings(
        mqtt.serverUri,
        effectiveClientId(),
        subscriptions(),
        mqtt.sessionExpiry,
        mqtt.keepAlive,
        mqtt.receiveMaximum,
        mqtt.username,
        secret(mqtt.password, "mqtt.password"),
        tls,
        mqtt.reconnect.policy(),
        tracing.enabled,
        mqtt.rideOut,
        mqtt.expectedRate,
        ingest.sparkplug.enabled ? sparkplugHostId() : null);
  }

  /** One MQTT topic level: not blank, no separator or wildcard. */
  private static boolean mqttLevel(String id) {
    return !id.isBlank() && id.chars().noneMatch(c -> c == '/' || c == '+' || c == '#');
  }

  /** The Sparkplug B host application id: as configured, else the gateway id. */
  public String sparkplugHostId() {
    return ingest.sparkplug.hostId.isBlank() ? gatewayId : ingest.sparkplug.hostId;
  }

  private List<String> subscriptions() {
    TopicTemplate telemetry = new TopicTemplate(mqtt.telemetryTopic);
    List<String> filters =
        new java.util.ArrayList<>(
            mqtt.sites.isEmpty()
                ? List.of(telemetry.filter())
                : mqtt.sites.stream().map(telemetry::filter).toList());
    if (ingest.sparkplug.enabled) {
      // Every message of the groups' edge nodes and devices (births, data, deaths).
      ingest.sparkplug.groups.forEach(group -> filters.add("spBv1.0/" + group + "/#"));
    }
    return List.copyOf(filters);
  }

  /** Client properties for the home region's cluster. */
  public Map<String, Object> kafkaConfig() {
    return kafkaConfig(
        uplink.bootstrapServers,
        ClientProperties.resolve("uplink", uplink.client, uplink.clientSecrets, System.getenv()),
        "");
  }

  /** Client properties for the secondary region's cluster; only when {@link #hasSecondary()}. */
  public Map<String, Object> secondaryKafkaConfig() {
    return kafkaConfig(
        uplink.secondary.bootstrapServers,
        ClientProperties.resolve(
            "uplink.secondary",
            uplink.secondary.client,
            uplink.secondary.clientSecrets,
            System.getenv()),
        "-" + uplink.secondary.region);
  }

  private Map<String, Object> kafkaConfig(
      String bootstrap, Map<String, Object> client, String clientIdSuffix) {
    Map<String, Object> config = new HashMap<>(client);
    config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.putIfAbsent(
        CommonClientConfigs.CLIENT_ID_CONFIG, "fieldline-edge-" + gatewayId + clientIdSuffix);
    return config;
  }

  private static char[] secret(SecretRef ref, String key) {
    return ref.isSet() ? ref.resolve(key).toCharArray() : new char[0];
  }
}
