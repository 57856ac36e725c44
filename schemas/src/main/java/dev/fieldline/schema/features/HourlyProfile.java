package dev.fieldline.schema.features;

import dev.fieldline.schema.stats.RunningStats;
import dev.fieldline.schema.v1.HourProfile;
import java.util.ArrayList;
import java.util.List;

/**
 * What a metric looks like per hour of the day (UTC): count, mean and M2 of every value in windows
 * that started in that hour, merged with Chan et al.'s formula as {@link RunningStats} is, so
 * windows arrive in any order. A Flink POJO: public fields, kept in the global job's state.
 */
public final class HourlyProfile {
  public static final int HOURS = 24;
  private static final long HOUR_MS = 3_600_000L;

  public long[] count = new long[HOURS];
  public double[] mean = new double[HOURS];
  public double[] m2 = new double[HOURS];

  public HourlyProfile() {}

  /** Adds the statistics of one window that started at {@code windowStart} (epoch millis). */
  public void add(long windowStart, RunningStats window) {
    if (window.count() == 0) {
      return;
    }
    int hour = (int) (Math.floorMod(windowStart, 24 * HOUR_MS) / HOUR_MS);
    long n = count[hour] + window.count();
    double delta = window.mean() - mean[hour];
    mean[hour] += delta * window.count() / n;
    m2[hour] += window.m2() + delta * delta * count[hour] * (double) window.count() / n;
    count[hour] = n;
  }

  /** The hours with values, in order; stddev is the sample deviation (0 for a single value). */
  public List<HourProfile> toAvro() {
    List<HourProfile> hours = new ArrayList<>();
    for (int hour = 0; hour < HOURS; hour++) {
      if (count[hour] > 0) {
        double variance = count[hour] > 1 ? m2[hour] / (count[hour] - 1) : 0;
        hours.add(new HourProfile(hour, count[hour], mean[hour], Math.sqrt(Math.max(0, variance))));
      }
    }
    return hours;
  }
}
