package run.tokenlabs.chaos.probes.api;

import java.time.Instant;

/**
 * One Kubernetes event.
 *
 * @param time the latest time it happened (lastTimestamp, eventTime or creation time)
 * @param type {@code Normal} or {@code Warning}
 * @param reason e.g. {@code Killing}, {@code BackOff}, {@code FailedScheduling}
 * @param object the involved object as {@code Kind/name}
 * @param message the event's message
 * @param count how often it happened (1 when not reported)
 */
public record ClusterEvent(Instant time, String type, String reason, String object, String message, int count) {
  @Override
  public String toString() {
    return time + " " + type + " " + reason + " " + object + ": " + message + (count > 1 ? " (x" + count + ")" : "");
  }
}
