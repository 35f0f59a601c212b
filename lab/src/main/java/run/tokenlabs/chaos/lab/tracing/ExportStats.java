package run.tokenlabs.chaos.lab.tracing;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What one span exporter did, counted as Envoy's Zipkin tracer counts ({@code tracing.zipkin.*}): spans
 * handed to a report, reports the collector accepted (2xx), reports it answered with another status
 * (dropped), reports that never got an answer (failed), and reports not sent because no collector was
 * there yet (skipped).
 */
public final class ExportStats {
  final AtomicLong spansSent = new AtomicLong();
  final AtomicLong reportsSent = new AtomicLong();
  final AtomicLong reportsDropped = new AtomicLong();
  final AtomicLong reportsFailed = new AtomicLong();
  final AtomicLong reportsSkippedNoCluster = new AtomicLong();

  /** Spans put into a report and sent, accepted or not ({@code spans_sent}). */
  public long spansSent() {
    return spansSent.get();
  }

  /** Reports the collector answered 2xx ({@code reports_sent}). */
  public long reportsSent() {
    return reportsSent.get();
  }

  /** Reports the collector answered with a non-2xx status, e.g. 404 on a wrong path ({@code reports_dropped}). */
  public long reportsDropped() {
    return reportsDropped.get();
  }

  /** Reports that got no answer: refused or broken connection, timeout ({@code reports_failed}). */
  public long reportsFailed() {
    return reportsFailed.get();
  }

  /** Reports not sent because no collector was configured yet ({@code reports_skipped_no_cluster}). */
  public long reportsSkippedNoCluster() {
    return reportsSkippedNoCluster.get();
  }

  @Override
  public String toString() {
    return "spans_sent=" + spansSent() + " reports_sent=" + reportsSent() + " reports_dropped=" + reportsDropped()
        + " reports_failed=" + reportsFailed() + " reports_skipped_no_cluster=" + reportsSkippedNoCluster();
  }
}
