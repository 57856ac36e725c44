package dev.fieldline.demo;

import java.time.Duration;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The faulted region's Kafka broker is killed (SIGKILL) and started again on the same log directory
 * and ports after the outage.
 */
final class KafkaBrokerOutage implements ChaosFault {
  private final ChaosPipeline pipeline;

  KafkaBrokerOutage(ChaosPipeline pipeline) {
    this.pipeline = pipeline;
  }

  @Override
  public String name() {
    return "Kafka broker killed, restarted after " + outage().toSeconds() + " s";
  }

  @Override
  public void inject() {
    pipeline.kafka.stop(true);
  }

  @Override
  public Duration outage() {
    return pipeline.settings.kafkaOutage();
  }

  @Override
  public void lift() {
    pipeline.kafka.start();
  }

  /** The edge delivers again and both aggregators process again. */
  @Override
  public boolean recovered() {
    return pipeline.edge.health().contains("\"uplink\":\"UP\"")
        && pipeline.survivingAggregator.streams().state() == KafkaStreams.State.RUNNING
        && pipeline.doomedAggregator.isReady();
  }

  @Override
  public String status() {
    return "edge /health "
        + pipeline.edge.health()
        + "; surviving aggregator "
        + pipeline.survivingAggregator.streams().state()
        + "; second aggregator /health "
        + pipeline.doomedAggregator.health();
  }
}
