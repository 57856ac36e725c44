package dev.fieldline.regional.config;

import dev.fieldline.regional.residency.Pseudonymizer;
import dev.fieldline.regional.residency.ResidencyPolicy;
import dev.fieldline.regional.topology.RegionalSettings;
import dev.fieldline.schema.v1.Scope;
import dev.fieldline.support.config.ClientProperties;
import dev.fieldline.support.config.Durations;
import dev.fieldline.support.config.SecretRef;
import dev.fieldline.support.config.Validated;
import dev.fieldline.support.http.HttpSettings;
import dev.fieldline.support.tracing.TracingSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The regional aggregator's configuration: every setting with its default. Loaded from YAML with
 * environment overrides ({@code FIELDLINE_REGIONAL_<KEY>}); see {@code regional.example.yaml} for
 * every key with its description.
 */
public class AggregatorConfig implements Validated {
  /** Environment variables overriding settings start with this. */
  public static final String ENV_PREFIX = "FIELDLINE_REGIONAL_";

  /** Region this instance serves; stamped on every aggregate. */
  public String region = "local";

  /** Kafka Streams application id; instances with the same id share the work. */
  public String applicationId = "";

  public Kafka kafka = new Kafka();
  public Streams streams = new Streams();
  public Windows windows = new Windows();
  public Dedup dedup = new Dedup();
  public Health health = new Health();
  public Http http = new Http();
  public Residency residency = new Residency();
  public TracingSettings tracing = new TracingSettings();

  /** The region's Kafka cluster. */
  public static class Kafka {
    /** Bootstrap servers of the region's cluster. */
    public String bootstrapServers = "localhost:9092";

    /** Extra client properties for every client (security, timeouts), e.g. security.protocol. */
    public Map<String, String> client = new LinkedHashMap<>();

    /** Client properties that are secrets, e.g. ssl.keystore.password: {env: KEYSTORE_PASS}. */
    public Map<String, SecretRef> clientSecrets = new LinkedHashMap<>();

    /** Create missing topics at start-up (input, output and dead-letter topics). */
    public boolean createTopics = true;

    /** Partitions of created topics; edge.summaries and edge.decisions must have the same. */
    public int partitions = 3;

    /** Replication factor of created topics. */
    public short replicationFactor = 1;
  }

  /** Kafka Streams runtime. */
  public static class Streams {
    /** Where local state (RocksDB) lives. */
    public String stateDir = "state/regional";

    /** Stream threads in this instance. */
    public int threads = 1;

    /** Warm copies of each task's state on other instances, for fast fail-over. */
    public int standbyReplicas = 0;

    /**
     * How often transactions commit. Output becomes visible at each commit, so this adds to the
     * latency of aggregates that are already a window plus grace late; longer intervals let the
     * state caches absorb more updates (1s measured about 40% faster than Kafka's 100 ms default).
     */
    public Duration commitInterval = Duration.ofSeconds(1);
  }

  /** Roll-up windows. */
  public static class Windows {
    /** Tumbling window size; edge windows should divide it. */
    public Duration size = Duration.ofMinutes(1);

    /** How long after a window's end late summaries are still merged. */
    public Duration grace = Duration.ofSeconds(30);

    /** Close windows by wall clock this long after end + grace when input is silent; 0s = off. */
    public Duration idleClose = Duration.ZERO;

    /**
     * An input partition that has sent nothing for this long (wall clock) stops holding windows
     * open; until then windows wait for the slowest partition, so that an instance that restarts or
     * an edge.summaries partition that falls behind does not make its summaries late.
     */
    public Duration sourceIdle = Duration.ofMinutes(2);

    /** Summaries whose window ends further ahead of this instance's clock are dead-lettered. */
    public Duration maxFutureSkew = Duration.ofMinutes(5);
  }

  /** Deduplication of summaries re-sent by edges. */
  public static class Dedup {
    /** How long summary keys are remembered; must cover the edges' longest journal replay. */
    public Duration retention = Duration.ofDays(1);
  }

  /** Device health table. */
  public static class Health {
    /** Recent decisions kept per device. */
    public int recentDecisions = 10;
  }

  /** HTTP endpoint: /devices, /sites, /health, /metrics. */
  public static class Http extends HttpSettings {
    /**
     * Host name other instances use to reach this one; defaults to host, or localhost. Under TLS
     * this instance's certificate must name it.
     */
    public String advertisedHost = "";

    public Http() {
      super(8081);
    }
  }

  /** What may leave the region through regional.export. */
  public static class Residency {
    /**
     * Site identifiers in exports: keep, pseudonymize (HMAC-SHA256) or drop (withholds site scope).
     */
    public ResidencyPolicy.Identifiers identifiers = ResidencyPolicy.Identifiers.KEEP;

    /** Scopes that never leave the region: site, device_type. */
    public List<Scope> withholdScopes = new ArrayList<>();

    /** Counts zeroed before export. */
    public List<String> dropFields = new ArrayList<>();

    /** The regional HMAC secret, by environment variable or file (needed to pseudonymize). */
    public SecretRef secret = new SecretRef();
  }

  public String effectiveApplicationId() {
    return applicationId.isBlank() ? "fieldline-regional-" + region : applicationId;
  }

