package dev.fieldline.demo;

import dev.fieldline.support.config.SecretRef;
import dev.fieldline.support.http.HttpSettings;
import java.io.IOException;
import java.io.Reader;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code ./fieldline trace <deviceId> <seq>}: one reading's whole path through the running demo
 * (edge, regional aggregator, global job, every region's copy), with the time spent in each tier
 * and region, from the demo's in-memory traces.
 */
@Command(
    name = "trace",
    mixinStandardHelpOptions = true,
    description = "Print one reading's path through the running demo, from its in-memory traces.")
public final class TraceApp implements Callable<Integer> {
  @Parameters(index = "0", description = "Device id, e.g. eu-west-dev-0003.")
  String deviceId;

  @Parameters(index = "1", description = "The reading's sequence number.")
  long seq;

  public static void main(String[] args) {
    System.exit(new CommandLine(new TraceApp()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (!Files.exists(TraceServer.PORT_FILE)) {
      System.err.println(
          "trace: no demo is running here (start ./fieldline demo in this folder; it keeps the"
              + " last traces in memory)");
      return 2;
    }
    Properties where = new Properties();
    try (Reader in = Files.newBufferedReader(TraceServer.PORT_FILE)) {
      where.load(in);
    }
    String scheme = where.getProperty("scheme", "http");
    URI uri =
        URI.create(
            scheme
                + "://127.0.0.1:"
                + where.getProperty("port")
                + "/reading?device="
                + URLEncoder.encode(deviceId, StandardCharsets.UTF_8)
                + "&seq="
                + seq);
    try {
      HttpResponse<String> response =
          client(scheme, where)
              .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        System.err.print(
            "trace: the demo answered " + response.statusCode() + ": " + response.body());
        return 2;
      }
      System.out.print(response.body());
      return response.body().startsWith("no trace") ? 1 : 0;
    } catch (ConnectException e) {
      System.err.println("trace: the demo that wrote " + TraceServer.PORT_FILE + " is gone");
      return 2;
    } catch (IOException e) {
      System.err.println("trace: cannot reach the demo's trace server: " + e.getMessage());
      return 2;
    }
  }

  /** Under --secure, the demo's admin identity; the server answers nobody else. */
  private static HttpClient client(String scheme, Properties where) {
    if (!scheme.equals("https")) {
      return HttpClient.newHttpClient();
    }
    HttpSettings.Tls tls = new HttpSettings.Tls();
    tls.keystore = where.getProperty("keystore");
    tls.keystorePassword = SecretRef.fromFile(Path.of(where.getProperty("keystore-password-file")));
    tls.truststore = where.getProperty("truststore");
    tls.truststorePassword =
        SecretRef.fromFile(Path.of(where.getProperty("truststore-password-file")));
    return HttpClient.newBuilder().sslContext(tls.sslContext()).build();
  }
}
