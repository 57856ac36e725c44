package dev.fieldline.edge.nab;

import dev.fieldline.edge.anomaly.DetectorSettings;
import dev.fieldline.edge.anomaly.SeriesDetector;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bench/detection [--nab DIR] [--out DIR]}: every series of a NAB-layout corpus through the
 * edge's anomaly detector, each file one device in its own order, written as NAB results files
 * ({@code <out>/<detector>/<category>/<detector>_<file>.csv}) and scored with {@link NabScorer} for
 * NAB's three profiles, beside NAB's published scores.
 */
public final class DetectionBenchmark {
  static final String DETECTOR = "fieldline";

  private DetectionBenchmark() {}

  public static void main(String[] args) throws IOException {
    Path nab = null;
    Path out = Path.of("target", "nab-results");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--nab" -> nab = Path.of(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        default -> {
          System.err.println("usage: bench/detection [--nab DIR] [--out DIR]");
          System.exit(2);
        }
      }
    }
    if (nab == null) {
      nab = NabLocation.find().orElse(null);
    }
    if (nab == null) {
      System.err.println("bench/detection: no NAB corpus: give --nab DIR or set FIELDLINE_NAB");
      System.exit(2);
    }
    NabCorpus corpus;
    try {
      corpus = NabCorpus.load(nab);
    } catch (IllegalArgumentException e) {
      System.err.println("bench/detection: " + e.getMessage());
      System.exit(2);
      return;
    }
    DetectorSettings settings = DetectorSettings.defaults();
    Map<String, double[]> results = new LinkedHashMap<>();
    long points = 0;
    long started = System.nanoTime();
    for (NabFile file : corpus.files()) {
      results.put(file.key(), run(file, settings));
      points += file.rows();
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    for (NabFile file : corpus.files()) {
      write(out, file, results.get(file.key()));
    }
    System.out.printf(
        "%d files, %d windows, %,d points in %.2f s; results in %s%n",
        corpus.files().size(), corpus.windows(), points, seconds, out.resolve(DETECTOR));
    System.out.printf(
        "%-22s %10s %10s %6s %4s %4s %6s%n",
        "profile", "score", "threshold", "raw", "tp", "fn", "fp");
    double[] normalized = new double[NabScorer.PROFILES.size()];
    for (int p = 0; p < normalized.length; p++) {
      NabScorer.Outcome outcome =
          NabScorer.score(corpus.files(), results, NabScorer.PROFILES.get(p));
      normalized[p] = outcome.normalized();
      System.out.printf(
          "%-22s %10.2f %10.4f %6.2f %4d %4d %6d%n",
          outcome.profile().name(),
          outcome.normalized(),
          outcome.threshold(),
          outcome.raw(),
          outcome.tp(),
          outcome.fn(),
          outcome.fp());
    }
    System.out.println(
        """
        NAB's published detectors, for comparison (standard / low FP / low FN):
          on the 35 shared files (NAB's code): numenta 66.59/60.81/71.06, contextOSE 62.19/57.14/66.31,
            knncad 52.97/40.14/59.56, windowedGaussian 21.97/4.87/29.80
          whole corpus (58 files): ARTime 74.9/65.2/80.4, numenta 70.1/63.1/74.3, contextOSE 69.9/67.0/73.2,
            knncad 58.0/43.4/64.8, randomCutForest 51.7/38.4/59.8, windowedGaussian 39.6/20.9/47.4
        Compare with the row of the same corpus only: thresholds are optimised on whatever is scored.""");
    System.out.printf(
        "nab_standard=%.2f nab_low_fp=%.2f nab_low_fn=%.2f files=%d points_per_s=%.0f%n",
        normalized[0], normalized[1], normalized[2], corpus.files().size(), points / seconds);
  }

  /** One file as one device: every reading scored in order, nothing seen ahead of it. */
  static double[] run(NabFile file, DetectorSettings settings) {
    SeriesDetector detector = new SeriesDetector(settings);
    double[] scores = new double[file.rows()];
    for (int i = 0; i < scores.length; i++) {
      scores[i] =
          detector.score(
              file.values()[i],
              file.timestamps().get(i).toInstant(java.time.ZoneOffset.UTC).toEpochMilli());
    }
    return scores;
  }

  private static void write(Path out, NabFile file, double[] scores) throws IOException {
    Path target =
        out.resolve(DETECTOR)
            .resolve(file.category())
            .resolve(DETECTOR + "_" + file.name() + ".csv");
    Files.createDirectories(target.getParent());
    try (BufferedWriter writer = Files.newBufferedWriter(target)) {
      writer.write("timestamp,value,anomaly_score,label\n");
      List<java.time.LocalDateTime> timestamps = file.timestamps();
      for (int i = 0; i < scores.length; i++) {
        writer.write(
            timestamps.get(i).format(NabCorpus.TIMESTAMP)
                + ","
                + file.values()[i]
                + ","
                + scores[i]
                + ","
                + (file.inWindow(i) ? 1 : 0)
                + "\n");
      }
    }
  }
}
