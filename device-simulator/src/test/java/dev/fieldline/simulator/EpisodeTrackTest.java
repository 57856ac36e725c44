package dev.fieldline.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class EpisodeTrackTest {
  private static final DeviceType.Metric TEMPERATURE = DeviceType.CHILLER.metrics().get(0);
  private static final long T0 = 1_700_000_000_000L;
  private static final long STEP = 1_000; // one reading a second

  /** Readings for {@code hours}, each episode's readings kept with its undisturbed values. */
  private record Run(
      List<Episode> episodes, double[] values, double[] undisturbed, double[] gaussians) {}

  private static Run run(EpisodeSettings settings, double hours, long seed) {
    EpisodeTrack track = new EpisodeTrack("d1", TEMPERATURE, settings);
    Random random = new Random(seed);
    Random noise = new Random(seed + 1);
    int n = (int) (hours * 3_600_000 / STEP);
    List<Episode> episodes = new ArrayList<>();
    double[] values = new double[n];
    double[] undisturbed = new double[n];
    double[] gaussians = new double[n];
    for (int i = 0; i < n; i++) {
      long now = T0 + i * STEP;
      gaussians[i] = noise.nextGaussian();
      undisturbed[i] = TEMPERATURE.value(now, 0.3, gaussians[i]);
      values[i] = track.value(now, i + 1, 0.3, gaussians[i], random, episodes::add);
    }
    track.close(episodes::add);
    return new Run(episodes, values, undisturbed, gaussians);
  }

  private static EpisodeSettings only(EpisodeKind kind, double perHour) {
    return new EpisodeSettings(
        Map.of(kind, perHour), Duration.ofSeconds(5), Duration.ofSeconds(20), 6);
  }

  @Test
  void episodesStartAtTheirRateAndLastAsLongAsConfigured() {
    Run run = run(only(EpisodeKind.LEVEL_SHIFT, 20), 10, 1);
    // 20 an hour for 10 hours, less the time spent inside episodes (about 12 s each).
    assertThat(run.episodes()).hasSizeBetween(150, 250);
    for (Episode e : run.episodes()) {
      assertThat(e.kind()).isEqualTo(EpisodeKind.LEVEL_SHIFT);
      assertThat(e.end() - e.start()).isBetween(4_000L, 20_000L);
      assertThat(e.lastSeq() - e.firstSeq()).isEqualTo((e.end() - e.start()) / STEP);
    }
  }

  @Test
  void aLevelShiftMovesEveryReadingByTheMagnitudeInNoiseUnits() {
    Run run = run(only(EpisodeKind.LEVEL_SHIFT, 20), 2, 2);
    double shift = 6 * TEMPERATURE.noise();
    int inside = 0;
    for (Episode e : run.episodes()) {
      for (long seq = e.firstSeq(); seq <= e.lastSeq(); seq++) {
        int i = (int) seq - 1;
        assertThat(Math.abs(run.values()[i] - run.undisturbed()[i]))
            .isCloseTo(shift, Offset.offset(1e-9));
        inside++;
      }
    }
    int outside = 0;
    for (int i = 0; i < run.values().length; i++) {
      if (run.values()[i] == run.undisturbed()[i]) {
        outside++;
      }
    }
    assertThat(inside + outside).isEqualTo(run.values().length);
  }

  @Test
  void aSpikeIsOneReadingAndAStuckSensorRepeatsItself() {
    Run spikes = run(only(EpisodeKind.SPIKE, 60), 1, 3);
    assertThat(spikes.episodes()).isNotEmpty().allMatch(e -> e.firstSeq() == e.lastSeq());

    Run stuck = run(only(EpisodeKind.STUCK, 20), 1, 4);
    for (Episode e : stuck.episodes()) {
      double first = stuck.values()[(int) e.firstSeq() - 1];
      for (long seq = e.firstSeq(); seq <= e.lastSeq(); seq++) {
        assertThat(stuck.values()[(int) seq - 1]).isEqualTo(first);
      }
    }
  }

  @Test
  void aDriftGrowsToTheMagnitudeAndANoiseBurstWidensTheNoise() {
    Run drift = run(only(EpisodeKind.DRIFT, 20), 1, 5);
    for (Episode e : drift.episodes()) {
      int last = (int) e.lastSeq() - 1;
      int first = (int) e.firstSeq() - 1;
      assertThat(Math.abs(drift.values()[first] - drift.undisturbed()[first])).isLessThan(0.01);
      assertThat(Math.abs(drift.values()[last] - drift.undisturbed()[last]))
          .isGreaterThan(0.5 * 6 * TEMPERATURE.noise());
    }
    Run burst = run(only(EpisodeKind.NOISE_BURST, 20), 1, 6);
    for (Episode e : burst.episodes()) {
      int i = (int) e.firstSeq() - 1;
      double noiseNow =
          burst.values()[i] - (burst.undisturbed()[i] - TEMPERATURE.noise() * burst.gaussians()[i]);
      assertThat(noiseNow)
          .isCloseTo(6 * TEMPERATURE.noise() * burst.gaussians()[i], Offset.offset(1e-9));
    }
  }

  @Test
  void aBrokenCycleGivesTheValueOfTheOtherHalfOfTheDay() {
    Run broken = run(only(EpisodeKind.BROKEN_CYCLE, 20), 1, 7);
    for (Episode e : broken.episodes()) {
      int i = (int) e.firstSeq() - 1;
      long now = T0 + i * STEP;
      assertThat(broken.values()[i])
          .isCloseTo(
              TEMPERATURE.value(now, 0.3 + Math.PI, broken.gaussians()[i]), Offset.offset(1e-9));
    }
  }

  @Test
  void aRunningEpisodeIsRecordedWhenTheFleetStops() {
    EpisodeTrack track = new EpisodeTrack("d1", TEMPERATURE, only(EpisodeKind.STUCK, 1e9));
    List<Episode> episodes = new ArrayList<>();
    Random random = new Random(8);
    track.value(T0, 1, 0, 0, random, episodes::add);
    track.value(T0 + STEP, 2, 0, 0, random, episodes::add);
    assertThat(track.running()).isTrue();
    track.close(episodes::add);
    assertThat(episodes).singleElement().satisfies(e -> assertThat(e.firstSeq()).isEqualTo(2));
  }

  @Test
  void ratesParseByKindOrForAll() {
    assertThat(EpisodeSettings.parseRates("spike=6,level-shift=2"))
        .containsEntry(EpisodeKind.SPIKE, 6.0)
        .containsEntry(EpisodeKind.LEVEL_SHIFT, 2.0)
        .hasSize(2);
    assertThat(EpisodeSettings.parseRates("3")).hasSize(EpisodeKind.values().length);
    assertThatThrownBy(() -> EpisodeSettings.parseRates("wobble=2"))
        .hasMessageContaining("kinds: spike, level-shift");
  }
}
