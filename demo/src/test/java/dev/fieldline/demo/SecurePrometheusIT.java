package dev.fieldline.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fieldline.infra.FreePorts;
import dev.fieldline.support.config.SecretRef;
import dev.fieldline.support.http.HealthReport;
import dev.fieldline.support.http.HttpSettings;
import dev.fieldline.support.http.OpsHttpServer;
import dev.fieldline.support.tls.TlsContexts;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The secure overlay's Prometheus files on Debian's Prometheus: with the identities of {@code
 * ./fieldline certs}, it scrapes an edge agent's and an aggregator's ops ports over mutual TLS as
 * the scraper, and its own UI and API answer only the admin's (or Grafana's) certificate.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SecurePrometheusIT {
  private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
  private static final Path SECURE = Path.of("..", "deploy", "compose", "secure");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private final List<AutoCloseable> open = new ArrayList<>();
  private Process prometheus;

  @AfterEach
  void stop() throws Exception {
    if (prometheus != null) {
      prometheus.destroy();
      if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
        prometheus.destroyForcibly();
      }
    }
    for (AutoCloseable closeable : open) {
      closeable.close();
    }
  }

  @Test
  void scrapesEveryServiceOverMutualTlsAndServesOnlyTheAdmin() throws Exception {
    assumeTrue(
        Files.isExecutable(PROMETHEUS),
        "SKIPPED: prometheus is not installed (apt-get install prometheus); .ci/run installs it");
    Path pki = dir.resolve("pki");
    assertThat(new CommandLine(new CertsApp()).execute(pki.toString(), "--devices", "1")).isZero();
    int edge = serve(pki.resolve("edge-eu"), "gw-eu-1");
    int regional = serve(pki.resolve("regional-eu"), "aggregator-eu-west");

    String prefix = pki.resolve("prometheus").toAbsolutePath() + "/";
    Path config =
        Files.writeString(
            dir.resolve("prometheus.yml"),
            Files.readString(SECURE.resolve("prometheus.yml"))
                .replace("/pki/", prefix)
                .replace(
                    "/etc/prometheus/alerts.yml",
                    SECURE.resolve("../alerts.yml").toAbsolutePath().normalize().toString())
                // Compose's container names are not resolvable here; the certificates name
                // 127.0.0.1 too.
                .replace("edge-eu:9464", "127.0.0.1:" + edge)
                .replace("edge-us:9464", "127.0.0.1:" + edge)
                .replace("regional-eu:8081", "127.0.0.1:" + regional)
                .replace("regional-us:8081", "127.0.0.1:" + regional));
    String webConfig =
        Files.readString(SECURE.resolve("prometheus-web.yml")).replace("/pki/", prefix);
    // client_allowed_sans came with Prometheus 2.43 (the compose image is 3.x); Debian 12 ships
    // 2.42, which refuses the key: there any certificate of the authority is let in.
    boolean sansChecked = supportsAllowedSans();
    if (!sansChecked) {
      System.err.println(
          "NOTE: this Prometheus predates client_allowed_sans; the device's refusal is not checked");
      webConfig = webConfig.replaceAll("(?m)^\\s*client_allowed_sans:.*$", "");
    }
    Path web = Files.writeString(dir.resolve("web.yml"), webConfig);
    int port = FreePorts.pick();
    prometheus =
        new ProcessBuilder(
                PROMETHEUS.toString(),
                "--config.file=" + config,
                "--web.config.file=" + web,
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("prometheus.log").toFile())
            .start();

    HttpClient admin = client(pki.resolve("admin"), "fieldline-admin");
    URI targets = URI.create("https://127.0.0.1:" + port + "/api/v1/targets");
    try {
      awaitTargetsUp(admin, targets);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(
          "targets not up; prometheus said:\n" + Files.readString(dir.resolve("prometheus.log")),
          e);
    }

    // Prometheus's own port: another identity of the same authority, or none, gets nothing.
    if (sansChecked) {
      HttpClient device = client(pki.resolve("simulator-eu"), "eu-dev-0000");
      assertThatThrownBy(() -> get(device, targets)).isInstanceOf(IOException.class);
    }
    HttpClient anonymous =
        HttpClient.newBuilder()
            .sslContext(
                TlsContexts.context(
                    null,
                    TlsContexts.trustManagers(
                        pki.resolve("admin/truststore.p12"),
                        password(pki.resolve("admin/truststore.password")))))
            .build();
    assertThatThrownBy(() -> get(anonymous, targets)).isInstanceOf(IOException.class);
  }

  private static boolean supportsAllowedSans() throws IOException, InterruptedException {
    Process version =
        new ProcessBuilder(PROMETHEUS.toString(), "--version").redirectErrorStream(true).start();
    String text = new String(version.getInputStream().readAllBytes());
    version.waitFor();
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("version (\\d+)\\.(\\d+)").matcher(text);
    if (!m.find()) {
      return true;
    }
    int major = Integer.parseInt(m.group(1));
    int minor = Integer.parseInt(m.group(2));
    return major > 2 || minor >= 43;
  }

  private static void awaitTargetsUp(HttpClient admin, URI targets) {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              JsonNode active = JSON.readTree(get(admin, targets)).at("/data/activeTargets");
              assertThat(active).hasSize(4);
              for (JsonNode target : active) {
                assertThat(target.get("health").asText())
                    .as("%s: %s", target.get("scrapeUrl"), target.get("lastError"))
                    .isEqualTo("up");
                assertThat(target.get("scrapeUrl").asText()).startsWith("https://");
              }
            });
  }

  /** An ops server with the identity in {@code folder}, as the overlay's --set lines give it. */
  private int serve(Path folder, String identity) {
    HttpSettings settings = new HttpSettings();
    settings.host = "127.0.0.1";
    settings.tls.enabled = true;
    settings.tls.keystore = folder.resolve(identity + ".p12").toString();
    settings.tls.keystorePassword = SecretRef.fromFile(folder.resolve(identity + ".password"));
    settings.tls.truststore = folder.resolve("truststore.p12").toString();
    settings.tls.truststorePassword = SecretRef.fromFile(folder.resolve("truststore.password"));
    OpsHttpServer server =
        OpsHttpServer.start(
            settings,
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
            () -> new HealthReport(true, Map.of()));
    open.add(server);
    return server.port();
  }

  private static HttpClient client(Path folder, String identity) throws Exception {
    SSLContext tls =
        TlsContexts.context(
            TlsContexts.keyManagers(
                folder.resolve(identity + ".p12"),
                password(folder.resolve(identity + ".password"))),
            TlsContexts.trustManagers(
                folder.resolve("truststore.p12"), password(folder.resolve("truststore.password"))));
    return HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(2)).build();
  }

  private static char[] password(Path file) throws IOException {
    return Files.readString(file).strip().toCharArray();
  }

  private static String get(HttpClient client, URI uri) throws Exception {
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }
}
