package dev.fieldline.support.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Sends bytes no well-behaved client would, and reads whatever comes back: the status and body of a
 * raw HTTP/1.1 exchange over a plain socket.
 */
final class RawHttp {
  record Answer(int status, String text) {}

  private RawHttp() {}

  /** Writes {@code request} and reads until the server closes (or 5 s pass: a hang fails). */
  static Answer exchange(InetAddress host, int port, byte[] request) throws IOException {
    try (Socket socket = new Socket(host, port)) {
      socket.setSoTimeout(5_000);
      OutputStream out = socket.getOutputStream();
      out.write(request);
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      try {
        for (int n; (n = in.read(buffer)) >= 0; ) {
          received.write(buffer, 0, n);
        }
      } catch (java.net.SocketException reset) {
        // A server that refuses may reset after answering; what arrived still counts.
      }
      String text = received.toString(StandardCharsets.ISO_8859_1);
      if (!text.startsWith("HTTP/1.1 ")) {
        throw new IOException("no HTTP answer: '" + text + "'");
      }
      return new Answer(Integer.parseInt(text.substring(9, 12)), text);
    }
  }

  /** A GET with {@code Connection: close} and any extra header lines. */
  static byte[] get(String target, String... headers) {
    StringBuilder request = new StringBuilder("GET " + target + " HTTP/1.1\r\nHost: localhost\r\n");
    for (String header : headers) {
      request.append(header).append("\r\n");
    }
    return request
        .append("Connection: close\r\n\r\n")
        .toString()
        .getBytes(StandardCharsets.ISO_8859_1);
  }
}
