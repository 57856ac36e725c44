package dev.fieldline.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldline.schema.Topics;
import dev.fieldline.schema.codec.AvroCodec;
import dev.fieldline.schema.v1.RegionalAggregate;
import java.io.File;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * The repository's docker-compose.yml on a real Docker engine: Mosquitto, Kafka and Flink
 * containers running the module jars. Within minutes, each region's global.aggregates holds
 * aggregates measured in both regions. Skipped where no Docker engine runs; the embedded demo
 * covers the same pipeline everywhere.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class ComposeStackIT {
  private static final AvroCodec<RegionalAggregate> AGGREGATES =
      AvroCodec.of(RegionalAggregate.class);

  @Test
  void shouldReplicateBothRegionsIntoEachOtherOnContainers() {
    Assumptions.assumeTrue(
        DockerClientFactory.instance().isDockerAvailable(),
        "no Docker engine: compose stack skipped");
    File compose = new File("../docker-compose.yml");
    try (ComposeContainer stack =
        new ComposeContainer(compose)
            .withBuild(true)
            .withLocalCompose(true)
            .waitingFor("kafka-eu", Wait.forHealthcheck())
            .waitingFor("kafka-us", Wait.forHealthcheck())) {
      stack.start();
      for (String bootstrap : List.of("localhost:19092", "localhost:29092")) {
        assertThat(originsIn(bootstrap, Duration.ofMinutes(8)))
            .as("origins in global.aggregates of %s", bootstrap)
            .contains("eu-west", "us-east");
      }
    }
  }

  private static Set<String> originsIn(String bootstrap, Duration timeout) {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ConsumerConfig.GROUP_ID_CONFIG,
            "compose-it-" + UUID.randomUUID(),
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed",
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest",
            ConsumerConfig.METADATA_MAX_AGE_CONFIG,
            2000);
    Set<String> origins = new HashSet<>();
    try (var consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(Topics.GLOBAL_AGGREGATES.name()));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (origins.size() < 2 && System.nanoTime() < deadline) {
        for (var record : consumer.poll(Duration.ofSeconds(1))) {
          origins.add(AGGREGATES.decode(record.value(), bootstrap).getOriginRegion());
        }
      }
    }
    return origins;
  }
}
