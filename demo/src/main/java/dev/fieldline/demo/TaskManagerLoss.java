package dev.fieldline.demo;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;

/**
 * The global job's only TaskManager is terminated; a new one is started and the job must restart
 * from its last completed checkpoint and complete a new one.
 */
final class TaskManagerLoss implements ChaosFault {
  private final ChaosPipeline pipeline;
  private long checkpointsBefore;

  TaskManagerLoss(ChaosPipeline pipeline) {
    this.pipeline = pipeline;
  }

  @Override
  public String name() {
    return "Flink TaskManager lost, job restarted from checkpoint";
  }

  @Override
  public void inject() throws Exception {
    checkpointsBefore = completedCheckpoints(graph());
    pipeline.flink.terminateTaskManager(0).get(30, TimeUnit.SECONDS);
  }

  @Override
  public Duration outage() {
    return Duration.ZERO;
  }

  @Override
  public void lift() throws Exception {
    pipeline.flink.startTaskManager();
  }

  /** Running again, and a checkpoint completed after the failure. */
  @Override
  public boolean recovered() throws Exception {
    AccessExecutionGraph graph = graph();
    return graph.getState() == JobStatus.RUNNING
        && graph.getStatusTimestamp(JobStatus.RESTARTING) > 0
        && completedCheckpoints(graph) > checkpointsBefore;
  }

  @Override
  public String status() throws Exception {
    AccessExecutionGraph graph = graph();
    return "job "
        + graph.getState()
        + ", restarted "
        + (graph.getStatusTimestamp(JobStatus.RESTARTING) > 0)
        + ", checkpoints completed "
        + completedCheckpoints(graph)
        + " (before the fault "
        + checkpointsBefore
        + ")";
  }

  private AccessExecutionGraph graph() throws Exception {
    return pipeline.flink.getExecutionGraph(pipeline.job).get(10, TimeUnit.SECONDS);
  }

  private static long completedCheckpoints(AccessExecutionGraph graph) {
    var stats = graph.getCheckpointStatsSnapshot();
    return stats == null ? 0 : stats.getCounts().getNumberOfCompletedCheckpoints();
  }
}
