package run.tokenlabs.chaos.engine.config;

/**
 * One raw configuration value with where it came from, so that errors can name the origin.
 *
 * @param key dotted key, e.g. {@code prometheus.url}
 * @param text the value as text (lists already comma-joined for system properties)
 * @param node the YAML node when it came from the file, else {@code null}
 * @param origin e.g. {@code tokenlabs-chaos.yaml:7} or {@code system property tokenlabs.chaos.prometheus.url}
 */
record ConfigValue(String key, String text, com.fasterxml.jackson.databind.JsonNode node, String origin) {

  ConfigException invalid(String problem, String acceptedForm) {
    return new ConfigException(key + ": " + problem + " (value '" + text + "' from " + origin + "); " + acceptedForm);
  }
}
