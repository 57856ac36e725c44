package dev.fieldline.regional.bench;

import static dev.fieldline.regional.Summaries.summary;

import dev.fieldline.infra.kafka.EmbeddedKafkaCluster;
import dev.fieldline.infra.tls.CertificateAuthority;
import dev.fieldline.infra.tls.HttpTls;
import dev.fieldline.infra.tls.IssuedIdentity;
import dev.fieldline.infra.tls.Role;
import dev.fieldline.regional.app.RegionalAggregator;
import dev.fieldline.regional.app.RegionalAggregatorApp;
import dev.fieldline.schema.Topics;
import dev.fieldline.schema.v1.EdgeSummary;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLContext;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code bench/device-query-tls}: what mutual TLS costs a device query. Two aggregators read the
 * same summaries on one embedded cluster, one serving plain HTTP and one mutual TLS, and the same
 * client asks both in turns: over a kept-alive connection (the record cost), over a new connection
 * per query (the handshake, with the JDK's session resumption), and through the JDK's HTTP client
 * (what DeviceQueries forwards with).
 *
 * <p>Arguments: {@code [queries]} per kind, default 5,000.
 */
public final class DeviceQueryTlsBenchmark {
  private static final int DEVICES = 200;

  private DeviceQueryTlsBenchmark() {}

  public static void main(String[] args) throws Exception {
    int queries = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
    Path dir = Files.createTempDirectory("fieldline-bench-query-tls");
    CertificateAuthority ca =
        CertificateAuthority.create("bench CA", dir.resolve("ca"), Duration.ofHours(1));
    IssuedIdentity server =
        ca.issue("aggregator-bench", Role.SERVICE, List.of("localhost", "127.0.0.1"));
    IssuedIdentity admin = ca.issue("fieldline-admin", Role.ADMIN, List.of());

    try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start("bench");
        RegionalAggregator plain = aggregator(kafka, dir, "plain", List.of());
        RegionalAggregator tls = aggregator(kafka, dir, "tls", HttpTls.settings(server))) {
      produce(kafka);
      // HTTP/1.1 both ways: over plain HTTP the JDK client would otherwise offer an h2c upgrade
      // with every request, which TLS (ALPN) spares it.
      HttpClient plainClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      SSLContext adminTls = admin.sslContext();
      HttpClient tlsClient =
          HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(adminTls).build();
      String plainBase = "http://127.0.0.1:" + plain.httpPort();
      String tlsBase = "https://127.0.0.1:" + tls.httpPort();
      awaitAnswers(plainClient, plainBase);
      awaitAnswers(tlsClient, tlsBase);

      KeptConnection plainKept = new KeptConnection(null, plain.httpPort());
      KeptConnection tlsKept = new KeptConnection(adminTls, tls.httpPort());
      List<Kind> kinds =
          List.of(
              new Kind("plain", plainKept::query),
              new Kind("tls", tlsKept::query),
              new Kind("plain_jdk_client", () -> viaClient(plainClient, plainBase)),
              new Kind("tls_jdk_client", () -> viaClient(tlsClient, tlsBase)),
              new Kind("plain_new_conn", () -> viaSocket(null, plain.httpPort())),
              new Kind("tls_new_conn", () -> viaSocket(adminTls, tls.httpPort())));
      // Warm up every path (JIT, connection pools, session cache), then measure in turns.
      for (int i = 0; i < Math.min(queries, 2_000); i++) {
        kinds.forEach(kind -> kind.query.getAsLong());
      }
      for (int i = 0; i < queries; i++) {
        for (Kind kind : kinds) {
          kind.samples.add(kind.query.getAsLong());
        }
      }
      StringBuilder result = new StringBuilder("queries=" + queries);
      for (Kind kind : kinds) {
        long[] sorted = kind.samples.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf(
            "%-15s p50 %7.1f us  p99 %7.1f us%n",
            kind.name, percentile(sorted, 50) / 1e3, percentile(sorted, 99) / 1e3);
        result
            .append(' ')
            .append(kind.name)
            .append("_p50_us=")
            .append(Math.round(percentile(sorted, 50) / 1e3))
            .append(' ')
            .append(kind.name)
            .append("_p99_us=")
            .append(Math.round(percentile(sorted, 99) / 1e3));
      }
      double ratio =
          percentile(sorted(kinds.get(1)), 50) / (double) percentile(sorted(kinds.get(0)), 50);
      result.append(String.format(" tls_p50_ratio=%.2f", ratio));
      System.out.println(result);
    }
  }

  /** One connection kept open, queries written and answers read one after the other. */
  private static final class KeptConnection {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    KeptConnection(SSLContext tls, int port) throws IOException {
      socket =
          tls == null
              ? new Socket(InetAddress.getLoopbackAddress(), port)
              : tls.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port);
      socket.setTcpNoDelay(true);
      out = socket.getOutputStream();
      in = new java.io.BufferedInputStream(socket.getInputStream());
    }

    long query() {
      byte[] request =
          ("GET /devices/" + nextDevice() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1);
      long start = System.nanoTime();
      try {
        out.write(request);
        out.flush();
        int length = -1;
        String status = null;
        for (String line; !(line = readLine()).isEmpty(); ) {
          if (status == null) {
            status = line;
          } else if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
            length = Integer.parseInt(line.substring(15).strip());
          }
        }
        if (status == null || !status.contains(" 200 ") || length < 0) {
          throw new IllegalStateException("answered " + status);
        }
        in.readNBytes(length);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      return System.nanoTime() - start;
    }

    private String readLine() throws IOException {
      StringBuilder line = new StringBuilder();
      for (int c; (c = in.read()) != '\n'; ) {
        if (c < 0) {
          throw new IOException("connection closed");
        }
        if (c != '\r') {
          line.append((char) c);
        }
      }
      return line.toString();
    }
  }

  private record Kind(String name, LongSupplier query, List<Long> samples) {
    Kind(String name, LongSupplier query) {
      this(name, query, new ArrayList<>());
    }
  }

  private static long[] sorted(Kind kind) {
    return kind.samples.stream().mapToLong(Long::longValue).sorted().toArray();
  }

  private static long percentile(long[] sorted, double p) {
    return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1)];
  }

  private static int next;

  private static String nextDevice() {
    next = (next + 1) % DEVICES;
    return "dev-" + next;
  }

  /** One query through a client that keeps its connection; nanoseconds. */
  private static long viaClient(HttpClient client, String base) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + "/devices/" + nextDevice())).build();
    long start = System.nanoTime();
    try {
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException("answered " + response.statusCode());
      }
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
    return System.nanoTime() - start;
  }

  /** One query over a connection of its own (TLS when {@code tls} is set); nanoseconds. */
  private static long viaSocket(SSLContext tls, int port) {
    byte[] request =
        ("GET /devices/"
                + nextDevice()
                + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1);
    long start = System.nanoTime();
    try (Socket socket =
        tls == null
            ? new Socket(InetAddress.getLoopbackAddress(), port)
            : tls.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port)) {
      socket.setTcpNoDelay(true);
      OutputStream out = socket.getOutputStream();
      out.write(request);
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] status = in.readNBytes(12);
      if (!new String(status, StandardCharsets.ISO_8859_1).endsWith("200")) {
        throw new IllegalStateException(
            "answered " + new String(status, StandardCharsets.ISO_8859_1));
      }
      in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return System.nanoTime() - start;
  }

  private static RegionalAggregator aggregator(
      EmbeddedKafkaCluster kafka, Path dir, String name, List<String> more) {
    List<String> settings =
        new ArrayList<>(
            List.of(
                "region=eu-west",
                "application-id=bench-" + name,
                "kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "streams.state-dir=" + dir.resolve(name),
                "http.host=127.0.0.1",
                "http.port=0"));
    settings.addAll(more);
    return new RegionalAggregator(RegionalAggregatorApp.loader().load(null, Map.of(), settings))
        .start();
  }

  private static void produce(EmbeddedKafkaCluster kafka) {
    try (KafkaProducer<String, EdgeSummary> producer =
        new KafkaProducer<>(
            kafka.clientConfig(),
            new StringSerializer(),
            Topics.EDGE_SUMMARIES.valueSerde().serializer())) {
      for (int d = 0; d < DEVICES; d++) {
        EdgeSummary s = summary("gw-1", "site-" + (d % 4), "dev-" + d, "chiller", 0, d);
        producer.send(new ProducerRecord<>(Topics.EDGE_SUMMARIES.name(), s.getDeviceId(), s));
      }
    }
  }

  /** Until every device has an answer (both instances have read every summary). */
  private static void awaitAnswers(HttpClient client, String base) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    for (int d = 0; d < DEVICES; d++) {
      while (true) {
        HttpResponse<String> response =
            client.send(
                HttpRequest.newBuilder(URI.create(base + "/devices/dev-" + d)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          break;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(base + " never answered for dev-" + d);
        }
        Thread.sleep(200);
      }
    }
  }
}
