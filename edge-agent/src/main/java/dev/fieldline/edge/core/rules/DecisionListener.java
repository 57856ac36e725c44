package dev.fieldline.edge.core.rules;

/** Receives the transitions of rules: a rule that fires or clears. */
public interface DecisionListener {
  /**
   * @param rule the rule
   * @param fired true when the rule fired, false when it cleared
   * @param value the reading's value
   * @param reason a sentence for operators, e.g. "temperature 81.2 above 80.0"
   * @param featureVersion the feature update version a z-score rule used, or null
   */
  void onDecision(RuleSpec rule, boolean fired, double value, String reason, Long featureVersion);
}
