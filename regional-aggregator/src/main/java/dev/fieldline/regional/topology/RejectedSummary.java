package dev.fieldline.regional.topology;

import dev.fieldline.schema.DeadLetters;
import dev.fieldline.schema.v1.EdgeSummary;

/**
 * An edge summary the topology will not count, and why; it becomes a dead letter of {@code
 * edge.summaries}.
 *
 * @param summary the summary as received
 * @param reason a reason code from {@link DeadLetters}
 * @param detail a sentence for the operator
 */
record RejectedSummary(EdgeSummary summary, String reason, String detail) {}
