package dev.fieldline.regional.health;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import dev.fieldline.regional.topology.RegionalTopology;
import dev.fieldline.support.http.OpsHttpServer;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Serves the device health table over HTTP with Kafka Streams interactive queries, across every
 * instance of the application:
 *
 * <ul>
 *   <li>{@code GET /devices/{id}}: answered by the instance that owns the device's partition; any
 *       other instance forwards the request to it;
 *   <li>{@code GET /sites/{site}/devices}: each instance scans its own partitions and the one asked
 *       gathers the others' answers.
 * </ul>
 *
 * A request that has been forwarded once is never forwarded again, so a rebalance answers 503
 * instead of looping.
 */
public final class DeviceQueries {
  private static final String FORWARDED = "X-Fieldline-Forwarded";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KafkaStreams streams;
  private final HostInfo self;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  public DeviceQueries(KafkaStreams streams, HostInfo self) {
    this.streams = streams;
    this.self = self;
  }

  public void register(OpsHttpServer server) {
    server.route("/devices/", this::device);
    server.route("/sites/", this::siteDevices);
  }

  private void device(HttpExchange exchange) throws IOException {
    String id = decode(exchange.getRequestURI().getRawPath().substring("/devices/".length()));
    if (id.isEmpty() || id.contains("/")) {
      OpsHttpServer.respond(exchange, 404, "application/json", error("use /devices/{id}"));
      return;
    }
    KeyQueryMetadata owner =
        streams.queryMetadataForKey(
            RegionalTopology.DEVICE_HEALTH_STORE, id, new StringSerializer());
    if (owner == null || owner.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
      OpsHttpServer.respond(exchange, 503, "application/json", error("rebalancing, retry"));
      return;
    }
    if (!owner.activeHost().equals(self)) {
      if (exchange.getRequestHeaders().containsKey(FORWARDED)) {
        OpsHttpServer.respond(exchange, 503, "application/json", error("ownership moving, retry"));
        return;
      }
      forward(exchange, owner.activeHost(), "/devices/" + encode(id));
      return;
    }
    DeviceHealth health;
    try {
      health = localStore().get(id);
    } catch (InvalidStateStoreException e) {
      OpsHttpServer.respond(exchange, 503, "application/json", error("store not ready, retry"));
      return;
    }
    if (health == null) {
      OpsHttpServer.respond(exchange, 404, "application/json", error("unknown device " + id));
    } else {
      OpsHttpServer.respond(exchange, 200, "application/json", JSON.writeValueAsString(health));
    }
  }

  private void siteDevices(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getRawPath();
    String[] parts = path.split("/");
    if (parts.length != 4 || !parts[3].equals("devices")) {
      OpsHttpServer.respond(exchange, 404, "application/json", error("use /sites/{site}/devices"));
      return;
    }
    String site = decode(parts[2]);
    List<DeviceHealth> devices = new ArrayList<>();
    try (KeyValueIterator<String, DeviceHealth> all = localStore().all()) {
      all.forEachRemaining(
          kv -> {
            if (site.equals(kv.value.siteId)) {
              devices.add(kv.value);
            }
          });
    } catch (InvalidStateStoreException e) {
      OpsHttpServer.respond(exchange, 503, "application/json", error("store not ready, retry"));
      return;
    }
    if (!exchange.getRequestHeaders().containsKey(FORWARDED)) {
      for (StreamsMetadata instance : streams.metadataForAllStreamsClients()) {
        if (!instance.hostInfo().equals(self)
            && instance.stateStoreNames().contains(RegionalTopology.DEVICE_HEALTH_STORE)) {
          HttpResponse<String> answer = get(instance.hostInfo(), path);
          if (answer.statusCode() != 200) {
            OpsHttpServer.respond(
                exchange,
                503,
                "application/json",
                error("instance " + instance.hostInfo() + " answered " + answer.statusCode()));
            return;
          }
          devices.addAll(List.of(JSON.readValue(answer.body(), DeviceHealth[].class)));
        }
      }
    }
    devices.sort(Comparator.comparing(d -> d.deviceId));
    OpsHttpServer.respond(exchange, 200, "application/json", JSON.writeValueAsString(devices));
  }

  private ReadOnlyKeyValueStore<String, DeviceHealth> localStore() {
    return streams.store(
        StoreQueryParameters.fromNameAndType(
            RegionalTopology.DEVICE_HEALTH_STORE, QueryableStoreTypes.keyValueStore()));
  }

  private void forward(HttpExchange exchange, HostInfo owner, String path) throws IOException {
    HttpResponse<String> answer = get(owner, path);
    OpsHttpServer.respond(exchange, answer.statusCode(), "application/json", answer.body());
  }

  private HttpResponse<String> get(HostInfo host, String path) throws IOException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://" + host.host() + ":" + host.port() + path))
            .header(FORWARDED, "1")
            .timeout(Duration.ofSeconds(5))
            .GET()
            .build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while asking " + host, e);
    }
  }

  private static String error(String message) {
    return "{\"error\":\"" + message.replace("\"", "'") + "\"}";
  }

  private static String decode(String text) {
    return URLDecoder.decode(text, StandardCharsets.UTF_8);
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
