package dev.fieldline.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The chaos suite: under steady load in two regions, the edge's MQTT link is cut, the edge agent is
 * killed (SIGKILL) and restarted, the region's Kafka broker is killed and restarted 30 s later, one
 * of two aggregator instances is killed, and the global job loses its TaskManager. Every fault must
 * recover, and every tier of both regions must hold every reading exactly once. Run alone with
 * {@code ./mvnw -pl demo -am verify -Dgroups=chaos -Dit.test=ChaosIT}.
 */
@Tag("chaos")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ChaosIT {
  @Test
  void shouldLoseNothingAndDoubleNothingUnderEveryFault() throws Exception {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    PrintStream out =
        new PrintStream(new TeeStream(buffer, System.out), true, StandardCharsets.UTF_8);

    boolean passed = new ChaosRun(ChaosSettings.defaults(), out).run();

    String printed = buffer.toString(StandardCharsets.UTF_8);
    assertThat(passed).as(printed).isTrue();
    assertThat(printed)
        .contains("edge agent killed", "Kafka broker killed", "aggregator instance killed")
        .doesNotContain("NOT recovered");
  }

  /** Writes to both: the report lands in the test output and in the assertion message. */
  private static final class TeeStream extends java.io.OutputStream {
    private final java.io.OutputStream a;
    private final java.io.OutputStream b;

    TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(int c) throws java.io.IOException {
      a.write(c);
      b.write(c);
    }

    @Override
    public void write(byte[] bytes, int off, int len) throws java.io.IOException {
      a.write(bytes, off, len);
      b.write(bytes, off, len);
    }
  }
}
