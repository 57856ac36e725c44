package dev.fieldline.regional.residency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fieldline.schema.stats.RunningStats;
import dev.fieldline.schema.v1.RegionalAggregate;
import dev.fieldline.schema.v1.Scope;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ResidencyPolicyTest {
  private static final Pseudonymizer EU = new Pseudonymizer("eu-west-secret-0123456789");

  private static RegionalAggregate siteAggregate() {
    return RegionalAggregate.newBuilder()
        .setRegion("eu-west")
        .setScope(Scope.SITE)
        .setKey("site|plant-7|chiller|temperature")
        .setSiteId("plant-7")
        .setDeviceType("chiller")
        .setMetric("temperature")
        .setWindowStart(Instant.EPOCH)
        .setWindowEnd(Instant.EPOCH.plusSeconds(60))
        .setStats(RunningStats.of(1, 2).toAvro())
        .setDeviceCount(2)
        .setAnomalyCount(3)
        .setSummaryCount(2)
        .setOriginRegion("eu-west")
        .build();
  }

  @Test
  void shouldGiveTheSameSiteTheSamePseudonymAndOthersDifferentOnes() {
    assertThat(EU.pseudonym("plant-7")).isEqualTo(EU.pseudonym("plant-7")).startsWith("ps-");
    assertThat(EU.pseudonym("plant-7")).isNotEqualTo(EU.pseudonym("plant-8"));
    assertThat(new Pseudonymizer("us-east-secret-0123456789").pseudonym("plant-7"))
        .isNotEqualTo(EU.pseudonym("plant-7"));
  }

  @Test
  void shouldReplaceSiteInFieldAndKeyWhenPseudonymizing() {
    ResidencyPolicy policy =
        new ResidencyPolicy(ResidencyPolicy.Identifiers.PSEUDONYMIZE, Set.of(), Set.of(), EU);

    RegionalAggregate out = policy.apply(siteAggregate()).orElseThrow();

    assertThat(out.getSiteId()).isEqualTo(EU.pseudonym("plant-7"));
    assertThat(out.getKey()).isEqualTo("site|" + EU.pseudonym("plant-7") + "|chiller|temperature");
    assertThat(out.toString()).doesNotContain("plant-7");
    assertThat(out.getStats()).isEqualTo(siteAggregate().getStats());
  }

  @Test
  void shouldWithholdConfiguredScopesAndZeroDroppedCounts() {
    ResidencyPolicy policy =
        new ResidencyPolicy(
            ResidencyPolicy.Identifiers.KEEP, Set.of(Scope.SITE), Set.of("anomalyCount"), null);
    RegionalAggregate typeScope =
        RegionalAggregate.newBuilder(siteAggregate())
            .setScope(Scope.DEVICE_TYPE)
            .setSiteId(null)
            .setKey("type|chiller|temperature")
            .build();

    assertThat(policy.apply(siteAggregate())).isEmpty();
    assertThat(policy.apply(typeScope).orElseThrow().getAnomalyCount()).isZero();
    assertThat(policy.apply(typeScope).orElseThrow().getDeviceCount()).isEqualTo(2);
  }

  @Test
  void shouldRefuseUnknownFieldsAndPseudonymizingWithoutSecret() {
    assertThatThrownBy(
            () ->
                new ResidencyPolicy(
                    ResidencyPolicy.Identifiers.KEEP, Set.of(), Set.of("stats"), null))
        .hasMessageContaining("'stats' cannot be dropped");
    assertThatThrownBy(
            () ->
                new ResidencyPolicy(
                    ResidencyPolicy.Identifiers.PSEUDONYMIZE, Set.of(), Set.of(), null))
        .hasMessageContaining("secret");
    assertThatThrownBy(() -> new Pseudonymizer("short")).hasMessageContaining("16 characters");
  }
}
