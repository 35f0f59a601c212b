package run.tokenlabs.chaos.probes.api;

/**
 * Prometheus' {@code /api/v1/status/buildinfo}.
 *
 * @param version e.g. {@code 2.42.0}
 * @param revision the git revision, may be empty
 * @param goVersion the Go version it was built with, may be empty
 */
public record BuildInfo(String version, String revision, String goVersion) {
}
