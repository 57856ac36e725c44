package dev.fieldline.edge.nab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Java scorer against NAB's own (on the labels and stored outputs in src/test/resources/nab):
 * the official scores of two published detectors on the shared files, from their stored outputs,
 * and the per-row credits NAB wrote beside them.
 */
class NabScorerTest {
  private static Path nab;
  private static NabCorpus corpus;

  @BeforeAll
  static void load() throws Exception {
    // NAB's labels and two detectors' stored outputs ship with the tests (src/test/resources/nab);
    // the outputs repeat each series, so the corpus is rebuilt from them.
    nab =
        Path.of(NabScorerTest.class.getResource("/nab/labels/combined_windows.json").toURI())
            .getParent()
            .getParent();
    corpus =
        NabCorpus.fromLabels(
            nab.resolve("labels").resolve("combined_windows.json"),
            key -> {
              try {
                return gzip(reference("numenta", key));
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
  }

  private static Path reference(String detector, String key) {
    String category = key.substring(0, key.indexOf('/'));
    String file = key.substring(key.indexOf('/') + 1);
    return nab.resolve("reference")
        .resolve(detector)
        .resolve(category)
        .resolve(detector + "_" + file + ".gz");
  }

  private static BufferedReader gzip(Path path) throws IOException {
    return new BufferedReader(
        new InputStreamReader(
            new GZIPInputStream(Files.newInputStream(path)), StandardCharsets.UTF_8));
  }

  @Test
  void shouldGiveNumentasOfficialScores() throws IOException {
    // NAB's code on these files (../shared/nab/README.md): 66.59 / 60.81 / 71.06.
    assertScores("numenta", 66.59, 60.81, 71.06);
  }

  @Test
  void shouldGiveWindowedGaussiansOfficialScores() throws IOException {
    assertScores("windowedGaussian", 21.97, 4.87, 29.80);
  }

  @Test
  void shouldScoreTheNullDetectorZeroAndAPerfectOneHundred() {
    Map<String, double[]> none = new HashMap<>();
    Map<String, double[]> perfect = new HashMap<>();
    for (NabFile file : corpus.files()) {
      none.put(file.key(), new double[file.rows()]);
      double[] scores = new double[file.rows()];
      file.windows().forEach(w -> scores[w.start()] = 1.0);
      perfect.put(file.key(), scores);
    }
    for (NabScorer.Profile profile : NabScorer.PROFILES) {
      assertThat(NabScorer.score(corpus.files(), none, profile).normalized())
          .isCloseTo(0, Offset.offset(1e-9));
      NabScorer.Outcome best = NabScorer.score(corpus.files(), perfect, profile);
      assertThat(best.normalized()).isCloseTo(100, Offset.offset(1e-9));
      assertThat(best.fp()).isZero();
      assertThat(best.fn()).isZero();
    }
  }

  @Test
  void shouldCreditEachFlaggedRowAsNabDid() throws IOException {
    int checked = 0;
    for (String detector : List.of("numenta", "windowedGaussian")) {
      for (NabFile file : corpus.files()) {
        List<String[]> rows = reference(detector, file);
        for (NabScorer.Profile profile : NabScorer.PROFILES) {
          double[] ours = NabScorer.rowScores(file, profile);
          int column = Arrays.asList(rows.get(0)).indexOf("S(t)_" + profile.name());
          for (int i = 0; i < file.rows(); i++) {
            double theirs = Double.parseDouble(rows.get(i + 1)[column]);
            NabFile.Window window = windowOf(file, i);
            if (theirs == 0 || (window != null && theirs == -profile.fnWeight())) {
              continue; // not flagged, or a missed window
            }
            String where = file.key() + " row " + i + " " + profile.name();
            if (window == null) {
              assertThat(ours[i]).as(where).isCloseTo(theirs, Offset.offset(1e-6));
            } else {
              // NAB wrote a window's credit on one row of it, not always the detecting one: it
              // must be what detecting on some row of the window is worth.
              boolean some = false;
              for (int j = window.start(); j <= window.end(); j++) {
                some |= Math.abs(ours[j] - theirs) < 1e-6;
              }
              assertThat(some).as(where + ": credit " + theirs).isTrue();
            }
            checked++;
          }
        }
      }
    }
    assertThat(checked).isGreaterThan(900);
  }

  private static NabFile.Window windowOf(NabFile file, int row) {
    for (NabFile.Window window : file.windows()) {
      if (row >= window.start() && row <= window.end()) {
        return window;
      }
    }
    return null;
  }

  @Test
  void shouldRefuseMissingOrOutOfRangeResults() {
    NabFile first = corpus.files().get(0);
    Map<String, double[]> results = new HashMap<>();
    assertThatThrownBy(() -> NabScorer.score(corpus.files(), results, NabScorer.PROFILES.get(0)))
        .hasMessageContaining("no results for");
    for (NabFile file : corpus.files()) {
      results.put(file.key(), new double[file.rows()]);
    }
    results.get(first.key())[3] = Double.NaN;
    assertThatThrownBy(() -> NabScorer.score(corpus.files(), results, NabScorer.PROFILES.get(0)))
        .hasMessageContaining("not in [0, 1]");
  }

  private static void assertScores(String detector, double... expected) throws IOException {
    Map<String, double[]> scores = new HashMap<>();
    for (NabFile file : corpus.files()) {
      List<String[]> rows = reference(detector, file);
      int column = Arrays.asList(rows.get(0)).indexOf("anomaly_score");
      double[] values = new double[rows.size() - 1];
      for (int i = 1; i < rows.size(); i++) {
        values[i - 1] = Double.parseDouble(rows.get(i)[column]);
      }
      scores.put(file.key(), values);
    }
    for (int p = 0; p < expected.length; p++) {
      NabScorer.Outcome outcome =
          NabScorer.score(corpus.files(), scores, NabScorer.PROFILES.get(p));
      assertThat(outcome.normalized())
          .as("%s %s", detector, outcome.profile().name())
          .isCloseTo(expected[p], Offset.offset(0.01));
    }
  }

  private static List<String[]> reference(String detector, NabFile file) throws IOException {
    Path path =
        nab.resolve("reference")
            .resolve(detector)
            .resolve(file.category())
            .resolve(detector + "_" + file.name() + ".csv.gz");
    List<String[]> rows = new ArrayList<>();
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(path)), StandardCharsets.UTF_8))) {
      for (String line; (line = in.readLine()) != null; ) {
        rows.add(line.split(","));
      }
    }
    assertThat(rows).as(path.toString()).hasSize(file.rows() + 1);
    return rows;
  }
}
