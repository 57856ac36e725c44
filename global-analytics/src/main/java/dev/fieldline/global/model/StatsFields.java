package dev.fieldline.global.model;

import dev.fieldline.schema.stats.RunningStats;
import dev.fieldline.schema.v1.Stats;

/**
 * Mergeable statistics as a Flink POJO, for records and state. All arithmetic is {@link
 * RunningStats}'s; this class only carries the six numbers.
 */
public class StatsFields {
  public long count;
  public double sum;
  public double min = Double.POSITIVE_INFINITY;
  public double max = Double.NEGATIVE_INFINITY;
  public double mean;
  public double m2;

  public StatsFields() {}

  public static StatsFields of(RunningStats stats) {
    return of(stats.toAvro());
  }

  public static StatsFields of(Stats avro) {
    StatsFields fields = new StatsFields();
    fields.count = avro.getCount();
    fields.sum = avro.getSum();
    fields.min = avro.getMin();
    fields.max = avro.getMax();
    fields.mean = avro.getMean();
    fields.m2 = avro.getM2();
    return fields;
  }

  public RunningStats toRunningStats() {
    return RunningStats.fromAvro(toAvro());
  }

  public Stats toAvro() {
    return new Stats(count, sum, min, max, mean, m2);
  }

  /** These statistics merged with others, as new statistics. */
  public StatsFields merge(StatsFields other) {
    return of(toRunningStats().merge(other.toRunningStats()));
  }
}
