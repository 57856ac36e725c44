package dev.fieldline.edge.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldline.schema.v1.FeatureUpdate;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureBoardTest {
  @TempDir Path dir;

  static FeatureUpdate update(String type, long version, double mean) {
    return FeatureUpdate.newBuilder()
        .setDeviceType(type)
        .setMetric("temperature")
        .setVersion(version)
        .setComputedAt(Instant.EPOCH)
        .setHorizonStart(Instant.EPOCH)
        .setHorizonEnd(Instant.EPOCH)
        .setCount(100)
        .setMean(mean)
        .setStddev(1)
        .setLowerThreshold(mean - 3)
        .setUpperThreshold(mean + 3)
        .build();
  }

  @Test
  void shouldKeepTheNewestVersionAndIgnoreOlderOnes() {
    FeatureBoard board = new FeatureBoard(null);

    assertThat(board.apply(update("chiller", 2, 20))).isTrue();
    assertThat(board.apply(update("chiller", 1, 99))).isFalse();
    assertThat(board.apply(update("pump", 1, 5))).isTrue();

    assertThat(board.get("chiller", "temperature").getMean()).isEqualTo(20);
    assertThat(board.get("pump", "temperature").getVersion()).isEqualTo(1);
    assertThat(board.get("fan", "temperature")).isNull();
  }

  @Test
  void shouldRestartWithTheLastKnownFeaturesFromItsFile() {
    Path file = dir.resolve("features.bin");
    FeatureBoard before = new FeatureBoard(file);
    before.apply(update("chiller", 7, 21.5));
    before.apply(update("pump", 3, 4.5));

    FeatureBoard after = new FeatureBoard(file);

    assertThat(after.get("chiller", "temperature").getVersion()).isEqualTo(7);
    assertThat(after.get("pump", "temperature").getMean()).isEqualTo(4.5);
    assertThat(after.all()).hasSize(2);
  }
}
