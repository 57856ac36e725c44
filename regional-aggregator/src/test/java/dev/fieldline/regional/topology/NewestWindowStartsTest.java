package dev.fieldline.regional.topology;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NewestWindowStartsTest {
  @Test
  void shouldKeepTheNewestStartPerKeyAndNeverMoveBack() {
    NewestWindowStarts newest = new NewestWindowStarts(10);
    newest.seen("a", 20_000);
    newest.seen("a", 10_000);
    newest.seen("b", 5_000);

    assertThat(newest.get("a")).isEqualTo(20_000);
    assertThat(newest.get("b")).isEqualTo(5_000);
    assertThat(newest.get("c")).isNull();
  }

  @Test
  void shouldForgetTheLeastRecentlyUsedKeyBeyondItsCapacity() {
    NewestWindowStarts newest = new NewestWindowStarts(2);
    newest.seen("a", 1);
    newest.seen("b", 2);
    newest.get("a");
    newest.seen("c", 3);

    assertThat(newest.get("b")).as("least recently used").isNull();
    assertThat(newest.get("a")).isEqualTo(1);
    assertThat(newest.get("c")).isEqualTo(3);
  }

  @Test
  void shouldForgetEverythingWhenCleared() {
    NewestWindowStarts newest = new NewestWindowStarts(2);
    newest.seen("a", 1);
    newest.clear();

    assertThat(newest.get("a")).isNull();
  }
}
