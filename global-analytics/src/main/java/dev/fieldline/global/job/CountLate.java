package dev.fieldline.global.job;

import dev.fieldline.global.model.ExportedAggregate;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Counter;

/**
 * Counts aggregates that reached the roll-up after their global window closed (a region further
 * behind than the watermarks allow). They are still replicated; only the roll-up misses them.
 */
final class CountLate extends RichMapFunction<ExportedAggregate, Long> {
  private static final long serialVersionUID = 1L;
  private transient Counter late;

  @Override
  public void open(OpenContext context) {
    late = getRuntimeContext().getMetricGroup().counter("rollupLateAggregates");
  }

  @Override
  public Long map(ExportedAggregate aggregate) {
    late.inc();
    return late.getCount();
  }
}
