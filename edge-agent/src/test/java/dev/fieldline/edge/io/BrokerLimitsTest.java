package dev.fieldline.edge.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.Test;

class BrokerLimitsTest {
  private static final Duration DAY = Duration.ofDays(1);
  private static final Duration HOUR = Duration.ofHours(1);

  @Test
  void shouldReadTheLimitsACONNACKAnnounces() {
    MqttProperties connack = new MqttProperties();
    connack.setReceiveMaximum(20);
    connack.setSessionExpiryInterval(600L);
    connack.setMaximumQoS(1);

    BrokerLimits limits = BrokerLimits.fromConnack(connack);

    assertThat(limits.receiveMaximum()).isEqualTo(20);
    assertThat(limits.effectiveSessionExpiry(DAY)).isEqualTo(Duration.ofMinutes(10));
    assertThat(limits.maximumQos()).isEqualTo(1);
  }

  @Test
  void shouldWarnWhenTheBrokerCapsTheSessionBelowTheOutageToRideOut() {
    MqttProperties connack = new MqttProperties();
    connack.setSessionExpiryInterval(600L);

    assertThat(BrokerLimits.fromConnack(connack).warnings(DAY, HOUR))
        .singleElement()
        .asString()
        .contains("PT10M")
        .contains("mqtt.ride-out PT1H")
        .contains("the broker capped it");
  }

  @Test
  void shouldWarnWhenTheRequestedSessionIsShorterThanTheOutage() {
    assertThat(BrokerLimits.fromConnack(new MqttProperties()).warnings(Duration.ofMinutes(5), HOUR))
        .singleElement()
        .asString()
        .contains("raise mqtt.session-expiry");
  }

  @Test
  void shouldWarnWhenTheBrokerGrantsOnlyQosZero() {
    MqttProperties connack = new MqttProperties();
    connack.setMaximumQoS(0);

    assertThat(BrokerLimits.fromConnack(connack).warnings(DAY, HOUR))
        .singleElement()
        .asString()
        .contains("QoS 0");
  }

  @Test
  void shouldNotWarnAboutABrokerThatKeepsTheSessionLongEnough() {
    assertThat(BrokerLimits.fromConnack(null).warnings(DAY, HOUR)).isEmpty();
  }

  @Test
  void shouldSizeTheQueueFromRateAndOutage() {
    assertThat(BrokerLimits.queueNeeded(HOUR, 50)).isEqualTo(180_000);
    assertThat(BrokerLimits.queueNeeded(HOUR, 0)).isZero();
  }
}
