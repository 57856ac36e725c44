package dev.fieldline.global.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldline.global.config.GlobalConfig;
import dev.fieldline.global.config.Region;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TransactionalIdsTest {
  @Test
  void shouldGiveEverySinkAPrefixThatStartsNoOtherSinksIds() {
    GlobalConfig config = new GlobalConfig();
    config.jobName = "fieldline-global";
    for (String name : List.of("us", "us-east", "eu-west", "eu")) {
      config.regions.add(Region.of(name, "kafka-" + name + ":9092"));
    }
    List<String> prefixes = TransactionalIds.all(config);

    assertThat(prefixes).doesNotHaveDuplicates().hasSize(4 + 4 * 4);
    List<String> clashes = new ArrayList<>();
    for (String a : prefixes) {
      for (String b : prefixes) {
        // The connector appends "-<subtask>-<checkpoint>" to a prefix to make an id.
        if (!a.equals(b) && (b + "-0-1").startsWith(a)) {
          clashes.add(a + " starts " + b);
        }
      }
    }
    assertThat(clashes).isEmpty();
  }
}
