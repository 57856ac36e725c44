package dev.fieldline.demo;

import java.time.Duration;

/** SIGKILL to the edge agent's JVM, then a restart on the same journal, as systemd would. */
final class EdgeAgentKill implements ChaosFault {
  private final ChaosPipeline pipeline;

  EdgeAgentKill(ChaosPipeline pipeline) {
    this.pipeline = pipeline;
  }

  @Override
  public String name() {
    return "edge agent killed (SIGKILL), restarted";
  }

  @Override
  public void inject() {
    pipeline.edge.kill();
  }

  @Override
  public Duration outage() {
    return Duration.ZERO;
  }

  @Override
  public void lift() {
    pipeline.startEdge();
  }

  @Override
  public boolean recovered() {
    String health = pipeline.edge.health();
    return health.contains("\"mqtt\":\"connected\"") && health.contains("\"uplink\":\"UP\"");
  }

  @Override
  public String status() {
    return "edge /health " + pipeline.edge.health();
  }
}
