package dev.fieldline.regional.residency;

import dev.fieldline.regional.topology.ScopeKeys;
import dev.fieldline.schema.v1.RegionalAggregate;
import dev.fieldline.schema.v1.Scope;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Decides what of a regional aggregate may leave the region, before it goes to {@code
 * regional.export} (the only topic the global tier reads).
 *
 * <ul>
 *   <li>{@code identifiers}: {@code keep} the site identifier, {@code pseudonymize} it (HMAC-SHA256
 *       under the regional secret, in the field and in the key), or {@code drop} it, which
 *       withholds every site-scoped aggregate since it cannot leave without naming its site;
 *   <li>{@code withheldScopes}: scopes that never leave the region;
 *   <li>{@code droppedFields}: counts that are zeroed before export.
 * </ul>
 *
 * <p>Aggregates carry no device or gateway identifiers at all: they are counted, never named.
 */
public final class ResidencyPolicy {
  /** How identifying fields are handled. */
  public enum Identifiers {
    KEEP,
    PSEUDONYMIZE,
    DROP
  }

  /** Fields that may be dropped (zeroed) before export. */
  public static final List<String> DROPPABLE_FIELDS =
      List.of(
          "deviceCount",
          "anomalyCount",
          "decisionCount",
          "rejectedCount",
          "filteredCount",
          "missingCount",
          "restartCount");

  private final Identifiers identifiers;
  private final Set<Scope> withheldScopes;
  private final Set<String> droppedFields;
  private final Pseudonymizer pseudonymizer;

  public ResidencyPolicy(
      Identifiers identifiers,
      Set<Scope> withheldScopes,
      Set<String> droppedFields,
      Pseudonymizer pseudonymizer) {
    this.identifiers = Objects.requireNonNull(identifiers);
    this.withheldScopes =
        withheldScopes.isEmpty() ? EnumSet.noneOf(Scope.class) : EnumSet.copyOf(withheldScopes);
    this.droppedFields = Set.copyOf(droppedFields);
    for (String field : droppedFields) {
      if (!DROPPABLE_FIELDS.contains(field)) {
        throw new IllegalArgumentException(
            "field '" + field + "' cannot be dropped; droppable: " + DROPPABLE_FIELDS);
      }
    }
    if (identifiers == Identifiers.PSEUDONYMIZE && pseudonymizer == null) {
      throw new IllegalArgumentException("pseudonymizing identifiers needs a regional secret");
    }
    this.pseudonymizer = pseudonymizer;
  }

  /** Everything leaves as it is. */
  public static ResidencyPolicy open() {
    return new ResidencyPolicy(Identifiers.KEEP, Set.of(), Set.of(), null);
  }

  /** The aggregate as it may leave the region, or empty when it must stay. */
  public Optional<RegionalAggregate> apply(RegionalAggregate aggregate) {
    boolean site = aggregate.getScope() == Scope.SITE;
    if (withheldScopes.contains(aggregate.getScope())
        || (site && identifiers == Identifiers.DROP)) {
      return Optional.empty();
    }
    RegionalAggregate.Builder out = RegionalAggregate.newBuilder(aggregate);
    if (site && identifiers == Identifiers.PSEUDONYMIZE) {
      String pseudonym = pseudonymizer.pseudonym(aggregate.getSiteId());
      out.setSiteId(pseudonym)
          .setKey(ScopeKeys.site(pseudonym, aggregate.getDeviceType(), aggregate.getMetric()));
    }
    for (String field : droppedFields) {
      switch (field) {
        case "deviceCount" -> out.setDeviceCount(0);
        case "anomalyCount" -> out.setAnomalyCount(0);
        case "decisionCount" -> out.setDecisionCount(0);
        case "rejectedCount" -> out.setRejectedCount(0);
        case "filteredCount" -> out.setFilteredCount(0);
        case "missingCount" -> out.setMissingCount(0);
        case "restartCount" -> out.setRestartCount(0);
        default -> throw new IllegalStateException(field);
      }
    }
    return Optional.of(out.build());
  }

  @Override
  public String toString() {
    return "ResidencyPolicy{identifiers="
        + identifiers.name().toLowerCase(Locale.ROOT)
        + ", withheldScopes="
        + withheldScopes
        + ", droppedFields="
        + droppedFields
        + "}";
  }
}
