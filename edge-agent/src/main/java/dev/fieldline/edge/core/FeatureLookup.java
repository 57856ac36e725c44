package dev.fieldline.edge.core;

import dev.fieldline.schema.v1.FeatureUpdate;

/** The latest global features for a device type and metric, or null when none arrived yet. */
@FunctionalInterface
public interface FeatureLookup {
  FeatureLookup NONE = (deviceType, metric) -> null;

  FeatureUpdate get(String deviceType, String metric);
}
