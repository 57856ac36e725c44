package dev.fieldline.edge.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;

class NoDelaySocketFactoryTest {

  @Test
  void socketsHaveNoDelayAndOneBufferedInputStreamThatReadsEverythingSent() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      NoDelaySocketFactory factory = new NoDelaySocketFactory();
      try (Socket client = factory.createSocket()) {
        client.connect(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
        try (Socket peer = server.accept()) {
          assertThat(client.getTcpNoDelay()).isTrue();
          InputStream in = client.getInputStream();
          assertThat(in).isInstanceOf(BufferedInputStream.class).isSameAs(client.getInputStream());

          byte[] sent = new byte[100_000]; // several buffers' worth
          for (int i = 0; i < sent.length; i++) {
            sent[i] = (byte) (i * 31);
          }
          OutputStream out = peer.getOutputStream();
          out.write(sent);
          out.flush();
          peer.shutdownOutput();

          assertThat(in.readAllBytes()).isEqualTo(sent);
        }
      }
    }
  }

  @Test
  void connectingOverloadsGiveTheSameSockets() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket client =
            new NoDelaySocketFactory()
                .createSocket(InetAddress.getLoopbackAddress(), server.getLocalPort());
        Socket peer = server.accept()) {
      assertThat(client.isConnected()).isTrue();
      assertThat(client.getTcpNoDelay()).isTrue();
      assertThat(client.getInputStream()).isInstanceOf(BufferedInputStream.class);
      peer.getOutputStream().write(7);
      assertThat(client.getInputStream().read()).isEqualTo(7);
    }
  }
}
