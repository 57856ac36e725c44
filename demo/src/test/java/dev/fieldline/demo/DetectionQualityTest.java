package dev.fieldline.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldline.simulator.Episode;
import dev.fieldline.simulator.EpisodeKind;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class DetectionQualityTest {
  private static Episode episode(
      String device, String metric, EpisodeKind kind, long first, long last) {
    return new Episode(device, metric, kind, first * 100, last * 100, first, last);
  }

  private static DetectionQuality.Decision decision(String device, String metric, long seq) {
    return new DetectionQuality.Decision(device, metric, seq, seq * 100);
  }

  @Test
  void shouldMatchDecisionsToEpisodesOfTheSameDeviceAndMetric() {
    List<Episode> episodes =
        List.of(
            episode("d1", "temperature", EpisodeKind.LEVEL_SHIFT, 200, 230),
            episode("d1", "pressure", EpisodeKind.SPIKE, 300, 300),
            episode("d2", "temperature", EpisodeKind.STUCK, 400, 420),
            episode("d2", "temperature", EpisodeKind.SPIKE, 50, 50)); // in the warm-up
    List<DetectionQuality.Decision> decisions =
        List.of(
            decision("d1", "temperature", 205), // level shift, 500 ms in
            decision(
                "d1", "temperature", 210), // the same episode again: explained, not counted twice
            decision(
                "d1", "temperature", 300), // the pressure spike's time, wrong metric: a false alarm
            decision("d1", "pressure", 303), // within LATE_READINGS of the spike
            decision("d2", "temperature", 900), // nothing happening: a false alarm
            decision("d2", "temperature", 50)); // the spike in the warm-up

    DetectionQuality quality = DetectionQuality.of(episodes, decisions);

    assertThat(quality.episodes()).isEqualTo(3);
    assertThat(quality.detected()).isEqualTo(2);
    assertThat(quality.decisions).isEqualTo(6);
    assertThat(quality.explained).isEqualTo(4);
    DetectionQuality.Row shift = quality.rows.get(EpisodeKind.LEVEL_SHIFT.ordinal());
    assertThat(shift.detected()).isEqualTo(1);
    assertThat(shift.delay(50)).isEqualTo(500);
    DetectionQuality.Row spike = quality.rows.get(EpisodeKind.SPIKE.ordinal());
    assertThat(spike.episodes()).isEqualTo(1);
    assertThat(spike.inWarmUp()).isEqualTo(1);
    assertThat(spike.detectedInWarmUp()).isEqualTo(1);
    assertThat(quality.recallWithWarmUp()).isEqualTo(3 / 4.0);
    assertThat(quality.rows.get(EpisodeKind.STUCK.ordinal()).detected()).isZero();

    ByteArrayOutputStream text = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(text, true, StandardCharsets.UTF_8);
    quality.print(out, "eu-west", "with the global features");
    DetectionQuality.printLoop(
        out, "eu-west", quality, DetectionQuality.of(episodes, decisions.subList(0, 2)));
    assertThat(text.toString(StandardCharsets.UTF_8))
        .contains("level-shift")
        .contains("6 decisions, 2 outside any episode, precision 67%")
        .contains("recall 33% -> 67% (with the warm-up 25% -> 75%), precision 100% -> 67%");
  }
}
