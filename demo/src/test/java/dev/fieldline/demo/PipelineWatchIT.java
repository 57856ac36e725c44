package dev.fieldline.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.fieldline.infra.kafka.EmbeddedKafkaCluster;
import dev.fieldline.schema.DeadLetters;
import dev.fieldline.schema.TopicSetup;
import dev.fieldline.schema.Topics;
import dev.fieldline.schema.codec.AvroCodec;
import dev.fieldline.schema.v1.EdgeSummary;
import dev.fieldline.schema.v1.Stats;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** What the demo's reconciliation reads of a region's topics, on a real embedded Kafka. */
class PipelineWatchIT {
  private static final AvroCodec<EdgeSummary> SUMMARIES = AvroCodec.of(EdgeSummary.class);
  private static final String DLQ = Topics.EDGE_SUMMARIES.deadLetterTopic();

  @Test
  void shouldCountEveryDeadLetteredSummaryOnceWhetherItDecodesOrNot() throws Exception {
    try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start("watch")) {
      TopicSetup.createMissing(kafka.clientConfig(), 3, (short) 1);
      Map<String, PipelineWatch> watches = new HashMap<>();
      try (PipelineWatch watch = new PipelineWatch("eu-west", kafka, new ReplicationLag(watches));
          KafkaProducer<String, byte[]> producer =
              new KafkaProducer<>(
                  kafka.clientConfig(), new StringSerializer(), new ByteArraySerializer())) {
        watches.put("eu-west", watch);
        byte[] late = SUMMARIES.encode(summary("dev-1", 0));
        producer.send(new ProducerRecord<>(Topics.EDGE_SUMMARIES.name(), "dev-1", late));
        producer.send(deadLetter("dev-1", late, DeadLetters.LATE));
        producer.send(deadLetter("dev-1", late, DeadLetters.LATE)); // the same summary again
        producer.send(
            deadLetter("dev-2", SUMMARIES.encode(summary("dev-2", 60_000)), DeadLetters.FUTURE));
        producer.send(
            deadLetter(
                "dev-3", "not avro".getBytes(StandardCharsets.UTF_8), DeadLetters.UNDECODABLE));
        producer.flush();

        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () -> {
                  assertThat(watch.summaryRecords.get()).isEqualTo(1);
                  assertThat(watch.deadLetteredSummaries.get()).isEqualTo(3);
                });
        Thread.sleep(500); // nothing more comes: each counted once
        assertThat(watch.deadLetteredSummaries.get()).isEqualTo(3);
      }
    }
  }

  private static ProducerRecord<String, byte[]> deadLetter(String key, byte[] value, String why) {
    Headers headers = DeadLetters.headers(null, why, why, Topics.EDGE_SUMMARIES.name(), 0, 0);
    return new ProducerRecord<>(DLQ, null, key, value, headers);
  }

  private static EdgeSummary summary(String deviceId, long windowStart) {
    return EdgeSummary.newBuilder()
        .setGatewayId("gw-eu-west")
        .setSiteId("site-1")
        .setRegion("eu-west")
        .setDeviceId(deviceId)
        .setDeviceType("chiller")
        .setMetric("temperature")
        .setWindowStart(Instant.ofEpochMilli(windowStart))
        .setWindowEnd(Instant.ofEpochMilli(windowStart + 5_000))
        .setStats(
            Stats.newBuilder()
                .setCount(2)
                .setSum(40)
                .setMin(19)
                .setMax(21)
                .setMean(20)
                .setM2(2)
                .build())
        .setFirstSeq(1)
        .setLastSeq(2)
        .build();
  }
}
