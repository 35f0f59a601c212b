package run.tokenlabs.chaos.probes.api;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One active target of {@code /api/v1/targets}.
 *
 * @param labels the target labels after relabelling ({@code job}, {@code instance}, ...)
 * @param scrapePool the scrape pool (job) name
 * @param scrapeUrl the URL scraped
 * @param health {@code up}, {@code down} or {@code unknown}
 * @param lastError the last scrape error, empty when none
 * @param lastScrape when it was last scraped, if ever
 */
public record ScrapeTarget(Map<String, String> labels, String scrapePool, String scrapeUrl, String health,
                           String lastError, Optional<Instant> lastScrape) {
  public ScrapeTarget {
    labels = Map.copyOf(labels);
    Objects.requireNonNull(scrapePool, "scrapePool");
    Objects.requireNonNull(scrapeUrl, "scrapeUrl");
    Objects.requireNonNull(health, "health");
    Objects.requireNonNull(lastError, "lastError");
    Objects.requireNonNull(lastScrape, "lastScrape");
  }
}
