package dev.fieldline.demo;

import dev.fieldline.infra.tls.HttpTls;
import dev.fieldline.infra.tls.IssuedIdentity;
import dev.fieldline.support.http.Access;
import dev.fieldline.support.http.HttpSettings;
import dev.fieldline.support.http.OpsHttpServer;
import dev.fieldline.support.http.OpsReply;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Serves the running demo's {@link TraceStore} to {@code ./fieldline trace <deviceId> <seq>} on a
 * loopback port. It writes how to reach it to {@code .fieldline/demo-traces.port} in the working
 * folder (a properties file: port and scheme, and under {@code --secure} the files of the admin
 * identity the trace command presents) and removes it on close. Traces name devices: under {@code
 * --secure} the port speaks mutual TLS only and answers only a data role.
 */
final class TraceServer implements AutoCloseable {
  static final Path PORT_FILE = Path.of(".fieldline", "demo-traces.port");

  private final OpsHttpServer server;

  private TraceServer(OpsHttpServer server) {
    this.server = server;
  }

  /**
   * @param store the traces to serve
   * @param identity the server's certificate, or null for plaintext
   * @param client the identity the trace command presents under TLS, or null
   */
  static TraceServer start(TraceStore store, IssuedIdentity identity, IssuedIdentity client)
      throws IOException {
    HttpSettings settings = new HttpSettings();
    settings.host = "127.0.0.1";
    if (identity != null) {
      HttpTls.apply(identity, settings);
    }
    OpsHttpServer server = OpsHttpServer.startBare(settings);
    server.route(
        "/reading",
        Access.DATA,
        request -> {
          String device = request.query().get("device");
          String seq = request.query().get("seq");
          if (device == null || seq == null || !seq.matches("\\d{1,18}")) {
            return OpsReply.text(400, "ask /reading?device=<deviceId>&seq=<sequence number>\n");
          }
          return OpsReply.text(200, ReadingPath.describe(store, device, Long.parseLong(seq)));
        });
    Properties where = new Properties();
    where.setProperty("port", Integer.toString(server.port()));
    where.setProperty("scheme", server.scheme());
    if (identity != null) {
      where.setProperty("keystore", client.keystore().toString());
      where.setProperty("keystore-password-file", client.keystorePasswordFile().toString());
      where.setProperty("truststore", client.truststore().toString());
      where.setProperty("truststore-password-file", client.truststorePasswordFile().toString());
    }
    Files.createDirectories(PORT_FILE.getParent());
    try (Writer out = Files.newBufferedWriter(PORT_FILE)) {
      where.store(out, "the running demo's trace server; removed when it stops");
    }
    return new TraceServer(server);
  }

  @Override
  public void close() throws IOException {
    server.close();
    Files.deleteIfExists(PORT_FILE);
  }
}
