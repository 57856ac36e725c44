package dev.fieldline.edge.bench;

import dev.fieldline.edge.io.Journal;
import dev.fieldline.edge.io.JournalOp;
import dev.fieldline.edge.io.JournalWriter;
import dev.fieldline.edge.io.KafkaUplink;
import dev.fieldline.edge.io.OutboxEntry;
import dev.fieldline.edge.io.ReconnectPolicy;
import dev.fieldline.infra.kafka.EmbeddedKafkaCluster;
import dev.fieldline.schema.Topics;
import dev.fieldline.schema.codec.AvroCodec;
import dev.fieldline.schema.stats.RunningStats;
import dev.fieldline.schema.stats.ValueSketch;
import dev.fieldline.schema.v1.EdgeSummary;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code bench/edge-drain}: how fast a gateway's backlog leaves after an uplink outage. Fills the
 * journal's outbox with the summaries of an outage (real encoded summaries with sketches), then
 * drains it into an embedded Kafka cluster with the agent's own uplink ({@link KafkaUplink}: one
 * acknowledged batch at a time, each removed from the journal); the floor is a plain producer with
 * the same settings sending the same records from memory as fast as it can.
 *
 * <p>Arguments: {@code [entries] [batch size] [producer setting=value...]}, defaults 200,000 (an
 * hour of 200 devices with 3 metrics each, 10 s windows) and the agent's default 500; settings
 * override the uplink's producer defaults for both (as {@code uplink.kafka.*} does in the agent).
 */
public final class UplinkDrainBenchmark {
  private UplinkDrainBenchmark() {}

  public static void main(String[] args) throws Exception {
    int entries = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int batchSize = args.length > 1 ? Integer.parseInt(args[1]) : 500;
    Map<String, Object> overrides = new java.util.HashMap<>();
    for (int i = 2; i < args.length; i++) {
      String[] setting = args[i].split("=", 2);
      overrides.put(setting[0], setting[1]);
    }
    Path dir = Files.createTempDirectory("fieldline-bench-drain");
    Path file = dir.resolve("journal.db");

    long fillStart = System.nanoTime();
    long journalBytes = fill(file, entries);
    System.out.printf(
        "journal: %,d summaries waiting (%,d bytes counted) after %.1f s%n",
        entries, journalBytes, seconds(System.nanoTime() - fillStart));

    try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start("drain")) {
      kafka.createTopic("floor.summaries", 3, Map.of());
      kafka.createTopic(Topics.EDGE_SUMMARIES.name(), 3, Topics.EDGE_SUMMARIES.config());
      Map<String, Object> client = kafka.clientConfig();
      client.putAll(overrides);
      double floor = producerRate(client, file, entries);
      System.out.printf("plain producer (same settings, from memory): %,.0f records/s%n", floor);

      double drain = uplinkRate(client, file, entries, batchSize);
      System.out.printf(
          "uplink drain (journal -> Kafka, batches of %d): %,.0f records/s%n", batchSize, drain);
      System.out.printf(
          "drain_per_s=%.0f producer_per_s=%.0f ratio=%.3f entries=%d batch_size=%d%n",
          drain, floor, drain / floor, entries, batchSize);
    }
  }

  /** Writes the summaries of an outage into the outbox, in the writer's batches. */
  private static long fill(Path file, int entries) throws Exception {
    AvroCodec<EdgeSummary> codec = AvroCodec.of(EdgeSummary.class);
    String[] metrics = {"temperature", "vibration", "pressure"};
    Random random = new Random(7);
    long base = (System.currentTimeMillis() / 10_000 - entries / 600 - 1) * 10_000;
    try (Journal journal = new Journal(file, Journal.Durability.NORMAL)) {
      List<JournalOp> batch = new ArrayList<>();
      for (int i = 0; i < entries; i++) {
        int device = i % 200;
        String metric = metrics[(i / 200) % metrics.length];
        Instant start = Instant.ofEpochMilli(base + (i / 600) * 10_000L);
        double[] values = new double[10];
        ValueSketch sketch = ValueSketch.empty();
        for (int r = 0; r < values.length; r++) {
          values[r] = 20 + random.nextGaussian();
          sketch.add(values[r]);
        }
        EdgeSummary summary =
            EdgeSummary.newBuilder()
                .setGatewayId("gw-1")
                .setSiteId("site-1")
                .setRegion("bench")
                .setDeviceId("dev-" + device)
                .setDeviceType("pump")
                .setMetric(metric)
                .setWindowStart(start)
                .setWindowEnd(start.plusSeconds(10))
                .setStats(RunningStats.of(values).toAvro())
                .setFirstSeq(i * 10L)
                .setLastSeq(i * 10L + 9)
                .setSketch(ByteBuffer.wrap(sketch.toBytes()))
                .build();
        batch.add(
            new JournalOp.Summary(
                "gw-1|dev-" + device + "|" + metric + "|" + start.toEpochMilli(),
                Topics.EDGE_SUMMARIES.name(),
                summary.getDeviceId(),
                codec.encode(summary),
                summary.getDeviceId(),
                metric,
                start.toEpochMilli(),
                null));
        if (batch.size() == 1_000) {
          journal.write(batch);
          batch.clear();
        }
      }
      journal.write(batch);
      return journal.outboxBytes();
    }
  }

  /** The floor: the same records and producer settings, pipelined, from memory. */
  private static double producerRate(Map<String, Object> client, Path file, int entries)
      throws Exception {
    List<OutboxEntry> records;
    try (Journal journal = new Journal(file, Journal.Durability.NORMAL)) {
      records = journal.oldestAfter(0, entries);
    }
    Map<String, Object> config = KafkaUplink.withDefaults(client);
    Semaphore inFlight = new Semaphore(0);
    AtomicReference<Exception> failure = new AtomicReference<>();
    long start = System.nanoTime();
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
      for (OutboxEntry entry : records) {
        producer.send(
            new ProducerRecord<>("floor.summaries", entry.key(), entry.payload()),
            (metadata, e) -> {
              if (e != null) {
                failure.set(e);
              }
              inFlight.release();
            });
      }
      if (!inFlight.tryAcquire(entries, 5, TimeUnit.MINUTES)) {
        throw new IllegalStateException("the producer did not finish in 5 minutes");
      }
    }
    if (failure.get() != null) {
      throw failure.get();
    }
    return entries / seconds(System.nanoTime() - start);
  }

  /** The agent's uplink and writer on the filled journal, until the outbox is empty. */
  private static double uplinkRate(
      Map<String, Object> client, Path file, int entries, int batchSize) throws Exception {
    try (Journal journal = new Journal(file, Journal.Durability.NORMAL);
        JournalWriter writer = new JournalWriter(journal, Long.MAX_VALUE, 1_000)) {
      journal.leaveCheckpointsToOthers();
      long start = System.nanoTime();
      try (KafkaUplink uplink =
          new KafkaUplink(
              new Journal(file, Journal.Durability.NORMAL),
              writer,
              "bench",
              client,
              null,
              batchSize,
              ReconnectPolicy.defaults())) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(20);
        while (uplink.sent.sum() < entries) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("the uplink did not drain the journal in 20 minutes");
          }
          Thread.sleep(5);
        }
        double rate = entries / seconds(System.nanoTime() - start);
        if (journal.outboxCount() != 0 || writer.outboxCount() != 0) {
          throw new IllegalStateException(
              "drained, but the outbox still counts "
                  + journal.outboxCount()
                  + " (journal) / "
                  + writer.outboxCount()
                  + " (writer)");
        }
        return rate;
      }
    }
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }
}
