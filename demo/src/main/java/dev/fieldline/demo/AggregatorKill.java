package dev.fieldline.demo;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.streams.KafkaStreams;

/**
 * SIGKILL to one of the region's two aggregator instances; the other one must take over its tasks
 * once the group notices (session timeout) and carry on from the last committed transaction.
 */
final class AggregatorKill implements ChaosFault {
  private final ChaosPipeline pipeline;

  AggregatorKill(ChaosPipeline pipeline) {
    this.pipeline = pipeline;
  }

  @Override
  public String name() {
    return "aggregator instance killed (SIGKILL)";
  }

  @Override
  public void inject() {
    pipeline.doomedAggregator.kill();
  }

  @Override
  public Duration outage() {
    return Duration.ZERO;
  }

  @Override
  public void lift() {
    // Nothing to restart: the surviving instance takes over.
  }

  /** The group is stable with the survivor alone, and the survivor is running. */
  @Override
  public boolean recovered() throws Exception {
    KafkaStreams streams = pipeline.survivingAggregator.streams();
    if (streams.state() != KafkaStreams.State.RUNNING) {
      return false;
    }
    ConsumerGroupDescription group = group();
    return group.groupState() == GroupState.STABLE && group.members().size() == 1;
  }

  @Override
  public String status() throws Exception {
    ConsumerGroupDescription group = group();
    return "surviving aggregator "
        + pipeline.survivingAggregator.streams().state()
        + "; group "
        + group.groupState()
        + " with "
        + group.members().size()
        + " member(s)";
  }

  private ConsumerGroupDescription group() throws Exception {
    String group = pipeline.aggregatorGroup;
    try (Admin admin =
        Admin.create(Map.of("bootstrap.servers", pipeline.kafka.bootstrapServers()))) {
      return admin
          .describeConsumerGroups(List.of(group))
          .all()
          .get(10, TimeUnit.SECONDS)
          .get(group);
    }
  }
}
