package dev.fieldline.edge.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SeriesDetectorTest {
  private static final long STEP = 300_000; // five minutes, as most NAB series
  private static final long START = 1_700_000_000_000L;

  private static double[] run(double[] values) {
    SeriesDetector detector = new SeriesDetector(DetectorSettings.defaults());
    double[] scores = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      scores[i] = detector.score(values[i], START + i * STEP);
      assertThat(scores[i]).isBetween(0.0, 1.0);
    }
    return scores;
  }

  private static double[] noisy(int n, long seed) {
    Random random = new Random(seed);
    double[] values = new double[n];
    for (int i = 0; i < n; i++) {
      values[i] = 50 + random.nextGaussian();
    }
    return values;
  }

  private static double max(double[] scores, int from, int to) {
    double max = 0;
    for (int i = from; i < to; i++) {
      max = Math.max(max, scores[i]);
    }
    return max;
  }

  @Test
  void aConstantSeriesNeverScores() {
    double[] values = new double[3_000];
    java.util.Arrays.fill(values, 7.5);
    assertThat(max(run(values), 0, values.length)).isZero();
  }

  @Test
  void gaussianNoiseRarelyAlarms() {
    // New records keep coming in Gaussian noise (about 1/n of the readings); those beyond the
    // range by more than 0.4 of a typical step still alarm, a few times in 20,000 readings.
    // Measured: 20 alarms over these five series; at most one per 4,000 readings is allowed.
    int alarms = 0;
    for (long seed = 1; seed <= 5; seed++) {
      double[] scores = run(noisy(20_000, seed));
      for (double score : scores) {
        alarms += score >= 0.5 ? 1 : 0;
      }
    }
    assertThat(alarms).isLessThanOrEqualTo(5 * 20_000 / 4_000);
  }

  @Test
  void aSpikeAlarmsAtOnceAndThenTheSeriesIsQuiet() {
    double[] values = noisy(3_000, 2);
    values[2_000] = 80;
    double[] scores = run(values);
    assertThat(scores[2_000]).isEqualTo(1.0);
    assertThat(max(scores, 2_001, 2_001 + DetectorSettings.defaults().quiet())).isZero();
  }

  @Test
  void aLevelShiftInsideTheSeenRangeAlarmsWithinAFewReadings() {
    // Wide noise first, so that the shifted level is not new to the range.
    Random random = new Random(3);
    double[] values = new double[3_000];
    for (int i = 0; i < values.length; i++) {
      double sd = i < 300 ? 10 : 0.5;
      values[i] = (i >= 2_000 ? 58 : 50) + sd * random.nextGaussian();
    }
    double[] scores = run(values);
    assertThat(max(scores, 500, 2_000)).isLessThan(0.5);
    assertThat(max(scores, 2_000, 2_010)).isGreaterThanOrEqualTo(0.5);
  }

  @Test
  void aBrokenDailyPatternAlarmsWhereTheValueIsOrdinary() {
    // A daily cycle (288 readings a day); on day 8 the afternoon stays at the morning's value:
    // every value is one the series has seen, only the time of day makes it wrong.
    Random random = new Random(4);
    double[] values = new double[288 * 10];
    int broken = 288 * 8 + 150;
    for (int i = 0; i < values.length; i++) {
      double phase = 2 * Math.PI * (i % 288) / 288.0;
      values[i] = 50 + 20 * Math.sin(phase) + 0.5 * random.nextGaussian();
      if (i >= broken && i < broken + 60) {
        values[i] =
            50 + 20 * Math.sin(2 * Math.PI * 150 / 288.0 - Math.PI) + 0.5 * random.nextGaussian();
      }
    }
    double[] scores = run(values);
    assertThat(max(scores, 288 * 3, broken)).isLessThan(0.5);
    assertThat(max(scores, broken, broken + 30)).isGreaterThanOrEqualTo(0.5);
  }

  @Test
  void aScoreDependsOnlyOnWhatCameBefore() {
    double[] values = noisy(2_000, 5);
    values[1_500] = 70;
    double[] whole = run(values);
    double[] prefix = run(java.util.Arrays.copyOf(values, 1_501));
    for (int i = 0; i < prefix.length; i++) {
      assertThat(prefix[i]).isEqualTo(whole[i]);
    }
  }

  @Test
  void aRestartedSeriesStartsFromTheFleetsNormalAndKeepsItsAlarmsOutOfItsOwnRange() {
    FleetNormal fleet = band(0); // learned band 45-55
    double[] values = noisy(400, 5);
    values[20] = 70; // a spike while the series warms up
    values[300] = 66; // a smaller one later

    SeriesDetector withFleet = new SeriesDetector(DetectorSettings.defaults());
    SeriesDetector alone = new SeriesDetector(DetectorSettings.defaults());
    double[] fleetScores = new double[values.length];
    double[] aloneScores = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      fleetScores[i] = withFleet.score(values[i], START + i * STEP, fleet);
      aloneScores[i] = alone.score(values[i], START + i * STEP);
    }

    assertThat(fleetScores[20]).isEqualTo(1.0);
    assertThat(aloneScores[20]).as("no range of its own yet").isZero();
    assertThat(max(fleetScores, 1, 20)).as("ordinary values in the fleet's band").isZero();
    assertThat(fleetScores[300])
        .as("the early spike did not widen the range the series learned")
        .isEqualTo(1.0);
    assertThat(aloneScores[300])
        .as("alone, the early spike became part of its range")
        .isLessThan(1.0);
  }

  @Test
  void aFleetsBandSpeaksAfterTheWarmUpOnlyWhenItPoolsAFleet() {
    double[] values = noisy(400, 6);
    values[20] = 70; // seen before any features: it becomes part of the series' own range
    values[300] = 66;
    double[] pooled = runWithFleetFrom(200, values, band(FleetNormal.FLEET));
    double[] single = runWithFleetFrom(200, values, band(1));

    assertThat(pooled[300]).as("outside a fleet's band").isEqualTo(1.0);
    assertThat(single[300]).as("one device's band is its own past again").isLessThan(1.0);
    assertThat(max(pooled, 101, 300)).as("ordinary values stay silent").isLessThan(0.5);
  }

  private static double[] runWithFleetFrom(int from, double[] values, FleetNormal fleet) {
    SeriesDetector detector = new SeriesDetector(DetectorSettings.defaults());
    double[] scores = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      scores[i] = detector.score(values[i], START + i * STEP, i >= from ? fleet : null);
    }
    return scores;
  }

  private static FleetNormal band(long devices) {
    return FleetNormal.of(
        dev.fieldline.schema.v1.FeatureUpdate.newBuilder()
            .setDeviceType("chiller")
            .setMetric("temperature")
            .setVersion(1)
            .setComputedAt(java.time.Instant.ofEpochMilli(START))
            .setHorizonStart(java.time.Instant.ofEpochMilli(START))
            .setHorizonEnd(java.time.Instant.ofEpochMilli(START))
            .setCount(10_000)
            .setMean(50)
            .setStddev(1)
            .setLowerThreshold(45)
            .setUpperThreshold(55)
            .setDevices(devices)
            .build());
  }
}
