package dev.fieldline.regional.bench;

import dev.fieldline.infra.kafka.EmbeddedKafkaCluster;
import dev.fieldline.regional.app.RegionalAggregator;
import dev.fieldline.regional.app.RegionalAggregatorApp;
import dev.fieldline.regional.config.AggregatorConfig;
import dev.fieldline.schema.Topics;
import dev.fieldline.schema.codec.AvroCodec;
import dev.fieldline.schema.stats.RunningStats;
import dev.fieldline.schema.stats.ValueSketch;
import dev.fieldline.schema.v1.EdgeSummary;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code bench/regional-throughput}: preloads {@code edge.summaries} on an embedded cluster, runs
 * one aggregator instance with exactly-once until every input summary is consumed and committed,
 * and in the same run reads the same topic with a plain consumer that only decodes (the floor).
 * Both run twice, and the second pass, with the JVM warm, is the one measured.
 *
 * <p>Arguments: {@code [summaries] [devices] [partitions] [setting=value...]}, defaults 1,000,000,
 * 10,000 and 3; settings override the aggregator's config (e.g. {@code streams.threads=2}).
 */
public final class RegionalThroughputBenchmark {
  private RegionalThroughputBenchmark() {}

  public static void main(String[] args) throws Exception {
    int summaries = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int devices = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    int partitions = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    Path state = Files.createTempDirectory("fieldline-bench-regional");

    try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start("bench")) {
      for (var topic : Topics.all()) {
        kafka.createTopic(topic.name(), partitions, topic.config());
        kafka.createTopic(topic.deadLetterTopic(), partitions, Map.of());
      }
      long preloadStart = System.nanoTime();
      preload(kafka, summaries, devices);
      System.out.printf(
          "preloaded %,d summaries over %,d devices into %d partitions in %.1f s%n",
          summaries, devices, partitions, seconds(System.nanoTime() - preloadStart));

      // Each reader runs twice over the whole topic, the first pass warming the JVM up: the
      // broker, the clients and the aggregator share this JVM, and during a cold pass the JIT
      // compilers took most of a core (of two) from the aggregator's stream thread.
      Pass coldFloor = plainConsumerPass(kafka, summaries, "bench-floor-cold");
      Pass floor = plainConsumerPass(kafka, summaries, "bench-floor");
      System.out.printf(
          "plain consumer (decode only): %,.0f summaries/s; cold pass %,.0f%n",
          floor.rate(), coldFloor.rate());

      List<String> extra = List.of(args).subList(Math.min(3, args.length), args.length);
      Pass cold = aggregatorPass(kafka, summaries, partitions, "bench-regional-cold", state, extra);
      Pass warm = aggregatorPass(kafka, summaries, partitions, "bench-regional", state, extra);
      System.out.printf(
          "summaries_per_s=%.0f consumer_per_s=%.0f ratio=%.3f eos=true"
              + " cold_summaries_per_s=%.0f cold_consumer_per_s=%.0f cold_ratio=%.3f"
              + " jit_s=%.1f cold_jit_s=%.1f"
              + " stream_cpu_us_per_summary=%.2f consumer_cpu_us_per_summary=%.2f cpu_ratio=%.3f%n",
          warm.rate(),
          floor.rate(),
          warm.rate() / floor.rate(),
          cold.rate(),
          coldFloor.rate(),
          cold.rate() / coldFloor.rate(),
          warm.jitSeconds(),
          cold.jitSeconds(),
          warm.cpuMicrosEach(),
          floor.cpuMicrosEach(),
          floor.cpuMicrosEach() / warm.cpuMicrosEach());
    }
  }

  /**
   * Summaries per second over one pass, the JIT compilers' time during it, and the reading threads'
   * CPU time per summary (the stream threads', or the plain consumer's): less affected than the
   * rate by what else the two cores run meanwhile.
   */
  private record Pass(double rate, double jitSeconds, double cpuMicrosEach) {}

  /** One aggregator instance of its own application id over the whole topic. */
  private static Pass aggregatorPass(
      EmbeddedKafkaCluster kafka,
      int summaries,
      int partitions,
      String applicationId,
      Path stateRoot,
      List<String> extra)
      throws Exception {
    List<String> settings =
        new java.util.ArrayList<>(
            List.of(
                "region=bench",
                "application-id=" + applicationId,
                "kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "kafka.create-topics=false",
                "streams.state-dir=" + Files.createDirectories(stateRoot.resolve(applicationId)),
                "windows.grace=5m",
                "dedup.retention=6h",
                "http.host=127.0.0.1",
                "http.port=0"));
    settings.addAll(extra);
    AggregatorConfig config = RegionalAggregatorApp.loader().load(null, Map.of(), settings);
    System.out.println(applicationId + " settings: " + settings.subList(6, settings.size()));
    try (RegionalAggregator aggregator = new RegionalAggregator(config)) {
      long start = System.nanoTime();
      aggregator.start();
      while (!aggregator.health().ready()) {
        Thread.sleep(20);
      }
      long running = System.nanoTime();
      long jitBefore = jitMillis();
      awaitCommitted(kafka, applicationId, partitions);
      long done = System.nanoTime();
      double jit = (jitMillis() - jitBefore) / 1e3;
      double rate = summaries / seconds(done - running);
      double cpuEach = streamThreadsCpuNanos(applicationId) / 1e3 / summaries;
      System.out.printf(
          "%s (exactly_once_v2): %,.0f summaries/s (%.1f s after start-up of %.1f s, JIT %.1f s,"
              + " stream threads %.2f µs CPU a summary); in=%d duplicates=%d late=%d"
              + " aggregates=%d%n",
          applicationId,
          rate,
          seconds(done - running),
          seconds(running - start),
          jit,
          cpuEach,
          aggregator.counters().summariesIn.sum(),
          aggregator.counters().duplicates.sum(),
          aggregator.counters().lateSummaries.sum(),
          aggregator.counters().aggregatesOut.sum());
      return new Pass(rate, jit, cpuEach);
    }
  }

  /** CPU time of the instance's stream threads so far (they exist only while it runs). */
  private static long streamThreadsCpuNanos(String applicationId) {
    var threads = ManagementFactory.getThreadMXBean();
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith(applicationId + "-"))
        .filter(t -> t.getName().contains("-StreamThread-"))
        .mapToLong(t -> Math.max(0, threads.getThreadCpuTime(t.getId())))
        .sum();
  }

  /** Time the JIT compilers have spent so far, summed over their threads. */
  private static long jitMillis() {
    return ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
  }

  private static void preload(EmbeddedKafkaCluster kafka, int summaries, int devices) {
    Map<String, Object> config = kafka.clientConfig();
    config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    String[] types = {"chiller", "pump", "compressor", "fan"};
    String[] metrics = {"temperature", "vibration"};
    Random random = new Random(42);
    // Two hours ago, in 10-second edge windows, every device in turn: as a fleet of edges sends.
    long base = (System.currentTimeMillis() / 60_000 - 120) * 60_000;
    try (KafkaProducer<String, EdgeSummary> producer =
        new KafkaProducer<>(
            config, new StringSerializer(), Topics.EDGE_SUMMARIES.valueSerde().serializer())) {
      for (int i = 0; i < summaries; i++) {
        int device = i % devices;
        int round = i / devices;
        String metric = metrics[round % metrics.length];
        Instant start = Instant.ofEpochMilli(base + (round / metrics.length) * 10_000L);
        RunningStats stats = new RunningStats();
        ValueSketch sketch = ValueSketch.empty(); // as the edges send them
        for (int r = 0; r < 10; r++) {
          double value = 20 + random.nextGaussian();
          stats.add(value);
          sketch.add(value);
        }
        EdgeSummary summary =
            EdgeSummary.newBuilder()
                .setGatewayId("gw-" + device / 100)
                .setSiteId("site-" + device / 500)
                .setRegion("bench")
                .setDeviceId("dev-" + device)
                .setDeviceType(types[device % types.length])
                .setMetric(metric)
                .setWindowStart(start)
                .setWindowEnd(start.plusSeconds(10))
                .setStats(stats.toAvro())
                .setFirstSeq(round * 10L)
                .setLastSeq(round * 10L + 9)
                .setSketch(java.nio.ByteBuffer.wrap(sketch.toBytes()))
                .build();
        producer.send(
            new ProducerRecord<>(Topics.EDGE_SUMMARIES.name(), summary.getDeviceId(), summary));
      }
      producer.flush();
    }
  }

  private static Pass plainConsumerPass(EmbeddedKafkaCluster kafka, int expected, String group) {
    Map<String, Object> config = kafka.clientConfig();
    config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
    AvroCodec<EdgeSummary> codec = AvroCodec.of(EdgeSummary.class);
    long checksum = 0;
    int read = 0;
    long start = System.nanoTime();
    long jitBefore = jitMillis();
    long cpuBefore = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(Topics.EDGE_SUMMARIES.name()));
      while (read < expected) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          checksum += codec.decode(record.value(), record.topic()).getStats().getCount();
          read++;
        }
      }
    }
    if (checksum == 0) {
      throw new IllegalStateException("decoded nothing");
    }
    long cpu = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpuBefore;
    return new Pass(
        read / seconds(System.nanoTime() - start),
        (jitMillis() - jitBefore) / 1e3,
        cpu / 1e3 / read);
  }

  private static void awaitCommitted(EmbeddedKafkaCluster kafka, String group, int partitions)
      throws Exception {
    try (Admin admin = Admin.create(kafka.clientConfig())) {
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (int p = 0; p < partitions; p++) {
        latest.put(new TopicPartition(Topics.EDGE_SUMMARIES.name(), p), OffsetSpec.latest());
      }
      var ends = admin.listOffsets(latest).all().get();
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(20);
      while (System.nanoTime() < deadline) {
        Map<TopicPartition, OffsetAndMetadata> committed =
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        boolean all =
            ends.entrySet().stream()
                .allMatch(
                    e ->
                        committed.get(e.getKey()) != null
                            && committed.get(e.getKey()).offset() >= e.getValue().offset());
        if (all) {
          return;
        }
        Thread.sleep(100);
      }
      throw new IllegalStateException("the aggregator did not consume its input in 20 minutes");
    }
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }
}
