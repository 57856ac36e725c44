package dev.fieldline.edge.anomaly;

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
 * With the fleet's normal ({@link FleetNormal}, learned by the global job across regions), a value
 * outside the fleet's learned band scores 1 and stays out of the series' own range: a series that
 * is new or restarted does not start from nothing, and one that saw an anomaly does not take it for
 * normal. Its daily profile starts from the fleet's hour-of-day means.
 *
 * <p>Each error becomes a raw score in [0, 1] whose recent average is judged against its own
 * long-term distribution ({@link Likelihood}, after Numenta's anomaly likelihood). After a score at
 * or above {@code alarm}, the series stays silent for {@code quiet} readings: one condition, one
 * alarm.
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

  /** Scores {@code value} taken at {@code epochMillis}, then learns it; no fleet prior. */
  public double score(double value, long epochMillis) {
    return score(value, epochMillis, null);
  }

  /**
   * Scores {@code value} taken at {@code epochMillis}, then learns it.
   *
   * @param fleet the fleet's normal for this metric (the global features), or null for none
   */
  public double score(double value, long epochMillis, FleetNormal fleet) {
    seen++;
    if (seen == 1) {
      min = max = mean = level = value;
      firstTime = epochMillis;
      seedProfile(value, fleet);
      return 0;
    }
    boolean warm = seen > WARM_UP;
    // Beyond the range seen by a margin of it, and by more than the series' typical step: a
    // noisy series sets new records now and then without anything being wrong.
    double margin = Math.max(MARGIN * (max - min), NOISE * spread);
    boolean novel = warm && max > min && (value > max + margin || value < min - margin);
    // The fleet's learned band: while the series warms up it has no range of its own, and later
    // its own range may hold an anomaly it saw (when the band pools a fleet: a single device's past
    // is its own history again); what lies outside the band is kept out of the range it learns. A
    // series whose own level (its recent average while it warms up) lies outside the band has a
    // normal of its own, and only its own history speaks for it.
    boolean outsideFleet =
        fleet != null
            && (!warm || fleet.pooled)
            && fleet.outside(value)
            && !fleet.outside(warm ? level : mean);
    double error = Math.abs(value - mean);
    step.add(raw(error, spread));
    int slot = (int) (Math.floorMod(epochMillis, DAY_MS) * SLOTS / DAY_MS);
    double slotError = Math.abs(value - slotMean[slot]);
    boolean profiled = epochMillis - firstTime >= 2 * DAY_MS;
    if (profiled) {
      daily.add(raw(slotError, slotSpread[slot]));
    }
    learn(value, error, slot, slotError, !outsideFleet);
    // The profile speaks only for a series it explains: one whose errors against its time of day
    // are well below its errors against its long-term level.
    boolean periodic = profiled && profileError < PERIODIC * levelError;
    if (quietLeft > 0) {
      quietLeft--;
      return 0;
    }
    double score = 0;
    if (warm) {
      score = novel || outsideFleet ? 1.0 : periodic ? daily.score() : step.score();
    } else if (outsideFleet) {
      score = 1.0;
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

  private void seedProfile(double value, FleetNormal fleet) {
    for (int slot = 0; slot < SLOTS; slot++) {
      double hour = fleet == null ? Double.NaN : fleet.hourMean(slot * 24 / SLOTS);
      slotMean[slot] = (float) (Double.isNaN(hour) ? value : hour);
    }
  }

  private void learn(double value, double error, int slot, double slotError, boolean inRange) {
    if (inRange) {
      min = Math.min(min, value);
      max = Math.max(max, value);
    }
    mean += settings.meanRate() * (value - mean);
    spread += settings.spreadRate() * (error - spread);
    level += settings.longRate() * (value - level);
    levelError += settings.longRate() * (Math.abs(value - level) - levelError);
    profileError += settings.longRate() * (slotError - profileError);
    slotMean[slot] += (float) (settings.slotRate() * (value - slotMean[slot]));
    slotSpread[slot] += (float) (settings.slotRate() * (slotError - slotSpread[slot]));
  }
}
