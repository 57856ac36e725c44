package dev.fieldline.edge.app;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/** A Paho v5 callback that passes (topic, payload) on and ignores everything else. */
public final class CallbackAdapter implements MqttCallback {
  /** Receives one message; may throw, which is logged by Paho. */
  @FunctionalInterface
  public interface Handler {
    void accept(String topic, byte[] payload) throws Exception;
  }

  private final Handler handler;

  public CallbackAdapter(Handler handler) {
    this.handler = handler;
  }

  @Override
  public void messageArrived(String topic, MqttMessage message) throws Exception {
    handler.accept(topic, message.getPayload());
  }

  @Override
  public void disconnected(MqttDisconnectResponse response) {}

  @Override
  public void mqttErrorOccurred(MqttException exception) {}

  @Override
  public void deliveryComplete(IMqttToken token) {}

  @Override
  public void connectComplete(boolean reconnect, String serverURI) {}

  @Override
  public void authPacketArrived(int reasonCode, MqttProperties properties) {}
}