  public String advertisedHost() {
    if (!http.advertisedHost.isBlank()) {
      return http.advertisedHost;
    }
    return http.host.equals("0.0.0.0") || http.host.equals("::") ? "localhost" : http.host;
  }

  @Override
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (region.isBlank() || !region.matches("[A-Za-z0-9._-]+")) {
      problems.add(
          "region: must be a name of letters, digits, '.', '_' or '-' (got '" + region + "')");
    }
    if (kafka.bootstrapServers.isBlank()) {
      problems.add("kafka.bootstrap-servers: must not be empty");
    }
    if (kafka.partitions < 1) {
      problems.add("kafka.partitions: must be at least 1 (got " + kafka.partitions + ")");
    }
    if (kafka.replicationFactor < 1) {
      problems.add("kafka.replication-factor: must be at least 1");
    }
    if (streams.threads < 1) {
      problems.add("streams.threads: must be at least 1 (got " + streams.threads + ")");
    }
    if (streams.standbyReplicas < 0) {
      problems.add("streams.standby-replicas: must not be negative");
    }
    if (!positive(streams.commitInterval)) {
      problems.add("streams.commit-interval: must be positive");
    }
    if (!positive(windows.size)) {
      problems.add("windows.size: must be positive (got " + Durations.format(windows.size) + ")");
    }
    if (windows.grace.isNegative()) {
      problems.add("windows.grace: must not be negative");
    }
    if (windows.maxFutureSkew.isNegative()) {
      problems.add("windows.max-future-skew: must not be negative");
    }
    if (windows.sourceIdle.toMillis() <= 0) {
      problems.add("windows.source-idle: must be positive");
    }
    if (windows.idleClose.isNegative()) {
      problems.add("windows.idle-close: must not be negative");
    }
    if (dedup.retention.compareTo(windows.size.plus(windows.grace)) < 0) {
      problems.add(
          "dedup.retention: must cover windows.size + windows.grace (got "
              + Durations.format(dedup.retention)
              + ")");
    }
    problems.addAll(ClientProperties.problems("kafka", kafka.client, kafka.clientSecrets));
    problems.addAll(tracing.problems());
    if (health.recentDecisions < 0) {
      problems.add("health.recent-decisions: must not be negative");
    }
    problems.addAll(http.problems());
    for (String field : residency.dropFields) {
      if (!ResidencyPolicy.DROPPABLE_FIELDS.contains(field)) {
        problems.add(
            "residency.drop-fields: '"
                + field
                + "' cannot be dropped; droppable: "
                + ResidencyPolicy.DROPPABLE_FIELDS);
      }
    }
    if (residency.identifiers == ResidencyPolicy.Identifiers.PSEUDONYMIZE
        && !residency.secret.isSet()) {
      problems.add("residency.secret: pseudonymizing needs a secret (env or file)");
    }
    return problems;
  }

  /** The topology's settings; resolves the residency secret. */
  public RegionalSettings toSettings() {
    Pseudonymizer pseudonymizer =
        residency.secret.isSet()
            ? new Pseudonymizer(residency.secret.resolve("residency.secret"))
            : null;
    ResidencyPolicy policy =
        new ResidencyPolicy(
            residency.identifiers,
            new HashSet<>(residency.withholdScopes),
            new HashSet<>(residency.dropFields),
            pseudonymizer);
    return new RegionalSettings(
        region,
        windows.size,
        windows.grace,
        windows.idleClose,
        windows.sourceIdle,
        Duration.ofSeconds(1),
        windows.maxFutureSkew,
        dedup.retention,
        health.recentDecisions,
        policy);
  }

  /** Every client property for the region's cluster, secrets resolved; no bootstrap servers. */
  public Map<String, Object> clientProperties() {
    return ClientProperties.resolve("kafka", kafka.client, kafka.clientSecrets, System.getenv());
  }

  /** Kafka Streams properties: exactly-once, with the client properties layered in. */
  public Properties streamsProperties(int httpPort) {
    Properties props = new Properties();
    // Larger producer batches for the repartition topic and the changelogs, which take a record
    // per summary: bench/regional-throughput went from 64k to 69-75k summaries/s warm and from
    // 42-48k to 57-64k cold (three alternating runs each). Inside a transaction nothing is visible
    // before the commit flushes the batches, so the linger adds no latency a reader sees. Under
    // the client properties: kafka.client.producer.batch.size and .linger.ms still win.
    props.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 256 * 1024);
    props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 100);
    props.putAll(clientProperties());
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, effectiveApplicationId());
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers);
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.STATE_DIR_CONFIG, streams.stateDir);
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, streams.threads);
    props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, streams.standbyReplicas);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, streams.commitInterval.toMillis());
    // Summaries and decisions meet only in the device health table, which takes the maximum of
    // times and keeps decisions in their own order, so nothing waits to interleave them by time;
    // the default check of the other partition's lag also formats a log line per record.
    props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
    props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, advertisedHost() + ":" + httpPort);
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) kafka.replicationFactor);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    return props;
  }

  private static boolean positive(Duration duration) {
    return !duration.isNegative() && !duration.isZero();
  }
}
