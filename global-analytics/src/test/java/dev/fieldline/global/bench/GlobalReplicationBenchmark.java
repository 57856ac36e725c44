package dev.fieldline.global.bench;

import dev.fieldline.global.app.GlobalAnalyticsApp;
import dev.fieldline.global.config.GlobalConfig;
import dev.fieldline.global.config.Region;
import dev.fieldline.global.job.GlobalJob;
import dev.fieldline.infra.kafka.EmbeddedKafkaCluster;
import dev.fieldline.schema.Topics;
import dev.fieldline.schema.codec.AvroCodec;
import dev.fieldline.schema.stats.RunningStats;
import dev.fieldline.schema.v1.RegionalAggregate;
import dev.fieldline.schema.v1.Scope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code bench/global-replication}: replication from region A's {@code regional.export} into region
 * B, by the global job (exactly-once, visible at checkpoints) and, in the same run on the same
 * clusters and the same data, by Kafka's MirrorMaker 2 in its own JVM (the reference).
 *
 * <p>Each side first copies a preloaded backlog (throughput: first to last record visible in B
 * under read_committed), then a steady stream produced at a fixed rate (lag: produce in A to
 * visible in B, per record).
 *
 * <p>Arguments: {@code --records N --rate R --seconds S --checkpoint-ms C --mm2-classpath CP}.
 */
public final class GlobalReplicationBenchmark {
  private static final AvroCodec<RegionalAggregate> CODEC = AvroCodec.of(RegionalAggregate.class);

  private GlobalReplicationBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = Options.parse(args);
    int records = Integer.parseInt(options.getOrDefault("records", "1000000"));
    int rate = Integer.parseInt(options.getOrDefault("rate", "2000"));
    int seconds = Integer.parseInt(options.getOrDefault("seconds", "15"));
    long checkpointMs = Long.parseLong(options.getOrDefault("checkpoint-ms", "1000"));
    String mm2Classpath = options.get("mm2-classpath");
    if (mm2Classpath == null) {
      throw new IllegalArgumentException(
          "--mm2-classpath is required (bench/global-replication sets it)");
    }

