package dev.fieldline.support.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fieldline.support.config.SecretRef;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusPageTest {
  @TempDir Path dir;
  private OpsHttpServer server;

  /** A config as services have them: plain values and secrets by reference. */
  public static class Config {
    public String region = "eu-west";
    public SecretRef keystorePassword = new SecretRef();
    public Map<String, String> client = Map.of("security.protocol", "SSL");
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void shouldShowHealthCountersAndConfigButNoSecret() throws Exception {
    Path password = Files.writeString(dir.resolve("gw.password"), "s3cret-Pa55word\n");
    Config config = new Config();
    config.keystorePassword = SecretRef.fromFile(password);
    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    metrics.counter("fieldline_edge_readings_received").increment(42);
    metrics.counter("jvm_unrelated").increment(7);
    HttpSettings settings = new HttpSettings();
    settings.host = "127.0.0.1";
    server = OpsHttpServer.start(settings, metrics, StatusPageTest::health);
    server.statusPage("edge agent gw-1", config, metrics, StatusPageTest::health);

    RawHttp.Answer page =
        RawHttp.exchange(InetAddress.getLoopbackAddress(), server.port(), RawHttp.get("/"));
    String html = page.text();

    assertThat(page.status()).isEqualTo(200);
    assertThat(html)
        .contains("Content-Type: text/html")
        .contains("<title>edge agent gw-1</title>")
        .contains("DEGRADED")
        .contains("12 readings went missing")
        .contains("fieldline_edge_readings_received")
        .contains(">42<")
        .doesNotContain("jvm_unrelated")
        .contains("region: eu-west")
        .contains(password.toString())
        .doesNotContain("s3cret-Pa55word")
        .doesNotContain("<script>")
        .contains("&lt;script&gt;");
    // Loopback in plaintext may read device data, so device details show too.
    assertThat(html).contains("dev-7");
    // "/" is the page itself, not a prefix of every path.
    assertThat(
            RawHttp.exchange(
                    InetAddress.getLoopbackAddress(), server.port(), RawHttp.get("/nothing"))
                .status())
        .isEqualTo(404);
  }

  private static HealthReport health() {
    return new HealthReport(
        true,
        Map.of("mqtt", "<script>alert(1)</script>"),
        List.of("12 readings went missing"),
        Map.of("missingByDevice", Map.of("dev-7", 12)));
  }
}
