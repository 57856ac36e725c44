package dev.fieldline.edge.core;

import dev.fieldline.schema.v1.Command;
import dev.fieldline.schema.v1.DecisionEvent;
import dev.fieldline.schema.v1.EdgeSummary;
import java.util.ArrayList;
import java.util.List;

/** A {@link CoreSink} that keeps everything, for tests. */
public final class RecordingSink implements CoreSink {
  public final List<Command> commands = new ArrayList<>();
  public final List<String> commandSites = new ArrayList<>();
  public final List<DecisionEvent> decisions = new ArrayList<>();
  public final List<AcceptedReading> accepted = new ArrayList<>();
  public final List<EdgeSummary> summaries = new ArrayList<>();
  public final List<WindowGap> gaps = new ArrayList<>();
  public final List<RejectReason> rejected = new ArrayList<>();
  public final List<String> rejectDetails = new ArrayList<>();
  public final List<String> sparkplugCommands = new ArrayList<>();
  public final List<String> rebirths = new ArrayList<>();

  @Override
  public void sparkplugCommand(String group, String node, String device, Command command) {
    sparkplugCommands.add(group + "/" + node + "/" + device + " " + command.getAction());
  }

  @Override
  public void rebirth(String group, String node) {
    rebirths.add(group + "/" + node);
  }

  @Override
  public void command(String siteId, String deviceId, Command command) {
    commandSites.add(siteId);
    commands.add(command);
  }

  @Override
  public void decision(DecisionEvent decision) {
    decisions.add(decision);
  }

  @Override
  public void accepted(AcceptedReading reading) {
    accepted.add(reading);
  }

  @Override
  public void gap(WindowGap gap) {
    gaps.add(gap);
  }

  @Override
  public void summary(EdgeSummary summary) {
    summaries.add(summary);
  }

  @Override
  public void rejected(String topic, byte[] payload, RejectReason reason, String detail) {
    rejected.add(reason);
    rejectDetails.add(detail);
  }
}