    try (EmbeddedKafkaCluster a = EmbeddedKafkaCluster.start("bench-a");
        EmbeddedKafkaCluster b = EmbeddedKafkaCluster.start("bench-b")) {
      GlobalConfig config = config(a, b, checkpointMs);
      GlobalAnalyticsApp.createTopics(config);

      long start = System.nanoTime();
      preload(a, records);
      System.out.printf(
          "preloaded %,d regional aggregates into A in %.1f s%n",
          records, seconds(System.nanoTime() - start));

      Result flink = runFlink(a, b, config, records, rate, seconds);
      Result mm2 = runMirrorMaker(a, b, mm2Classpath, records, rate, seconds, flink.lagRecords());

      System.out.println();
      System.out.printf(
          "%-22s %14s %12s %12s %12s %10s %10s%n",
          "replicator",
          "backlog/s",
          "lag p50 ms",
          "lag p99 ms",
          "lag max ms",
          "lag n",
          "duplicates");
      flink.print("flink (exactly-once)");
      mm2.print("mirrormaker2 4.2.0");
      System.out.printf(
          "flink checkpoint interval %d ms: lag target p99 <= %d ms; mirrormaker2 at its defaults (at-least-once)%n",
          checkpointMs, checkpointMs + 500);
      System.out.printf(
          "flink_per_s=%.0f mm2_per_s=%.0f flink_lag_p99_ms=%.1f mm2_lag_p99_ms=%.1f checkpoint_ms=%d%n",
          flink.perSecond(), mm2.perSecond(), flink.lagP99Ms(), mm2.lagP99Ms(), checkpointMs);
    }
  }

  private static Result runFlink(
      EmbeddedKafkaCluster a,
      EmbeddedKafkaCluster b,
      GlobalConfig config,
      int records,
      int rate,
      int seconds)
      throws Exception {
    try (VisibilityProbe probe =
        new VisibilityProbe(b, Topics.GLOBAL_AGGREGATES.name(), "backlog-")) {
      StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
      GlobalJob.build(env, config);
      JobClient job = env.executeAsync("bench-global-replication");
      try {
        double perSecond = probe.awaitBacklog(records, Duration.ofMinutes(10));
        System.out.printf(
            "flink: backlog of %,d replicated at %,.0f records/s%n", records, perSecond);
        var lag = LagRun.run(a, probe, "flink-lag-", rate, seconds);
        return new Result(perSecond, lag);
      } finally {
        job.cancel().get(1, TimeUnit.MINUTES);
      }
    }
  }

  private static Result runMirrorMaker(
      EmbeddedKafkaCluster a,
      EmbeddedKafkaCluster b,
      String classpath,
      int records,
      int rate,
      int seconds,
      int alreadyInTopic)
      throws Exception {
    Path properties = Files.createTempFile("fieldline-mm2", ".properties");
    Files.writeString(properties, mirrorMakerProperties(a, b));
    Path log = Files.createTempFile("fieldline-mm2", ".log");
    Process mm2 =
        new ProcessBuilder(
                javaBinary(),
                "-Xmx1g",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp",
                classpath,
                "org.apache.kafka.connect.mirror.MirrorMaker",
                properties.toString(),
                "--clusters",
                "B")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try (VisibilityProbe probe = new VisibilityProbe(b, "A." + Topics.REGIONAL_EXPORT.name(), "")) {
      // MirrorMaker 2 copies the whole topic: the backlog and what the job's lag run added.
      double perSecond = probe.awaitBacklog(records + alreadyInTopic, Duration.ofMinutes(10));
      System.out.printf(
          "mirrormaker2: backlog of %,d replicated at %,.0f records/s%n",
          records + alreadyInTopic, perSecond);
      var lag = LagRun.run(a, probe, "mm2-lag-", rate, seconds);
      return new Result(perSecond, lag);
    } catch (RuntimeException e) {
      System.err.println("MirrorMaker 2 log: " + log);
      throw e;
    } finally {
      mm2.destroy();
      if (!mm2.waitFor(30, TimeUnit.SECONDS)) {
        mm2.destroyForcibly();
      }
    }
  }

  static GlobalConfig config(EmbeddedKafkaCluster a, EmbeddedKafkaCluster b, long checkpointMs) {
    GlobalConfig config = new GlobalConfig();
    config.jobName = "bench-global";
    config.regions =
        List.of(Region.of("A", a.bootstrapServers()), Region.of("B", b.bootstrapServers()));
    config.checkpoints.interval = Duration.ofMillis(checkpointMs);
    config.checkpoints.minPause = Duration.ofMillis(Math.min(500, checkpointMs / 2));
    config.runtime.parallelism = 2;
    config.kafka.partitions = 3;
    return config;
  }

  private static String mirrorMakerProperties(EmbeddedKafkaCluster a, EmbeddedKafkaCluster b) {
    return String.join(
        "\n",
        "clusters = A, B",
        "A.bootstrap.servers = " + a.bootstrapServers(),
        "B.bootstrap.servers = " + b.bootstrapServers(),
        "A->B.enabled = true",
        "A->B.topics = " + Topics.REGIONAL_EXPORT.name().replace(".", "\\\\."),
        "B->A.enabled = false",
        "tasks.max = 2",
        "refresh.topics.interval.seconds = 1",
        "sync.topic.configs.enabled = false",
        "sync.topic.acls.enabled = false",
        "emit.checkpoints.enabled = false",
        "replication.factor = 1",
        "checkpoints.topic.replication.factor = 1",
        "heartbeats.topic.replication.factor = 1",
        "offset-syncs.topic.replication.factor = 1",
        "offset.storage.replication.factor = 1",
        "status.storage.replication.factor = 1",
        "config.storage.replication.factor = 1",
        "");
  }

  /** Aggregates spread over 40 one-minute windows ending ten minutes ago, mostly site scope. */
  private static void preload(EmbeddedKafkaCluster a, int records) {
    long base =
        Instant.now().minus(50, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MINUTES).toEpochMilli();
    SendFailures failures = new SendFailures();
    try (var producer = producer(a)) {
      for (int i = 0; i < records; i++) {
        long windowStart = base + (long) i * 40 / records * 60_000;
        RegionalAggregate aggregate = aggregate("A", windowStart, i);
        producer.send(
            new ProducerRecord<>(
                Topics.REGIONAL_EXPORT.name(),
                null,
                windowStart,
                "backlog-" + i,
                CODEC.encode(aggregate)),
            failures);
      }
    }
    failures.check("preloaded records");
  }

  /** A device type's window of a few hundred readings, as the regions' sketches carry it. */
  private static final java.nio.ByteBuffer TYPE_SKETCH = typeSketch();

  private static java.nio.ByteBuffer typeSketch() {
    java.util.Random random = new java.util.Random(1);
    dev.fieldline.schema.stats.ValueSketch sketch = dev.fieldline.schema.stats.ValueSketch.empty();
    for (int i = 0; i < 600; i++) {
      sketch.add(20 + 3 * random.nextGaussian());
    }
    return java.nio.ByteBuffer.wrap(sketch.toBytes());
  }

  static RegionalAggregate aggregate(String region, long windowStart, int i) {
    boolean deviceType = i % 10 == 0;
    String type = "type-" + (i % 5);
    return RegionalAggregate.newBuilder()
        .setRegion(region)
        .setScope(deviceType ? Scope.DEVICE_TYPE : Scope.SITE)
        .setKey(
            deviceType ? type + "|temperature" : "site-" + (i % 100) + "|" + type + "|temperature")
        .setSiteId(deviceType ? null : "site-" + (i % 100))
        .setDeviceType(type)
        .setMetric("temperature")
        .setWindowStart(Instant.ofEpochMilli(windowStart))
        .setWindowEnd(Instant.ofEpochMilli(windowStart + 60_000))
        .setStats(RunningStats.of(20 + i % 7, 21, 22.5).toAvro())
        .setDeviceCount(3)
        .setAnomalyCount(i % 3)
        .setDecisionCount(i % 3)
        .setRejectedCount(0)
        .setFilteredCount(1)
        .setSummaryCount(3)
        .setOriginRegion(region)
        .setSketch(deviceType ? TYPE_SKETCH.duplicate() : null)
        .build();
  }

  static KafkaProducer<String, byte[]> producer(EmbeddedKafkaCluster cluster) {
    Map<String, Object> config = cluster.clientConfig();
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  static double seconds(long nanos) {
    return nanos / 1e9;
  }

  /** Backlog rate and the lag histogram of one replicator. */
  record Result(double perSecond, LagRun.Lag lag) {
    int lagRecords() {
      return lag.count();
    }

    double lagP99Ms() {
      return lag.p99Ms();
    }

    void print(String name) {
      System.out.printf(
          "%-22s %14.0f %12.1f %12.1f %12.1f %10d %10d%n",
          name, perSecond, lag.p50Ms(), lag.p99Ms(), lag.maxMs(), lag.count(), lag.duplicates());
    }
  }

  /** {@code --key value} pairs. */
  static final class Options {
    static Map<String, String> parse(String[] args) {
      Map<String, String> options = new java.util.HashMap<>();
      for (int i = 0; i < args.length; i++) {
        if (!args[i].startsWith("--") || i + 1 >= args.length) {
          throw new IllegalArgumentException("expected --name value, got " + args[i]);
        }
        options.put(args[i].substring(2), args[++i]);
      }
      return options;
    }
  }
}
