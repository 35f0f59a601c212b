package run.tokenlabs.chaos.probes.api;

import java.time.Instant;

/**
 * What the direct sampler saw of one series in one phase. Only successful scrapes contribute: a
 * target that was down leaves a {@link SamplerGap}, never a zero.
 *
 * @param target the target's name (e.g. the model)
 * @param series the series id, {@code name{labels}}
 * @param phase the phase name ({@code baseline}, {@code fault}, ...)
 * @param count how many samples
 * @param min the smallest value (NaN samples are counted but excluded from min, max and mean)
 * @param max the peak
 * @param mean the arithmetic mean over samples
 * @param peakAt when the peak was first seen
 * @param first the first sample's time
 * @param last the last sample's time
 */
public record SeriesStats(String target, String series, String phase, long count, double min, double max, double mean,
                          Instant peakAt, Instant first, Instant last) {
}
