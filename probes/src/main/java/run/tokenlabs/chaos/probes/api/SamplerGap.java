package run.tokenlabs.chaos.probes.api;

import java.time.Instant;
import java.util.Optional;

/**
 * A stretch of time in which a target could not be scraped: no values exist for it, which is
 * different from values of 0.
 *
 * @param target the target's name
 * @param from the first failed scrape
 * @param to the next successful scrape, empty while the target is still down
 * @param failures how many scrapes failed in it
 * @param reason the first failure, e.g. {@code ConnectException: Connection refused}
 */
public record SamplerGap(String target, Instant from, Optional<Instant> to, long failures, String reason) {
}
