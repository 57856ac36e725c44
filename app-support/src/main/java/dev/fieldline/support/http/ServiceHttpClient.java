package dev.fieldline.support.http;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Calls from one instance of a service to another's ops port: over mutual TLS with the service's
 * own certificate when its {@code http.tls} is on (the peer's certificate must chain to the same
 * authority, name the host called, and carry one of the expected roles), plain HTTP otherwise.
 */
public final class ServiceHttpClient {
  private final HttpClient http;
  private final boolean tls;
  private final List<String> peerRoles;

  /**
   * @param settings the calling service's own {@code http.*} settings
   * @param peerRoles roles the answering instance's certificate must carry (under TLS)
   */
  public ServiceHttpClient(HttpSettings settings, List<String> peerRoles) {
    this.tls = settings.tls.enabled;
    this.peerRoles = List.copyOf(peerRoles);
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
    if (tls) {
      builder.sslContext(settings.tls.sslContext());
    }
    this.http = builder.build();
  }

  /** GET {@code path} from {@code host:port}, with the given header set. */
  public HttpResponse<String> get(String host, int port, String path, String header, String value)
      throws IOException {
    URI uri = URI.create((tls ? "https" : "http") + "://" + host + ":" + port + path);
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .header(header, value)
            .timeout(Duration.ofSeconds(5))
            .GET()
            .build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while asking " + host + ":" + port, e);
    }
    if (tls) {
      checkPeer(response, host + ":" + port);
    }
    return response;
  }

  private void checkPeer(HttpResponse<String> response, String peer) throws IOException {
    SSLSession session =
        response.sslSession().orElseThrow(() -> new IOException(peer + " answered without TLS"));
    Certificate[] chain;
    try {
      chain = session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      throw new IOException(peer + " presented no verified certificate", e);
    }
    Caller answering = Caller.of((X509Certificate) chain[0]);
    if (!peerRoles.contains(answering.role())) {
      throw new IOException(
          peer + " is " + answering + ", not one of the roles " + peerRoles + "; answer dropped");
    }
  }
}
