package dev.fieldline.edge.core;

import dev.fieldline.schema.v1.Command;
import dev.fieldline.schema.v1.DecisionEvent;
import dev.fieldline.schema.v1.EdgeSummary;

/**
 * Where the decision core's results go. The edge agent implements it with MQTT (commands, dead
 * letters) and the journal (readings, summaries, decisions); tests and benchmarks with plain
 * collections. Called on the decision thread: implementations hand off and return at once.
 */
public interface CoreSink {
  /** A command for a device, to publish on its command topic. */
  void command(String siteId, String deviceId, Command command);

  /** The audit record of a decision, after its command was handed off. */
  void decision(DecisionEvent decision);

  /** An accepted reading, now part of an open window. */
  void accepted(AcceptedReading reading);

  /** Missing readings or a device restart counted into an open window. */
  void gap(WindowGap gap);

  /** A closed window's summary. */
  void summary(EdgeSummary summary);

  /**
   * Sparkplug B: a command for an edge node or one of its devices ({@code device} null for the
   * node), to publish as NCMD or DCMD with the command's action as a Boolean metric.
   */
  void sparkplugCommand(String group, String node, String device, Command command);

  /** Sparkplug B: ask an edge node to send its births again (NCMD, Node Control/Rebirth). */
  void rebirth(String group, String node);

  /** A message that was rejected, with its reason, for the dead-letter sink. */
  void rejected(String topic, byte[] payload, RejectReason reason, String detail);
}
