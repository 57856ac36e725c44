package dev.fieldline.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.apache.flink.api.common.JobID;

/**
 * Whether every tier of the demo runs, so that devices start publishing into a pipeline that is up
 * rather than one still starting: each edge agent ready (MQTT connected, journal open), each
 * regional aggregator's Kafka Streams RUNNING, and every task of the global job RUNNING, as Flink's
 * REST API reports it. Devices that started as soon as the job was submitted met cores busy with
 * Flink deploying and initializing its tasks: the console's first frames showed decisions of 25-130
 * ms.
 */
final class PipelineReadiness {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

  private final Collection<RegionStack> stacks;
  private final URI job;
  private final HttpClient http;

  /**
   * @param tls the client identity for Flink's REST API under mutual TLS; null for plain HTTP
   */
  PipelineReadiness(Collection<RegionStack> stacks, int flinkRestPort, JobID job, SSLContext tls) {
    this.stacks = stacks;
    this.job =
        URI.create(
            (tls == null ? "http" : "https") + "://127.0.0.1:" + flinkRestPort + "/jobs/" + job);
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT);
    this.http = (tls == null ? builder : builder.sslContext(tls)).build();
  }

  /** What is not up yet, in words; empty once everything is. */
  List<String> notYetUp() {
    List<String> waiting = new ArrayList<>();
    for (RegionStack stack : stacks) {
      if (!stack.edge.health().ready()) {
        waiting.add("edge agent of " + stack.region);
      }
      if (!stack.aggregator.health().ready()) {
        waiting.add("regional aggregator of " + stack.region);
      }
    }
    String tasks = globalJobTasks();
    if (tasks != null) {
      waiting.add(tasks);
    }
    return waiting;
  }

  /**
   * Polls until everything is up or {@code limit} passed; returns what is still not up (empty when
   * all is).
   */
  List<String> await(Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    List<String> waiting = notYetUp();
    while (!waiting.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(100);
      waiting = notYetUp();
    }
    return waiting;
  }

  /** Null when every task of the global job runs; otherwise what its tasks are doing. */
  private String globalJobTasks() {
    JsonNode vertices;
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(job).timeout(REQUEST_TIMEOUT).build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        return "global job (REST API answered " + response.statusCode() + ")";
      }
      vertices = JSON.readTree(response.body()).path("vertices");
    } catch (java.io.IOException e) {
      return "global job (REST API: " + e.getMessage() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "global job (interrupted)";
    }
    int running = 0;
    for (JsonNode vertex : vertices) {
      // A vertex's status says RUNNING once any of its subtasks runs: count the subtasks.
      int parallelism = vertex.path("parallelism").asInt(-1);
      if (vertex.path("tasks").path("RUNNING").asInt(0) == parallelism) {
        running++;
      }
    }
    if (running > 0 && running == vertices.size()) {
      return null;
    }
    return "global job (" + running + " of " + vertices.size() + " operators running)";
  }
}
