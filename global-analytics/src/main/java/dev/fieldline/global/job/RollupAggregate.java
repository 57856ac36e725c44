package dev.fieldline.global.job;

import dev.fieldline.global.model.ExportedAggregate;
import dev.fieldline.global.model.GlobalRollup;
import org.apache.flink.api.common.functions.AggregateFunction;

/** Merges every region's device-type aggregates of one window as they arrive. */
final class RollupAggregate
    implements AggregateFunction<ExportedAggregate, GlobalRollup, GlobalRollup> {
  private static final long serialVersionUID = 1L;

  @Override
  public GlobalRollup createAccumulator() {
    return new GlobalRollup();
  }

  @Override
  public GlobalRollup add(ExportedAggregate aggregate, GlobalRollup rollup) {
    return rollup.add(aggregate);
  }

  @Override
  public GlobalRollup getResult(GlobalRollup rollup) {
    return rollup;
  }

  @Override
  public GlobalRollup merge(GlobalRollup a, GlobalRollup b) {
    return a.merge(b);
  }
}
