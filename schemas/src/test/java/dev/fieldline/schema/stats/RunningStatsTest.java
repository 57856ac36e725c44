package dev.fieldline.schema.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

class RunningStatsTest {

  @RepeatedTest(200)
  void shouldAgreeWithOnePassWhenRandomPartitionsMergeInRandomOrder(RepetitionInfo repetition) {
    Random random = new Random(7919L * repetition.getCurrentRepetition());
    double[] sample = randomSample(random);

    List<RunningStats> parts = randomPartition(sample, random);
    Collections.shuffle(parts, random);
    RunningStats merged = mergeInRandomTree(parts, random);

    RunningStats onePass = RunningStats.of(sample);
    assertThat(merged.count()).isEqualTo(sample.length);
    assertThat(merged.min()).isEqualTo(onePass.min());
    assertThat(merged.max()).isEqualTo(onePass.max());
    assertThat(merged.mean()).isCloseTo(twoPassMean(sample), relative(twoPassMean(sample)));
    assertThat(merged.variance())
        .isCloseTo(twoPassVariance(sample), relative(twoPassVariance(sample)));
    assertThat(onePass.variance())
        .isCloseTo(twoPassVariance(sample), relative(twoPassVariance(sample)));
  }

  @Test
  void shouldBeCommutative() {
    RunningStats a = RunningStats.of(1, 2, 3, 10);
    RunningStats b = RunningStats.of(-4, 8.5);

    RunningStats ab = a.copy().merge(b);
    RunningStats ba = b.copy().merge(a);

    assertThat(ab.count()).isEqualTo(ba.count());
    assertThat(ab.mean()).isCloseTo(ba.mean(), within(1e-12));
    assertThat(ab.m2()).isCloseTo(ba.m2(), within(1e-12));
  }

  @Test
  void shouldTreatEmptyAsIdentity() {
    RunningStats values = RunningStats.of(3, 4, 5);

    RunningStats left = new RunningStats().merge(values);
    RunningStats right = values.copy().merge(new RunningStats());

    assertThat(left.toAvro()).isEqualTo(values.toAvro());
    assertThat(right.toAvro()).isEqualTo(values.toAvro());
    assertThat(new RunningStats().min()).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(new RunningStats().variance()).isZero();
  }

  @Test
  void shouldMatchHandComputation() {
    RunningStats stats = RunningStats.of(2, 4, 4, 4, 5, 5, 7, 9);

    assertThat(stats.count()).isEqualTo(8);
    assertThat(stats.sum()).isEqualTo(40.0);
    assertThat(stats.mean()).isEqualTo(5.0);
    assertThat(stats.variance()).isEqualTo(4.0);
    assertThat(stats.stddev()).isEqualTo(2.0);
    assertThat(stats.sampleVariance()).isCloseTo(32.0 / 7, within(1e-12));
  }

  @Test
  void shouldSurviveAvroRoundTripAndMergeThroughAvro() {
    RunningStats a = RunningStats.of(1.5, 2.5);
    RunningStats b = RunningStats.of(10, 20, 30);

    RunningStats viaAvro = RunningStats.fromAvro(RunningStats.merge(a.toAvro(), b.toAvro()));

    assertThat(viaAvro.toAvro()).isEqualTo(a.copy().merge(b).toAvro());
    assertThat(RunningStats.fromAvro(a.toAvro()).toAvro()).isEqualTo(a.toAvro());
  }

  private static double[] randomSample(Random random) {
    int size = 1 + random.nextInt(2_000);
    double offset = random.nextDouble() * 1_000 - 500;
    double scale = Math.pow(10, random.nextInt(6) - 2);
    double[] sample = new double[size];
    for (int i = 0; i < size; i++) {
      sample[i] = offset + random.nextGaussian() * scale;
    }
    return sample;
  }

  private static List<RunningStats> randomPartition(double[] sample, Random random) {
    List<RunningStats> parts = new ArrayList<>();
    int i = 0;
    while (i < sample.length) {
      int size = random.nextInt(Math.max(1, sample.length / 3)) + (random.nextInt(5) == 0 ? 0 : 1);
      RunningStats part = new RunningStats();
      for (int end = Math.min(sample.length, i + size); i < end; i++) {
        part.add(sample[i]);
      }
      parts.add(part); // may be empty: empty parts must merge as the identity
    }
    return parts;
  }

  /** Merges neighbours picked at random until one remains: random association as well as order. */
  private static RunningStats mergeInRandomTree(List<RunningStats> parts, Random random) {
    List<RunningStats> work = new ArrayList<>(parts);
    while (work.size() > 1) {
      int i = random.nextInt(work.size() - 1);
      RunningStats left = work.get(i);
      RunningStats right = work.remove(i + 1);
      if (random.nextBoolean()) {
        work.set(i, left.merge(right));
      } else {
        work.set(i, right.merge(left));
      }
    }
    return work.get(0);
  }

  private static double twoPassMean(double[] sample) {
    double sum = 0;
    for (double v : sample) {
      sum += v;
    }
    return sum / sample.length;
  }

  private static double twoPassVariance(double[] sample) {
    if (sample.length < 2) {
      return 0;
    }
    double mean = twoPassMean(sample);
    double squares = 0;
    for (double v : sample) {
      squares += (v - mean) * (v - mean);
    }
    return squares / sample.length;
  }

  private static org.assertj.core.data.Offset<Double> relative(double expected) {
    return within(Math.max(Math.abs(expected) * 1e-9, 1e-300));
  }
}
