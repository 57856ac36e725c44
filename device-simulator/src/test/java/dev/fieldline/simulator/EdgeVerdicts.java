package dev.fieldline.simulator;

import dev.fieldline.edge.core.AcceptedReading;
import dev.fieldline.edge.core.CoreCounters;
import dev.fieldline.edge.core.CoreSettings;
import dev.fieldline.edge.core.CoreSink;
import dev.fieldline.edge.core.DecisionCore;
import dev.fieldline.edge.core.FeatureLookup;
import dev.fieldline.edge.core.RejectReason;
import dev.fieldline.edge.core.WindowGap;
import dev.fieldline.schema.v1.Command;
import dev.fieldline.schema.v1.DecisionEvent;
import dev.fieldline.schema.v1.EdgeSummary;
import java.util.ArrayList;
import java.util.List;

/**
 * The edge agent's own decision core as the simulator's judge: what it accepted, rejected (and
 * why), and which Sparkplug B rebirths it asked for.
 */
final class EdgeVerdicts implements CoreSink {
  final List<AcceptedReading> accepted = new ArrayList<>();
  final List<RejectReason> rejected = new ArrayList<>();
  final List<String> rebirths = new ArrayList<>();
  final CoreCounters counters = new CoreCounters();
  final DecisionCore core =
      new DecisionCore(
          CoreSettings.defaults(List.of(), List.of()), FeatureLookup.NONE, this, counters);

  @Override
  public void command(String siteId, String deviceId, Command command) {}

  @Override
  public void sparkplugCommand(String group, String node, String device, Command command) {}

  @Override
  public void rebirth(String group, String node) {
    rebirths.add(group + "/" + node);
  }

  @Override
  public void decision(DecisionEvent decision) {}

  @Override
  public void gap(WindowGap gap) {}

  @Override
  public void accepted(AcceptedReading reading) {
    accepted.add(reading);
  }

  @Override
  public void summary(EdgeSummary summary) {}

  @Override
  public void rejected(String topic, byte[] payload, RejectReason reason, String detail) {
    rejected.add(reason);
  }
}
