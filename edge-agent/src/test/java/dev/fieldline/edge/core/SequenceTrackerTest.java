package dev.fieldline.edge.core;

import static dev.fieldline.edge.core.SequenceTracker.Outcome.DUPLICATE;
import static dev.fieldline.edge.core.SequenceTracker.Outcome.LATE;
import static dev.fieldline.edge.core.SequenceTracker.Outcome.NEW;
import static dev.fieldline.edge.core.SequenceTracker.Outcome.RESTART;
import static dev.fieldline.edge.core.SequenceTracker.Outcome.STALE;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SequenceTrackerTest {
  private final SequenceTracker tracker = new SequenceTracker();
  private final List<SequenceTracker.Outcome> outcomes = new ArrayList<>();
  private long missing;

  private void observe(int allowance, long... seqs) {
    for (long seq : seqs) {
      outcomes.add(tracker.observe(seq, allowance));
      missing += tracker.missing();
    }
  }

  private void observeRange(int allowance, long from, long to) {
    for (long seq = from; seq <= to; seq++) {
      observe(allowance, seq);
    }
  }

  @Test
  void shouldCountNothingMissingForAnUnbrokenSequence() {
    observeRange(64, 1, 1_000);
    missing += tracker.settle(64);

    assertThat(missing).isZero();
    assertThat(outcomes).containsOnly(NEW);
  }

  @Test
  void shouldCountNumbersSkippedBeyondTheAllowanceAtOnceAndTheRestWhenSettled() {
    observe(4, 1, 10);

    assertThat(missing).as("2..6 are further back than the allowance").isEqualTo(5);
    assertThat(tracker.hasPending(4)).isTrue();
    assertThat(tracker.settle(4)).as("7, 8 and 9 were still pending").isEqualTo(3);
    assertThat(tracker.hasPending(4)).isFalse();
  }

  @Test
  void shouldLetALateArrivalWithinTheAllowanceFillItsGap() {
    observe(4, 1, 2, 4, 3, 5, 6, 7, 8, 9);

    assertThat(outcomes.get(3)).isEqualTo(LATE);
    assertThat(missing + tracker.settle(4)).isZero();
  }

  @Test
  void shouldCountAPendingNumberMissingOnceNewerOnesPushItOutOfTheAllowance() {
    observe(4, 11, 13, 14, 15);
    assertThat(missing).as("12 is still within 4 of 15").isZero();

    observe(4, 16);

    assertThat(missing).as("12 is 4 behind 16").isEqualTo(1);
    observe(4, 12);
    assertThat(outcomes.get(outcomes.size() - 1)).isEqualTo(STALE);
  }

  @Test
  void shouldTellDuplicatesFromGapFillersAcrossAGap() {
    observe(64, 1, 2, 5, 5, 2, 4);

    assertThat(outcomes).containsExactly(NEW, NEW, NEW, DUPLICATE, DUPLICATE, LATE);
    assertThat(tracker.settle(64)).as("only 3 never came").isEqualTo(1);
  }

  @Test
  void shouldCountAJumpFarBeyondTheAllowanceExactly() {
    observe(64, 1, 1_000);
    missing += tracker.settle(64);

    assertThat(missing).isEqualTo(998);
  }

  @Test
  void shouldTreatACounterStartingOverAsARestartNotALoss() {
    observeRange(64, 1, 500);
    observeRange(64, 1, 20);
    missing += tracker.settle(64);

    assertThat(outcomes.get(500)).isEqualTo(RESTART);
    assertThat(outcomes.subList(501, 520)).containsOnly(NEW);
    assertThat(missing).isZero();
  }

  @Test
  void shouldSettleTheGapsOfTheDevicesPreviousLifeAtARestart() {
    observeRange(64, 1, 100);
    observe(64, 102, 103, 1);

    assertThat(outcomes.get(outcomes.size() - 1)).isEqualTo(RESTART);
    assertThat(missing).as("101 never came before the device restarted").isEqualTo(1);
  }

  @Test
  void shouldDropAVeryLateHighNumberAsStaleNotAsARestart() {
    observeRange(64, 1, 300);
    observe(64, 150);

    assertThat(outcomes.get(outcomes.size() - 1)).isEqualTo(STALE);
    assertThat(missing).isZero();
  }

  @Test
  void shouldIgnoreNumbersBeforeTheFirstOneItSaw() {
    observe(64, 40, 39, 41);

    assertThat(outcomes).containsExactly(NEW, STALE, NEW);
    assertThat(missing + tracker.settle(64)).isZero();
  }

  @Test
  void shouldResumeAfterAnAgentRestartTakingRedeliveriesAsDuplicates() {
    tracker.resumeAt(50);
    observe(64, 50, 51, 52);

    assertThat(outcomes).containsExactly(DUPLICATE, NEW, NEW);
    assertThat(tracker.highest()).isEqualTo(52);
  }
}
