package dev.fieldline.cluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Whether a process answers as it should: its health URL with 200, or its port accepting. */
final class Health {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private Health() {}

  /** "up", "DOWN" (running, not answering) or "dead" (not running). */
  static String of(ManagedProcess process) {
    if (!process.alive()) {
      return "dead";
    }
    return answers(process.health()) ? "up" : "DOWN";
  }

  static boolean answers(String health) {
    if (health == null || health.isEmpty()) {
      return true;
    }
    if (health.startsWith("tcp://")) {
      URI uri = URI.create(health);
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 2_000);
        return true;
      } catch (IOException e) {
        return false;
      }
    }
    try {
      HttpResponse<Void> response =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(health)).timeout(Duration.ofSeconds(3)).build(),
              HttpResponse.BodyHandlers.discarding());
      return response.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Waits up to {@code seconds} until the process answers; false if it died or never did. */
  static boolean await(ManagedProcess process, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (!process.alive()) {
        return false;
      }
      if (answers(process.health())) {
        return true;
      }
      Thread.sleep(300);
    }
    return false;
  }
}
