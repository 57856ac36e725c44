package dev.fieldline.demo;

import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
    String port = Files.readString(TraceServer.PORT_FILE).strip();
    URI uri =
        URI.create(
            "http://127.0.0.1:"
                + port
                + "/reading?device="
                + URLEncoder.encode(deviceId, StandardCharsets.UTF_8)
                + "&seq="
                + seq);
    try {
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
      System.out.print(response.body());
      return response.statusCode() == 200 && !response.body().startsWith("no trace") ? 0 : 1;
    } catch (ConnectException e) {
      System.err.println("trace: the demo that wrote " + TraceServer.PORT_FILE + " is gone");
      return 2;
    }
  }
}
