package dev.fieldline.global.job;

import dev.fieldline.global.model.GlobalRollup;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/** Gives a finished roll-up the bounds of the global window it covers. */
final class StampWindow
    extends ProcessWindowFunction<GlobalRollup, GlobalRollup, String, TimeWindow> {
  private static final long serialVersionUID = 1L;

  @Override
  public void process(
      String typeAndMetric,
      Context context,
      Iterable<GlobalRollup> rollups,
      Collector<GlobalRollup> out) {
    for (GlobalRollup rollup : rollups) {
      rollup.windowStart = context.window().getStart();
      rollup.windowEnd = context.window().getEnd();
      out.collect(rollup);
    }
  }
}
