package dev.fieldline.edge.io;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.SocketFactory;

/**
 * Wraps a plain socket factory so that every socket has TCP_NODELAY ({@link
 * NoDelaySslSocketFactory} does the same for TLS; Paho insists the factory's type match the URI).
 * Paho never sets it, and with Nagle's algorithm a QoS 1 round trip took 88 ms at the median
 * instead of 0.45 ms.
 */
public final class NoDelaySocketFactory extends SocketFactory {
  private final SocketFactory delegate;

  public NoDelaySocketFactory(SocketFactory delegate) {
    this.delegate = delegate;
  }

  private static Socket noDelay(Socket socket) throws IOException {
    socket.setTcpNoDelay(true);
    return socket;
  }

  @Override
  public Socket createSocket() throws IOException {
    return noDelay(delegate.createSocket());
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    return noDelay(delegate.createSocket(host, port));
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
      throws IOException {
    return noDelay(delegate.createSocket(host, port, localHost, localPort));
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    return noDelay(delegate.createSocket(host, port));
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
      throws IOException {
    return noDelay(delegate.createSocket(address, port, localAddress, localPort));
  }
}
