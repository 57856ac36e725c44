package dev.fieldline.edge.nab;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * NAB's scoring (Lavin and Ahmad 2015; {@code nab/sweeper.py} of NAB v1.1), in Java: the scaled
 * sigmoid over anomaly windows, the probationary period, one threshold per profile for the whole
 * corpus found by an exhaustive sweep over every distinct anomaly score, and normalisation between
 * the null detector (a constant 0.5, scored the same way) and the perfect one (every window at its
 * first row, no false positive).
 */
final class NabScorer {
  /** An application profile: how much a detected window, a missed one and a false alarm weigh. */
  record Profile(String name, double tpWeight, double fpWeight, double fnWeight) {}

  static final List<Profile> PROFILES =
      List.of(
          new Profile("standard", 1.0, 0.11, 1.0),
          new Profile("reward_low_FP_rate", 1.0, 0.22, 1.0),
          new Profile("reward_low_FN_rate", 1.0, 0.11, 2.0));

  /**
   * A profile's result on a corpus.
   *
   * @param threshold the corpus-wide threshold that maximised the raw score
   * @param raw the raw score at it
   * @param normalized 100 × (raw − null) / (perfect − null)
   * @param tp windows detected
   * @param fn windows missed
   * @param fp rows flagged outside every window (after the probationary period)
   */
  record Outcome(
      Profile profile, double threshold, double raw, double normalized, int tp, int fn, int fp) {}

  private static final double MAX_TP = scaledSigmoid(-1.0);
  private static final int PROBATION = -2;
  private static final int OUTSIDE = -1;

  private NabScorer() {}

  /**
   * NAB's scaled sigmoid of a relative position: ~1 at a window's start, 0 at its end, −1 far
   * after.
   */
  static double scaledSigmoid(double position) {
    return position >= 3.0 ? -1.0 : 2.0 / (1.0 + Math.exp(5.0 * position)) - 1.0;
  }

  /** What flagging each row would be worth: NAB's per-row {@code S(t)_<profile>} column. */
  static double[] rowScores(NabFile file, Profile profile) {
    return sweep(file, profile, 0).weights;
  }

  /** Every file's row scores and windows, ready for the sweep. */
  private record Sweep(double[] weights, int[] window) {}

  /**
   * Per row, its weight and its window (a corpus-wide id from {@code firstWindowId}), OUTSIDE, or
   * PROBATION; as NAB's {@code calcSweepScore}.
   */
  private static Sweep sweep(NabFile file, Profile profile, int firstWindowId) {
    int rows = file.rows();
    double[] weights = new double[rows];
    int[] window = new int[rows];
    int probation = file.probation();
    int next = 0;
    NabFile.Window current = null;
    NabFile.Window previous = null;
    for (int i = 0; i < rows; i++) {
      if (current == null
          && next < file.windows().size()
          && file.windows().get(next).start() == i) {
        current = file.windows().get(next++);
      }
      if (current != null) {
        double position = -(current.end() - i + 1) / (double) current.width();
        weights[i] = scaledSigmoid(position) * profile.tpWeight() / MAX_TP;
        window[i] = firstWindowId + next - 1;
      } else {
        double position =
            previous == null ? 3.0 : Math.abs(previous.end() - i) / (double) (previous.width() - 1);
        weights[i] = scaledSigmoid(position) * profile.fpWeight();
        window[i] = OUTSIDE;
      }
      if (i < probation) {
        window[i] = PROBATION;
      }
      if (current != null && current.end() == i) {
        previous = current;
        current = null;
      }
    }
    return new Sweep(weights, window);
  }

  /** Scores a detector's outputs, one array per file (same order and length as the file's rows). */
  static Outcome score(List<NabFile> files, Map<String, double[]> anomalyScores, Profile profile) {
    for (NabFile file : files) {
      double[] scores = anomalyScores.get(file.key());
      if (scores == null) {
        // NAB skips a missing file silently, which drops its windows' misses; refuse instead.
        throw new IllegalArgumentException("no results for " + file.key());
      }
      if (scores.length != file.rows()) {
        throw new IllegalArgumentException(
            file.key() + ": " + scores.length + " scores for " + file.rows() + " rows");
      }
      for (double score : scores) {
        if (!(score >= 0 && score <= 1)) {
          throw new IllegalArgumentException(
              file.key() + ": anomaly score " + score + " not in [0, 1]");
        }
      }
    }
    Best best = optimize(files, file -> anomalyScores.get(file.key()), profile);
    Best none = optimize(files, file -> constant(file.rows(), 0.5), profile);
    int windows = files.stream().mapToInt(f -> f.windows().size()).sum();
    double perfect = windows * profile.tpWeight();
    double normalized = 100 * (best.score - none.score) / (perfect - none.score);
    return new Outcome(profile, best.threshold, best.score, normalized, best.tp, best.fn, best.fp);
  }

  private static double[] constant(int rows, double value) {
    double[] scores = new double[rows];
    Arrays.fill(scores, value);
    return scores;
  }

  private record Best(double threshold, double score, int tp, int fn, int fp) {}

  /**
   * The threshold with the highest raw score over the whole corpus, swept from above every score
   * down through each distinct one (the first, i.e. highest, wins a tie), as NAB's {@code
   * calcScoreByThreshold}.
   */
  private static Best optimize(
      List<NabFile> files,
      java.util.function.Function<NabFile, double[]> scoresOf,
      Profile profile) {
    List<double[]> points = new ArrayList<>(); // {anomaly score, weight, window}
    int windowIds = 0;
    for (NabFile file : files) {
      Sweep sweep = sweep(file, profile, windowIds);
      windowIds += file.windows().size();
      double[] scores = scoresOf.apply(file);
      for (int i = 0; i < file.rows(); i++) {
        if (sweep.window[i] != PROBATION) {
          points.add(new double[] {scores[i], sweep.weights[i], sweep.window[i]});
        }
      }
    }
    points.sort((a, b) -> Double.compare(b[0], a[0]));
    // Windows with a scorable row start as misses.
    double[] windowBest = new double[windowIds];
    boolean[] scorable = new boolean[windowIds];
    for (double[] point : points) {
      if (point[2] >= 0) {
        scorable[(int) point[2]] = true;
      }
    }
    double score = 0;
    int scorableWindows = 0;
    for (int w = 0; w < windowIds; w++) {
      if (scorable[w]) {
        windowBest[w] = -profile.fnWeight();
        score -= profile.fnWeight();
        scorableWindows++;
      }
    }
    double threshold = 1.1;
    Best best = new Best(threshold, score, 0, scorableWindows, 0);
    int tp = 0;
    int fp = 0;
    for (int p = 0; p < points.size(); p++) {
      double[] point = points.get(p);
      if (point[0] != threshold) {
        if (score > best.score) {
          best = new Best(threshold, score, tp, scorableWindows - tp, fp);
        }
        threshold = point[0];
      }
      int window = (int) point[2];
      if (window == OUTSIDE) {
        score += point[1];
        fp++;
      } else {
        if (windowBest[window] == -profile.fnWeight()) {
          tp++;
        }
        double better = Math.max(windowBest[window], point[1]);
        score += better - windowBest[window];
        windowBest[window] = better;
      }
    }
    if (score > best.score) {
      best = new Best(threshold, score, tp, scorableWindows - tp, fp);
    }
    return best;
  }
}
