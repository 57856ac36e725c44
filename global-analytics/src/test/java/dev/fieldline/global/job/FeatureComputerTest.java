package dev.fieldline.global.job;

import static dev.fieldline.global.job.Aggregates.MINUTE;
import static dev.fieldline.global.job.Aggregates.T0;
import static dev.fieldline.global.job.Aggregates.around;
import static dev.fieldline.global.job.Aggregates.rollup;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.fieldline.global.model.GlobalRollup;
import dev.fieldline.global.model.Outbound;
import dev.fieldline.schema.Topics;
import dev.fieldline.schema.codec.AvroCodec;
import dev.fieldline.schema.codec.SchemaCatalog;
import dev.fieldline.schema.features.FleetFeatures;
import dev.fieldline.schema.stats.RunningStats;
import dev.fieldline.schema.stats.ValueSketch;
import dev.fieldline.schema.v1.FeatureUpdate;
import java.time.Instant;
import java.util.List;
import java.util.stream.DoubleStream;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FeatureComputerTest {
  private static final AvroCodec<FeatureUpdate> CODEC = AvroCodec.of(FeatureUpdate.class);
  private static final String[] EU = {"eu-west"};
  private static final String[] BOTH = {"eu-west", "us-east"};

  /** Horizon 3 windows, 10 readings first, tolerance 0.5 sigma, every 10 minutes, 3 sigma. */
  private static final FeatureSettings SETTINGS =
      new FeatureSettings(3, 10, 0.5, 10 * MINUTE, 3.0, 30 * MINUTE);

  private KeyedOneInputStreamOperatorTestHarness<String, GlobalRollup, Outbound> harness;

  @AfterEach
  void close() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  void shouldWaitForMinCountThenSendStatisticsOfTheWholeHorizon() throws Exception {
    harness = open(SETTINGS);
    double[] first = {19, 20, 21, 22};
    double[] second = {18, 20, 20, 21, 23, 24, 19};

    push(rollup(T0, EU, first));
    assertThat(updates()).isEmpty();
    push(rollup(T0 + MINUTE, BOTH, second));

    List<FeatureUpdate> updates = updates();
    assertThat(updates).hasSize(1);
    FeatureUpdate update = updates.get(0);
    double[] all = DoubleStream.concat(DoubleStream.of(first), DoubleStream.of(second)).toArray();
    double mean = DoubleStream.of(all).average().orElseThrow();
    double sampleStd =
        Math.sqrt(DoubleStream.of(all).map(v -> (v - mean) * (v - mean)).sum() / (all.length - 1));
    assertThat(update.getVersion()).isEqualTo(1);
    assertThat(update.getCount()).isEqualTo(11);
    assertThat(update.getMean()).isCloseTo(mean, within(1e-9));
    assertThat(update.getStddev()).isCloseTo(sampleStd, within(1e-9));
    assertThat(update.getLowerThreshold()).isCloseTo(mean - 3 * sampleStd, within(1e-9));
    assertThat(update.getUpperThreshold()).isCloseTo(mean + 3 * sampleStd, within(1e-9));
    assertThat(update.getHorizonStart()).isEqualTo(Instant.ofEpochMilli(T0));
    assertThat(update.getHorizonEnd()).isEqualTo(Instant.ofEpochMilli(T0 + 2 * MINUTE));
    assertThat(update.getRegions()).containsExactly("eu-west", "us-east");
    Outbound record = harness.extractOutputValues().get(0);
    assertThat(record.topic).isEqualTo(Topics.GLOBAL_FEATURES.name());
    assertThat(record.key).isEqualTo("chiller/temperature");
  }

  @Test
  void shouldStayQuietWithinToleranceAndSendWhenTheMeanMoves() throws Exception {
    harness = open(SETTINGS);
    push(rollup(T0, EU, around(20, 2, 20)));
    push(rollup(T0 + MINUTE, EU, around(20.1, 2, 20)));
    assertThat(updates()).extracting(FeatureUpdate::getVersion).containsExactly(1L);

    push(rollup(T0 + 2 * MINUTE, EU, around(40, 2, 20)));

    List<FeatureUpdate> updates = updates();
    assertThat(updates).extracting(FeatureUpdate::getVersion).containsExactly(1L, 2L);
    assertThat(updates.get(1).getMean()).isGreaterThan(updates.get(0).getMean() + 5);
  }

  @Test
  void shouldSendWhenOnlyTheSpreadChanges() throws Exception {
    harness = open(SETTINGS);
    push(rollup(T0, EU, around(20, 1, 20)));
    push(rollup(T0 + MINUTE, EU, around(20, 6, 20)));

    assertThat(updates()).extracting(FeatureUpdate::getVersion).containsExactly(1L, 2L);
  }

  @Test
  void shouldSendAtTheMaximumIntervalEvenWithoutMovement() throws Exception {
    harness = open(new FeatureSettings(3, 10, 0.5, 3 * MINUTE, 3.0, 30 * MINUTE));
    for (int i = 0; i <= 3; i++) {
      push(rollup(T0 + i * MINUTE, EU, around(20, 2, 20)));
    }

    List<FeatureUpdate> updates = updates();
    assertThat(updates).extracting(FeatureUpdate::getVersion).containsExactly(1L, 2L);
    assertThat(updates.get(1).getHorizonEnd()).isEqualTo(Instant.ofEpochMilli(T0 + 4 * MINUTE));
  }

  @Test
  void shouldCoverOnlyTheLatestHorizonWindows() throws Exception {
    harness = open(new FeatureSettings(2, 10, 0.0, 10 * MINUTE, 3.0, 30 * MINUTE));
    double[] old = around(100, 1, 20);
    double[] middle = around(20, 1, 20);
    double[] latest = around(22, 1, 20);
    push(rollup(T0, EU, old));
    push(rollup(T0 + MINUTE, EU, middle));
    push(rollup(T0 + 2 * MINUTE, EU, latest));

    FeatureUpdate last = updates().get(updates().size() - 1);
    RunningStats expected = RunningStats.of(middle).merge(RunningStats.of(latest));
    assertThat(last.getCount()).isEqualTo(40);
    assertThat(last.getMean()).isCloseTo(expected.mean(), within(1e-9));
    assertThat(last.getHorizonStart()).isEqualTo(Instant.ofEpochMilli(T0 + MINUTE));
  }

  @Test
  void shouldLearnQuantilesFromEveryRegionsSketchesAndThresholdsFromThem() throws Exception {
    harness = open(SETTINGS);
    java.util.Random random = new java.util.Random(7);
    double[] eu = new double[4_000];
    double[] us = new double[4_000];
    for (int i = 0; i < eu.length; i++) {
      eu[i] = 20 + random.nextGaussian();
      us[i] = 30 + 2 * random.nextGaussian();
    }
    push(sketched(rollup(T0, EU, eu), eu));
    GlobalRollup second = sketched(rollup(T0, new String[] {"us-east"}, us), us);
    push(second);

    FeatureUpdate last = updates().get(updates().size() - 1);
    double[] all = DoubleStream.concat(DoubleStream.of(eu), DoubleStream.of(us)).sorted().toArray();
    assertThat(last.getQuantiles()).hasSize(FleetFeatures.LEVELS.length);
    for (var quantile : last.getQuantiles()) {
      double exact = all[(int) Math.floor(quantile.getLevel() * (all.length - 1))];
      assertThat(quantile.getValue())
          .as("q%s of both regions", quantile.getLevel())
          .isCloseTo(exact, within(0.011 * Math.abs(exact) + 0.05));
    }
    double low = all[(int) Math.floor(FleetFeatures.LOW * (all.length - 1))];
    double high = all[(int) Math.floor(FleetFeatures.HIGH * (all.length - 1))];
    double margin = FleetFeatures.MARGIN * (high - low);
    assertThat(last.getLowerThreshold()).isCloseTo(low - margin, within(0.02 * high));
    assertThat(last.getUpperThreshold()).isCloseTo(high + margin, within(0.02 * high));
    assertThat(last.getP50()).isEqualTo(last.getQuantiles().get(4).getValue());
  }

  @Test
  void shouldLearnWhatEachHourOfTheDayLooksLike() throws Exception {
    harness = open(new FeatureSettings(2, 10, 0.0, 10 * MINUTE, 3.0, 300 * MINUTE));
    long midnight = T0 - Math.floorMod(T0, 24 * 60 * MINUTE);
    // Cooler at night, warmer at noon; only the last two windows are in the horizon, the profile
    // keeps them all.
    push(rollup(midnight + 2 * 60 * MINUTE, EU, around(10, 1, 20)));
    push(rollup(midnight + 2 * 60 * MINUTE + MINUTE, EU, around(12, 1, 20)));
    push(rollup(midnight + 12 * 60 * MINUTE, EU, around(30, 1, 20)));

    FeatureUpdate last = updates().get(updates().size() - 1);
    assertThat(last.getHourOfDay()).extracting(h -> h.getHour()).containsExactly(2, 12);
    assertThat(last.getHourOfDay().get(0).getCount()).isEqualTo(40);
    assertThat(last.getHourOfDay().get(0).getMean()).isCloseTo(11, within(1e-9));
    assertThat(last.getHourOfDay().get(1).getMean()).isCloseTo(30, within(1e-9));
    assertThat(last.getCount()).as("the horizon").isEqualTo(40);
  }

  @Test
  void shouldWriteTheFirstVersionForEdgesOfTheFirstReleaseWhenSetTo() throws Exception {
    harness = open(new FeatureSettings(3, 10, 0.5, 10 * MINUTE, 3.0, 30 * MINUTE, 1));
    push(rollup(T0, EU, around(20, 2, 20)));

    Outbound record = harness.extractOutputValues().get(0);
    long fingerprint =
        java.nio.ByteBuffer.wrap(record.value, 2, 8)
            .order(java.nio.ByteOrder.LITTLE_ENDIAN)
            .getLong();
    assertThat(fingerprint)
        .isEqualTo(
            SchemaCatalog.fingerprint(SchemaCatalog.releasedVersion("FeatureUpdate-v1.avsc")));
    assertThat(updates().get(0).getMean()).isCloseTo(20, within(1e-9));
  }

  /** The roll-up with a quantile sketch of its values, as the regions send them. */
  private static GlobalRollup sketched(GlobalRollup rollup, double[] values) {
    ValueSketch sketch = ValueSketch.empty();
    for (double value : values) {
      sketch.add(value);
    }
    rollup.sketch = sketch.toBytes();
    return rollup;
  }

  @Test
  void shouldForgetASilentKeyButKeepCountingVersions() throws Exception {
    harness = open(SETTINGS);
    push(rollup(T0, EU, around(20, 2, 20)));
    push(rollup(T0 + MINUTE, EU, around(20, 2, 20)));
    assertThat(harness.numEventTimeTimers()).isEqualTo(1);

    harness.processWatermark(T0 + 2 * MINUTE + 30 * MINUTE);

    assertThat(harness.numEventTimeTimers()).isZero();
    assertThat(harness.numKeyedStateEntries())
        .as("only the version and the hour-of-day profile are kept")
        .isEqualTo(2);
    push(rollup(T0 + 40 * MINUTE, EU, around(20, 2, 20)));
    assertThat(updates()).extracting(FeatureUpdate::getVersion).containsExactly(1L, 2L);
    assertThat(updates().get(1).getHorizonStart())
        .isEqualTo(Instant.ofEpochMilli(T0 + 40 * MINUTE));
  }

  @Test
  void shouldResumeFromASnapshotWithItsHorizonAndVersion() throws Exception {
    harness = open(SETTINGS);
    push(rollup(T0, EU, around(20, 2, 20)));
    OperatorSubtaskState snapshot = harness.snapshot(1, T0);
    harness.close();

    harness = open(SETTINGS, snapshot);
    push(rollup(T0 + MINUTE, EU, around(40, 2, 20)));

    FeatureUpdate update = updates().get(0);
    assertThat(update.getVersion()).isEqualTo(2);
    assertThat(update.getCount()).isEqualTo(40);
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, GlobalRollup, Outbound> open(
      FeatureSettings settings) throws Exception {
    return open(settings, null);
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, GlobalRollup, Outbound> open(
      FeatureSettings settings, OperatorSubtaskState restored) throws Exception {
    var harness =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(new FeatureComputer(settings)),
            GlobalRollup::typeAndMetric,
            Types.STRING);
    if (restored != null) {
      harness.initializeState(restored);
    }
    harness.open();
    return harness;
  }

  private void push(GlobalRollup rollup) throws Exception {
    harness.processElement(rollup, rollup.windowEnd - 1);
  }

  private List<FeatureUpdate> updates() {
    return harness.extractOutputValues().stream()
        .map(out -> CODEC.decode(out.value, out.topic))
        .toList();
  }
}
