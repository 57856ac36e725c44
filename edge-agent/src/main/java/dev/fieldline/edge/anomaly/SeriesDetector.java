package dev.fieldline.edge.anomaly;

import java.util.Arrays;

/**
 * An online anomaly score in [0, 1] for one series, from what it has seen so far only (no
 * look-ahead: no minimum, maximum or length of the series is known before its first reading), in
 * constant time and without allocating; about 450 bytes of state.
 *
 * <p>Signals, in order:
 *
 * <ul>
 *   <li>a value outside every value seen so far, by more than 2 % of the range seen, scores 1 (the
 *       "spatial anomaly" of Numenta's HTM detector);
 *   <li>for a series its time of day explains (its error against a per-slot moving average of the
 *       day, 48 slots, is under 0.7 of its error against its long-term level, once two days are
 *       seen): the error against that profile, in units of the slot's typical error;
 *   <li>for any other series: the one-step prediction error of a fast moving average, in units of
 *       its typical error.
 * </ul>
 *
 * Each error becomes a raw score in [0, 1] whose recent average is judged against its own long-term
 * distribution ({@link Likelihood}, after Numenta's anomaly likelihood). After a score at or above
 * {@code alarm}, the series stays silent for {@code quiet} readings: one condition, one alarm.
 */
public final class SeriesDetector {
  /** Readings a series scores 0 before its statistics mean anything. */
  public static final int WARM_UP = 100;

  private static final double MARGIN = 0.02;
  private static final double PERIODIC = 0.7;
  private static final double NOISE = 0.4;
  static final int SLOTS = 48;
  private static final long DAY_MS = 86_400_000L;

  private final DetectorSettings settings;
  private final Likelihood step;
  private final Likelihood daily;
  private final float[] slotMean = new float[SLOTS];
  private final float[] slotSpread = new float[SLOTS];
  private long seen;
  private long firstTime;
  private double min = Double.POSITIVE_INFINITY;
  private double max = Double.NEGATIVE_INFINITY;
  private double mean;
  private double spread;
  private double level;
  private double levelError;
  private double profileError;
  private int quietLeft;

  public SeriesDetector(DetectorSettings settings) {
    this.settings = settings;
    this.step = new Likelihood(settings.shortRate(), settings.longRate());
    this.daily = new Likelihood(settings.shortRate(), settings.longRate());
  }

  /** Scores {@code value} taken at {@code epochMillis}, then learns it. */
  public double score(double value, long epochMillis) {
    seen++;
    if (seen == 1) {
      min = max = mean = level = value;
      firstTime = epochMillis;
      Arrays.fill(slotMean, (float) value);
      return 0;
    }
    // Beyond the range seen by a margin of it, and by more than the series' typical step: a
    // noisy series sets new records now and then without anything being wrong.
    double margin = Math.max(MARGIN * (max - min), NOISE * spread);
    boolean novel = seen > WARM_UP && max > min && (value > max + margin || value < min - margin);
    double error = Math.abs(value - mean);
    step.add(raw(error, spread));
    int slot = (int) (Math.floorMod(epochMillis, DAY_MS) * SLOTS / DAY_MS);
    double slotError = Math.abs(value - slotMean[slot]);
    boolean profiled = epochMillis - firstTime >= 2 * DAY_MS;
    if (profiled) {
      daily.add(raw(slotError, slotSpread[slot]));
    }
    learn(value, error, slot, slotError);
    // The profile speaks only for a series it explains: one whose errors against its time of day
    // are well below its errors against its long-term level.
    boolean periodic = profiled && profileError < PERIODIC * levelError;
    if (quietLeft > 0) {
      quietLeft--;
      return 0;
    }
    double score = 0;
    if (seen > WARM_UP) {
      score = novel ? 1.0 : periodic ? daily.score() : step.score();
    }
    if (score >= settings.alarm()) {
      quietLeft = settings.quiet();
    }
    return score;
  }

  private double raw(double error, double typical) {
    if (typical <= 0) {
      return error > 0 ? 1 : 0;
    }
    return 1 - Math.exp(-error / (settings.errorScale() * typical));
  }

  private void learn(double value, double error, int slot, double slotError) {
    min = Math.min(min, value);
    max = Math.max(max, value);
    mean += settings.meanRate() * (value - mean);
    spread += settings.spreadRate() * (error - spread);
    level += settings.longRate() * (value - level);
    levelError += settings.longRate() * (Math.abs(value - level) - levelError);
    profileError += settings.longRate() * (slotError - profileError);
    slotMean[slot] += (float) (settings.slotRate() * (value - slotMean[slot]));
    slotSpread[slot] += (float) (settings.slotRate() * (slotError - slotSpread[slot]));
  }
}
