package run.tokenlabs.chaos.engine.config;

import run.tokenlabs.chaos.api.ChaosConfigException;

/**
 * A configuration value that cannot be used; the message names key, origin, value and accepted form.
 * Every message passes through {@link UrlRedaction}, so a URL's password never prints.
 */
final class ConfigException extends ChaosConfigException {
  private static final long serialVersionUID = 1L;

  ConfigException(String message) {
    super(UrlRedaction.redact(message));
  }

  ConfigException(String message, Throwable cause) {
    super(UrlRedaction.redact(message), cause);
  }
}
