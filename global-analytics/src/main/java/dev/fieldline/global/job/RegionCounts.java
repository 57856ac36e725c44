package dev.fieldline.global.job;

/** Readings and anomalies of one device type in one region and window. A Flink POJO. */
public class RegionCounts {
  public long windowStart;
  public String region;
  public long readings;
  public long anomalies;

  public RegionCounts() {}

  RegionCounts(long windowStart, String region) {
    this.windowStart = windowStart;
    this.region = region;
  }

  double rate() {
    return readings == 0 ? 0.0 : (double) anomalies / readings;
  }
}
