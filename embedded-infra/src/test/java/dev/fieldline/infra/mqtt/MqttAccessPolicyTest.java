package dev.fieldline.infra.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldline.infra.tls.Role;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MqttAccessPolicyTest {
  private final MqttAccessPolicy policy =
      MqttAccessPolicy.defaults(Map.of("gw-1", List.of("s1", "s2")));

  @Test
  void shouldLetADeviceUseOnlyItsOwnTopics() {
    MqttAccessPolicy.Grant grant = policy.grantFor("dev-7", Role.DEVICE);

    assertThat(grant.publish()).containsExactly("sites/+/devices/dev-7/telemetry");
    assertThat(grant.subscribe()).containsExactly("sites/+/devices/dev-7/commands");
  }

  @Test
  void shouldLetAGatewayUseItsSitesAndTheDeadLetters() {
    MqttAccessPolicy.Grant grant = policy.grantFor("gw-1", Role.GATEWAY);

    assertThat(grant.subscribe())
        .containsExactly("sites/s1/devices/+/telemetry", "sites/s2/devices/+/telemetry");
    assertThat(grant.publish())
        .containsExactly(
            "sites/s1/devices/+/commands", "sites/s2/devices/+/commands", "fieldline/dead-letters");
  }

  @Test
  void shouldGrantNothingToUnknownGatewaysAndOtherRoles() {
    assertThat(policy.grantFor("gw-2", Role.GATEWAY).isEmpty()).isTrue();
    assertThat(policy.grantFor("gw-1", Role.SERVICE).isEmpty()).isTrue();
    assertThat(policy.grantFor("admin", Role.ADMIN).isEmpty()).isTrue();
  }

  @Test
  void shouldRefuseTemplatesWithoutBothPlaceholders() {
    assertThatThrownBy(
            () ->
                new MqttAccessPolicy(
                    "sites/{siteId}/telemetry", "c/{siteId}/{deviceId}", "", Map.of()))
        .hasMessageContaining("{deviceId}");
  }
}
