package dev.fieldline.edge.core.rules;

import dev.fieldline.edge.anomaly.FleetNormal;
import dev.fieldline.schema.v1.FeatureUpdate;
import java.util.ArrayList;
import java.util.List;

/**
 * The rules that apply to one device's metric, with their state. Evaluated on every accepted
 * reading, on the decision thread; allocates only when a rule fires or clears.
 */
public final class MetricRules {
  private static final MetricRules NONE = new MetricRules(new RuleState[0]);

  private final RuleState[] states;
  private double previousValue = Double.NaN;
  private long previousTime;

  // The fleet's normal derived from the latest features, once per update (not per reading).
  private FeatureUpdate fleetOf;
  private FleetNormal fleet;

  private MetricRules(RuleState[] states) {
    this.states = states;
  }

  /** The rules of {@code all} that apply to this device type and metric. */
  public static MetricRules select(List<RuleSpec> all, String deviceType, String metric) {
    List<RuleState> states = new ArrayList<>();
    for (RuleSpec rule : all) {
      if (rule.matches(deviceType, metric)) {
        states.add(new RuleState(rule));
      }
    }
    return states.isEmpty() ? NONE : new MetricRules(states.toArray(new RuleState[0]));
  }

  public boolean isEmpty() {
    return states.length == 0;
  }

  /**
   * Evaluates every rule on one reading.
   *
   * @param features the latest feature update for this device type and metric, or null
   * @return true when any rule's condition held for this reading (an anomaly)
   */
  public boolean evaluate(
      String metric, double value, long time, FeatureUpdate features, DecisionListener listener) {
    boolean anomaly = false;
    double rate = Double.NaN;
    if (!Double.isNaN(previousValue) && time > previousTime) {
      rate = (value - previousValue) * 1000.0 / (time - previousTime);
    }
    for (RuleState state : states) {
      RuleSpec rule = state.spec;
      double measured;
      Long featureVersion = null;
      switch (rule.kind()) {
        case THRESHOLD -> measured = value;
        case RATE_OF_CHANGE -> {
          if (Double.isNaN(rate)) {
            continue;
          }
          measured = Math.abs(rate);
        }
        case ZSCORE -> {
          if (features == null
              || features.getCount() < rule.minFeatureCount()
              || !(features.getStddev() > 0)) {
            continue; // nothing learned yet: no opinion
          }
          measured = Math.abs(value - features.getMean()) / features.getStddev();
          featureVersion = features.getVersion();
        }
        case ANOMALY -> {
          FleetNormal prior = rule.detector().fleetPriors() ? fleet(features) : null;
          measured = state.detector.score(value, time, prior);
          if (prior != null) {
            featureVersion = prior.version();
          }
        }
        default -> throw new IllegalStateException(rule.kind().name());
      }
      boolean triggered = triggered(rule, measured);
      anomaly |= triggered;
      boolean debounced = state.debounce(triggered);
      if (!state.active && debounced) {
        state.active = true;
        listener.onDecision(
            rule, true, value, reason(state, metric, value, measured, true), featureVersion);
      } else if (state.active && cleared(rule, measured, triggered)) {
        state.active = false;
        listener.onDecision(
            rule, false, value, reason(state, metric, value, measured, false), featureVersion);
      }
    }
    previousValue = value;
    previousTime = time;
    return anomaly;
  }

  private FleetNormal fleet(FeatureUpdate features) {
    if (features != fleetOf) {
      fleetOf = features;
      fleet = FleetNormal.of(features);
    }
    return fleet;
  }

  private static boolean triggered(RuleSpec rule, double measured) {
    boolean over = !Double.isNaN(rule.above()) && measured > rule.above();
    boolean under = !Double.isNaN(rule.below()) && measured < rule.below();
    return over || under;
  }

  private static boolean cleared(RuleSpec rule, double measured, boolean triggered) {
    boolean hysteresis = !Double.isNaN(rule.clearBelow()) || !Double.isNaN(rule.clearAbove());
    if (!hysteresis) {
      return !triggered;
    }
    boolean clearBelow = Double.isNaN(rule.clearBelow()) || measured < rule.clearBelow();
    boolean clearAbove = Double.isNaN(rule.clearAbove()) || measured > rule.clearAbove();
    return clearBelow && clearAbove;
  }

  private static String reason(
      RuleState state, String metric, double value, double measured, boolean fired) {
    RuleSpec rule = state.spec;
    String what =
        switch (rule.kind()) {
          case THRESHOLD -> metric + " " + value;
          case RATE_OF_CHANGE -> metric + " changing " + round(measured) + "/s";
          case ZSCORE -> metric + " " + value + " at z=" + round(measured);
          case ANOMALY -> metric + " " + value + " with anomaly score " + round(measured);
        };
    if (!fired) {
      return what + ": cleared";
    }
    if (!Double.isNaN(rule.above()) && measured > rule.above()) {
      return what + state.aboveReason();
    }
    return what + state.belowReason();
  }

  private static double round(double value) {
    return Math.round(value * 100.0) / 100.0;
  }
}
