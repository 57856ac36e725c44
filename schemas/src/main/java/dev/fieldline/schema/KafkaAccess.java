package dev.fieldline.schema;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * What each Fieldline identity may do on a regional cluster, as Kafka ACLs (least privilege; {@code
 * DESCRIBE} is implied by {@code READ} and {@code WRITE}). Principals are {@code User:<name>}, the
 * CN of the identity's certificate once the brokers map it so ({@code
 * ssl.principal.mapping.rules}).
 */
public final class KafkaAccess {
  private KafkaAccess() {}

  /**
   * An edge gateway writes its summaries and decisions and reads the learned features (by
   * assignment, without a consumer group). Idempotent producing needs no more since Kafka 3.0.
   */
  public static List<AclBinding> edgeGateway(String principal) {
    List<AclBinding> acls = new ArrayList<>();
    acls.add(topic(principal, Topics.EDGE_SUMMARIES.name(), AclOperation.WRITE));
    acls.add(topic(principal, Topics.EDGE_DECISIONS.name(), AclOperation.WRITE));
    acls.add(topic(principal, Topics.GLOBAL_FEATURES.name(), AclOperation.READ));
    return acls;
  }

  /**
   * The regional aggregator (Kafka Streams, exactly-once) reads the edge topics, writes the
   * regional ones and the edge topics' dead letters, and owns its internal topics, consumer group
   * and transactional ids, all named after its {@code application.id}.
   */
  public static List<AclBinding> regionalAggregator(String principal, String applicationId) {
    List<AclBinding> acls = new ArrayList<>();
    for (Topic<?> input : List.of(Topics.EDGE_SUMMARIES, Topics.EDGE_DECISIONS)) {
      acls.add(topic(principal, input.name(), AclOperation.READ));
      acls.add(topic(principal, input.deadLetterTopic(), AclOperation.WRITE));
    }
    for (Topic<?> output : List.of(Topics.REGIONAL_AGGREGATES, Topics.REGIONAL_EXPORT)) {
      acls.add(topic(principal, output.name(), AclOperation.WRITE));
    }
    acls.add(
        allow(
            principal, ResourceType.TOPIC, applicationId, PatternType.PREFIXED, AclOperation.ALL));
    acls.add(
        allow(
            principal, ResourceType.GROUP, applicationId, PatternType.LITERAL, AclOperation.READ));
    acls.add(
        allow(
            principal,
            ResourceType.TRANSACTIONAL_ID,
            applicationId,
            PatternType.PREFIXED,
            AclOperation.WRITE));
    return acls;
  }

  /**
   * The global job reads every region's export (consumer groups {@code <job>-<region>}), writes the
   * {@code global.*} topics and the export's dead letters, with transactional ids under {@code
   * <job>+}.
   */
  public static List<AclBinding> globalJob(String principal, String jobName) {
    List<AclBinding> acls = new ArrayList<>();
    acls.add(topic(principal, Topics.REGIONAL_EXPORT.name(), AclOperation.READ));
    acls.add(topic(principal, Topics.REGIONAL_EXPORT.deadLetterTopic(), AclOperation.WRITE));
    acls.add(
        allow(principal, ResourceType.TOPIC, "global.", PatternType.PREFIXED, AclOperation.WRITE));
    acls.add(
        allow(
            principal, ResourceType.GROUP, jobName + "-", PatternType.PREFIXED, AclOperation.READ));
    acls.add(
        allow(
            principal,
            ResourceType.TRANSACTIONAL_ID,
            jobName + "+",
            PatternType.PREFIXED,
            AclOperation.WRITE));
    return acls;
  }

  /** Creates the ACLs (an admin's work) and waits until the cluster has them. */
  public static void grant(Admin admin, List<AclBinding> acls) {
    try {
      admin.createAcls(acls).all().get(60, TimeUnit.SECONDS);
      awaitVisible(admin, acls);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating ACLs", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot create ACLs: " + e.getMessage(), e);
    }
  }

  /**
   * Waits until the broker's authorizer answers with every binding. The controller acknowledges new
   * ACLs once committed; brokers apply them a moment later, and a client that connects in between
   * is refused (Kafka Streams treats that as fatal).
   */
  private static void awaitVisible(Admin admin, List<AclBinding> acls)
      throws InterruptedException, ExecutionException, TimeoutException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!admin
        .describeAcls(AclBindingFilter.ANY)
        .values()
        .get(10, TimeUnit.SECONDS)
        .containsAll(acls)) {
      if (System.nanoTime() > deadline) {
        throw new TimeoutException("ACLs not visible on the broker after 60 s");
      }
      Thread.sleep(50);
    }
  }

  private static AclBinding topic(String principal, String topic, AclOperation operation) {
    return allow(principal, ResourceType.TOPIC, topic, PatternType.LITERAL, operation);
  }

  private static AclBinding allow(
      String principal,
      ResourceType type,
      String name,
      PatternType pattern,
      AclOperation operation) {
    return new AclBinding(
        new ResourcePattern(type, name, pattern),
        new AccessControlEntry("User:" + principal, "*", operation, AclPermissionType.ALLOW));
  }
}
