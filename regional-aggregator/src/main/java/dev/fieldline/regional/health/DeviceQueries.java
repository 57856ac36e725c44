package dev.fieldline.regional.health;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fieldline.regional.topology.RegionalTopology;
import dev.fieldline.support.http.Access;
import dev.fieldline.support.http.HttpSettings;
import dev.fieldline.support.http.OpsHttpServer;
import dev.fieldline.support.http.OpsReply;
import dev.fieldline.support.http.OpsRequest;
import dev.fieldline.support.http.ServiceHttpClient;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
 * instead of looping. Both name devices, so they need a data role ({@link Access#DATA}); under
 * {@code http.tls} an instance calls another with its own certificate and accepts the answer only
 * from a peer whose certificate names the host it called and carries the {@code service} role.
 */
public final class DeviceQueries {
  private static final String FORWARDED = "X-Fieldline-Forwarded";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KafkaStreams streams;
  private final HostInfo self;
  private final ServiceHttpClient peers;

  public DeviceQueries(KafkaStreams streams, HostInfo self, HttpSettings http) {
    this.streams = streams;
    this.self = self;
    this.peers = new ServiceHttpClient(http, List.of("service"));
  }

  public void register(OpsHttpServer server) {
    server.route("/devices/", Access.DATA, this::device);
    server.route("/sites/", Access.DATA, this::siteDevices);
  }

  private OpsReply device(OpsRequest request) throws IOException {
    if (request.segments().size() != 1) {
      return OpsReply.error(404, "use /devices/{id}");
    }
    String id = request.segments().get(0);
    KeyQueryMetadata owner =
        streams.queryMetadataForKey(
            RegionalTopology.DEVICE_HEALTH_STORE, id, new StringSerializer());
    if (owner == null || owner.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
      return OpsReply.error(503, "rebalancing, retry");
    }
    if (!owner.activeHost().equals(self)) {
      if (request.header(FORWARDED).isPresent()) {
        return OpsReply.error(503, "ownership moving, retry");
      }
      try {
        HttpResponse<String> answer = get(owner.activeHost(), "/devices/" + encode(id));
        return OpsReply.json(answer.statusCode(), answer.body());
      } catch (IOException e) {
        return OpsReply.error(502, "the owning instance did not answer: " + e.getMessage());
      }
    }
    DeviceHealth health;
    try {
      health = localStore().get(id);
    } catch (InvalidStateStoreException e) {
      return OpsReply.error(503, "store not ready, retry");
    }
    if (health == null) {
      return OpsReply.error(404, "unknown device " + id);
    }
    return OpsReply.json(200, JSON.writeValueAsString(health));
  }

  private OpsReply siteDevices(OpsRequest request) throws IOException {
    List<String> segments = request.segments();
    if (segments.size() != 2 || !segments.get(1).equals("devices")) {
      return OpsReply.error(404, "use /sites/{site}/devices");
    }
    String site = segments.get(0);
    List<DeviceHealth> devices = new ArrayList<>();
    try (KeyValueIterator<String, DeviceHealth> all = localStore().all()) {
      all.forEachRemaining(
          kv -> {
            if (site.equals(kv.value.siteId)) {
              devices.add(kv.value);
            }
          });
    } catch (InvalidStateStoreException e) {
      return OpsReply.error(503, "store not ready, retry");
    }
    if (request.header(FORWARDED).isEmpty()) {
      for (StreamsMetadata instance : streams.metadataForAllStreamsClients()) {
        if (!instance.hostInfo().equals(self)
            && instance.stateStoreNames().contains(RegionalTopology.DEVICE_HEALTH_STORE)) {
          HttpResponse<String> answer;
          try {
            answer = get(instance.hostInfo(), "/sites/" + encode(site) + "/devices");
          } catch (IOException e) {
            return OpsReply.error(502, "instance " + instance.hostInfo() + ": " + e.getMessage());
          }
          if (answer.statusCode() != 200) {
            return OpsReply.error(
                503, "instance " + instance.hostInfo() + " answered " + answer.statusCode());
          }
          devices.addAll(List.of(JSON.readValue(answer.body(), DeviceHealth[].class)));
        }
      }
    }
    devices.sort(Comparator.comparing(d -> d.deviceId));
    return OpsReply.json(200, JSON.writeValueAsString(devices));
  }

  private ReadOnlyKeyValueStore<String, DeviceHealth> localStore() {
    return streams.store(
        StoreQueryParameters.fromNameAndType(
            RegionalTopology.DEVICE_HEALTH_STORE, QueryableStoreTypes.keyValueStore()));
  }

  private HttpResponse<String> get(HostInfo host, String path) throws IOException {
    return peers.get(host.host(), host.port(), path, FORWARDED, "1");
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
