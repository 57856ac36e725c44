package dev.fieldline.global.bench;

import dev.fieldline.infra.kafka.EmbeddedKafkaCluster;
import dev.fieldline.schema.Topics;
import dev.fieldline.schema.codec.AvroCodec;
import dev.fieldline.schema.v1.RegionalAggregate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Produces into A at a fixed rate and measures, per record, produce to visible in B. */
final class LagRun {
  private static final AvroCodec<RegionalAggregate> CODEC = AvroCodec.of(RegionalAggregate.class);

  /** Lag percentiles of one run, in milliseconds. */
  record Lag(int count, double p50Ms, double p99Ms, double maxMs, long duplicates) {}

  private LagRun() {}

  static Lag run(
      EmbeddedKafkaCluster a, VisibilityProbe probe, String prefix, int rate, int seconds)
      throws InterruptedException {
    int total = rate * seconds;
    long[] sentAt = new long[total];
    long windowStart = Instant.now().truncatedTo(ChronoUnit.MINUTES).toEpochMilli();
    SendFailures failures = new SendFailures();
    try (var producer = GlobalReplicationBenchmark.producer(a)) {
      long start = System.nanoTime();
      for (int i = 0; i < total; i++) {
        long due = start + (long) (i * (1e9 / rate));
        long wait = due - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        byte[] value = CODEC.encode(GlobalReplicationBenchmark.aggregate("A", windowStart, i));
        sentAt[i] = System.nanoTime();
        producer.send(
            new ProducerRecord<>(
                Topics.REGIONAL_EXPORT.name(), null, windowStart, prefix + i, value),
            failures);
      }
    }
    failures.check("lag-run records");
    Histogram histogram = new Histogram(TimeUnit.MINUTES.toMicros(5), 3);
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    for (int i = 0; i < total; i++) {
      Long visible;
      while ((visible = probe.visibleAt(prefix + i)) == null) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(prefix + i + " never became visible");
        }
        Thread.sleep(50);
      }
      histogram.recordValue(Math.max(0, (visible - sentAt[i]) / 1_000));
    }
    return new Lag(
        total,
        histogram.getValueAtPercentile(50) / 1000.0,
        histogram.getValueAtPercentile(99) / 1000.0,
        histogram.getMaxValue() / 1000.0,
        probe.duplicates());
  }
}
