package dev.fieldline.global.config;

import dev.fieldline.support.config.Validated;
import dev.fieldline.support.tracing.TracingSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The global job's configuration: every setting with its default. Loaded from YAML with environment
 * overrides ({@code FIELDLINE_GLOBAL_<KEY>}); see {@code global.example.yaml} for every key with
 * its description.
 */
public class GlobalConfig implements Validated {
  /** Environment variables overriding settings start with this. */
  public static final String ENV_PREFIX = "FIELDLINE_GLOBAL_";

  /** Name of the Flink job; also the prefix of consumer groups and transactional ids. */
  public String jobName = "fieldline-global";

  /**
   * Every regional cluster: read from, and written to. In YAML a list of objects; in an environment
   * variable or {@code --set}, a comma-separated list of {@code name=bootstrap-servers}.
   */
  public List<Region> regions = new ArrayList<>();

  public Checkpoints checkpoints = new Checkpoints();
  public Watermarks watermarks = new Watermarks();
  public Rollups rollups = new Rollups();
  public Alerts alerts = new Alerts();
  public Features features = new Features();
  public Kafka kafka = new Kafka();
  public Runtime runtime = new Runtime();
  public TracingSettings tracing = new TracingSettings();

  /** Exactly-once checkpoints; output becomes visible at each one. */
  public static class Checkpoints {
    /** Checkpoint interval; bounds the delay from a regional export to its global copies. */
    public Duration interval = Duration.ofSeconds(5);

    /** Least pause between the end of one checkpoint and the start of the next. */
    public Duration minPause = Duration.ofMillis(500);

    /** A checkpoint that takes longer fails (the job keeps running). */
    public Duration timeout = Duration.ofMinutes(2);

    /**
     * Where checkpoints are stored, e.g. s3://bucket/fieldline or file:///var/lib/...; empty =
     * cluster default.
     */
    public String directory = "";
  }

  /** Event time of regional aggregates (their window start). */
  public static class Watermarks {
    /** How far behind the newest window a region's aggregates may still arrive. */
    public Duration outOfOrderness = Duration.ofSeconds(30);

    /** A region (partition) silent this long no longer holds back global windows. */
    public Duration idleness = Duration.ofSeconds(30);
  }

  /** Global roll-ups per (device type, metric). */
  public static class Rollups {
    /** Tumbling window size; a multiple of the regional aggregators' window. */
    public Duration windowSize = Duration.ofMinutes(1);
  }

  /** Cross-region anomaly alerts. */
  public static class Alerts {
    /** A region counts when its anomalies per reading of a device type exceed this in a window. */
    public double anomalyRateThreshold = 0.05;

    /** Regions that must exceed the threshold in the same window to raise an alert. */
    public int minRegions = 2;
  }

  /** Feature updates for the edges' z-score rules. */
  public static class Features {
    /** How many of the latest global windows the statistics cover. */
    public int horizonWindows = 10;

    /** Readings needed in the horizon before a first update is sent. */
    public long minCount = 30;

    /**
     * An update is sent when the mean moves by more than this many (previous) standard deviations,
     * or the standard deviation changes by more than this fraction.
     */
    public double tolerance = 0.1;

    /** An update is sent at least this often (in event time) while data flows, moved or not. */
    public Duration maxInterval = Duration.ofMinutes(10);

    /**
     * Thresholds sent to the edges when the summaries carry no quantile sketches (edges before
     * them): mean plus and minus this many standard deviations. With sketches, the thresholds come
     * from the quantiles.
     */
    public double thresholdSigmas = 3.0;

    /**
     * The FeatureUpdate version written: 2 (quantiles and the hour-of-day profile), or 1 while
     * edges of the first release still run (they know only version 1 and drop what they cannot
     * read; a writer must not get ahead of its readers). Upgrade the edges, then set 2.
     */
    public int schemaVersion = 2;

    /** A (device type, metric) silent this long forgets its horizon; its version is kept. */
    public Duration expireAfter = Duration.ofHours(1);
  }

  /** Kafka sources and sinks. */
  public static class Kafka {
    /** Below the brokers' transaction.max.timeout.ms (15 min by default). */
    public Duration transactionTimeout = Duration.ofMinutes(10);

    /** How often new partitions of regional.export are discovered; 0s = never. */
    public Duration partitionDiscovery = Duration.ofMinutes(1);

    /** Create missing topics in every region before the job starts. */
    public boolean createTopics = true;

    /** Partitions of created topics. */
    public int partitions = 3;

    /** Replication factor of created topics. */
    public short replicationFactor = 1;
  }

  /**
   * How the job runs: parallelism and metrics of a local run (a Flink cluster sets these in its own
   * configuration), and, everywhere, how it restarts after a failure.
   */
  public static class Runtime {
    /** Parallelism of the job; 0 = Flink's default. */
    public int parallelism = 0;

