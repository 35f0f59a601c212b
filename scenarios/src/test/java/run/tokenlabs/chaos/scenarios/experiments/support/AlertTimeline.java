package run.tokenlabs.chaos.scenarios.experiments.support;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import run.tokenlabs.chaos.probes.api.AlertFiring;
import run.tokenlabs.chaos.probes.api.AlertFiringBound;

/**
 * When each alert went pending and firing after a fault, against the bound it had to meet, and when the
 * model's series vanished: the data of the alert timeline chart. The report adds the fault, rollback and
 * recovery times from the journal.
 */
public final class AlertTimeline {
  private final Instant faultAt;
  private final List<Fired> fired = new ArrayList<>();
  private Duration vanishedAfter;

  private record Fired(AlertFiringBound bound, AlertFiring firing, Instant seenAt) {}

  public AlertTimeline(Instant faultAt) {
    this.faultAt = faultAt;
  }

  /** An alert fired; returns {@code firing} for the caller to go on with. */
  public AlertFiring fired(AlertFiringBound bound, AlertFiring firing) {
    fired.add(new Fired(bound, firing, Instant.now()));
    return firing;
  }

  /** The series vanished {@code seconds} after the fault. */
  public void seriesVanished(double seconds) {
    vanishedAfter = Duration.ofMillis(Math.round(seconds * 1000));
  }

  /** The chart: a row per alert (pending, firing until the last alert was seen firing, its bound). */
  public ChartEvidence chart(String what) {
    Instant end = fired.stream().map(Fired::seenAt).max(Instant::compareTo).orElse(Instant.now());
    ChartEvidence chart = ChartEvidence.timeline("Alert timeline: " + what).x("time (UTC)", true)
        .y("alert").note("amber pending, red firing; black bar: the bound the alert had to fire by");
    for (Fired f : fired) {
      Instant firingAt = faultAt.plus(f.firing().firingAfter());
      Map<String, double[]> segments = new LinkedHashMap<>();
      f.firing().pendingAfter().ifPresent(p -> segments.put("pending",
          new double[] {ChartEvidence.at(faultAt.plus(p)), ChartEvidence.at(firingAt)}));
      segments.put("firing", new double[] {ChartEvidence.at(firingAt), ChartEvidence.at(end.isAfter(firingAt) ? end
          : firingAt.plusMillis(500))});
      chart.row(f.bound().alert(), segments, ChartEvidence.at(faultAt.plus(f.bound().total())));
    }
    if (vanishedAfter != null) {
      chart.marker("x", ChartEvidence.at(faultAt.plus(vanishedAfter)), "series vanished");
    }
    return chart;
  }
}
