package dev.fieldline.demo;

import java.time.Duration;

/** The edge agent's link to its MQTT broker is cut (connections dropped, new ones refused). */
final class MqttLinkCut implements ChaosFault {
  private final ChaosPipeline pipeline;

  MqttLinkCut(ChaosPipeline pipeline) {
    this.pipeline = pipeline;
  }

  @Override
  public String name() {
    return "edge MQTT connection dropped";
  }

  @Override
  public void inject() {
    pipeline.edgeLink.cut();
  }

  @Override
  public Duration outage() {
    return pipeline.settings.linkOutage();
  }

  @Override
  public void lift() {
    pipeline.edgeLink.restore();
  }

  @Override
  public boolean recovered() {
    return pipeline.edge.health().contains("\"mqtt\":\"connected\"");
  }

  @Override
  public String status() {
    return "edge /health " + pipeline.edge.health();
  }
}