    /** Port of the Prometheus metrics endpoint of a local run; 0 = off. */
    public int prometheusPort = 0;

    /**
     * Restarts in a row (with no quiet {@link #restartInterval} between them) before the job fails
     * for good; 0 = never give up. Each failure restarts the job from its last checkpoint; a count
     * over the job's whole life would end it at some machine loss months from now.
     */
    public int restartAttempts = 0;

    /** A run this long without a failure resets the pause and the count of restarts in a row. */
    public Duration restartInterval = Duration.ofMinutes(10);

    /** The longest pause between restarts: the pause doubles with each failure in a row. */
    public Duration restartMaxDelay = Duration.ofMinutes(1);

    /** The pause before the first restart after a quiet period. */
    public Duration restartDelay = Duration.ofSeconds(5);
  }

  @Override
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (jobName.isBlank() || !jobName.matches("[A-Za-z0-9._-]+")) {
      problems.add("job-name: use letters, digits, '.', '_' and '-' only");
    }
    if (regions.isEmpty()) {
      problems.add("regions: at least one region is needed");
    }
    problems.addAll(tracing.problems());
    Set<String> names = new HashSet<>();
    for (int i = 0; i < regions.size(); i++) {
      Region region = regions.get(i);
      for (String problem : region.problems()) {
        problems.add("regions[" + i + "]." + problem);
      }
      if (!names.add(region.name)) {
        problems.add("regions[" + i + "].name: '" + region.name + "' appears twice");
      }
    }
    requirePositive(problems, "checkpoints.interval", checkpoints.interval);
    requirePositive(problems, "checkpoints.timeout", checkpoints.timeout);
    requireNotNegative(problems, "checkpoints.min-pause", checkpoints.minPause);
    requireNotNegative(problems, "watermarks.out-of-orderness", watermarks.outOfOrderness);
    requirePositive(problems, "watermarks.idleness", watermarks.idleness);
    requirePositive(problems, "rollups.window-size", rollups.windowSize);
    if (!(alerts.anomalyRateThreshold >= 0 && alerts.anomalyRateThreshold <= 1)) {
      problems.add("alerts.anomaly-rate-threshold: must be between 0 and 1");
    }
    if (alerts.minRegions < 1) {
      problems.add("alerts.min-regions: must be at least 1");
    }
    if (features.horizonWindows < 1) {
      problems.add("features.horizon-windows: must be at least 1");
    }
    if (features.minCount < 2) {
      problems.add("features.min-count: must be at least 2 (a standard deviation needs two)");
    }
    if (!(features.tolerance >= 0) || Double.isInfinite(features.tolerance)) {
      problems.add("features.tolerance: must be a finite number, 0 or more");
    }
    if (!(features.thresholdSigmas > 0) || Double.isInfinite(features.thresholdSigmas)) {
      problems.add("features.threshold-sigmas: must be a finite number above 0");
    }
    requirePositive(problems, "features.max-interval", features.maxInterval);
    if (features.schemaVersion != 1 && features.schemaVersion != 2) {
      problems.add("features.schema-version: 1 or 2, got " + features.schemaVersion);
    }
    requirePositive(problems, "features.expire-after", features.expireAfter);
    if (features.expireAfter.compareTo(rollups.windowSize) <= 0) {
      problems.add("features.expire-after: must be longer than rollups.window-size");
    }
    requirePositive(problems, "kafka.transaction-timeout", kafka.transactionTimeout);
    if (kafka.transactionTimeout.compareTo(checkpoints.interval.plus(checkpoints.timeout)) <= 0) {
      problems.add(
          "kafka.transaction-timeout: must exceed checkpoints.interval + checkpoints.timeout,"
              + " or transactions abort before they commit");
    }
    requireNotNegative(problems, "kafka.partition-discovery", kafka.partitionDiscovery);
    if (kafka.partitions < 1) {
      problems.add("kafka.partitions: must be at least 1");
    }
    if (kafka.replicationFactor < 1) {
      problems.add("kafka.replication-factor: must be at least 1");
    }
    if (runtime.parallelism < 0) {
      problems.add("runtime.parallelism: must be 0 (Flink's default) or more");
    }
    if (runtime.prometheusPort < 0 || runtime.prometheusPort > 65535) {
      problems.add("runtime.prometheus-port: must be a port number, or 0 for off");
    }
    if (runtime.restartAttempts < 0) {
      problems.add("runtime.restart-attempts: must be 0 or more");
    }
    requireNotNegative(problems, "runtime.restart-delay", runtime.restartDelay);
    return problems;
  }

  private static void requirePositive(List<String> problems, String key, Duration value) {
    if (value == null || value.isZero() || value.isNegative()) {
      problems.add(key + ": must be longer than 0s");
    }
  }

  private static void requireNotNegative(List<String> problems, String key, Duration value) {
    if (value == null || value.isNegative()) {
      problems.add(key + ": must not be negative");
    }
  }
}
