package dev.fieldline.regional.topology;

import dev.fieldline.schema.DeadLetters;

/**
 * An edge summary the topology will not count, and why; it becomes a dead letter of {@code
 * edge.summaries}.
 *
 * @param received the summary as received
 * @param reason a reason code from {@link DeadLetters}
 * @param detail a sentence for the operator
 */
record RejectedSummary(ReceivedSummary received, String reason, String detail) {}
