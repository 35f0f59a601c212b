package run.tokenlabs.chaos.load.api;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import run.tokenlabs.chaos.api.Secret;

/**
 * An OpenAI-compatible server the load is aimed at: its base URL (scheme, host, port, no {@code /v1}),
 * the model name sent with every request, the route, and an optional bearer token.
 *
 * <p>{@code ignoreEos} asks vLLM-style servers to keep generating until {@code max_tokens}, so output
 * lengths are exact; OpenAI itself rejects the field, hence off by default. {@code includeUsage} sends
 * {@code stream_options.include_usage}: the usage chunk is one of the truncation signals, so it is on by
 * default. The token is a {@link Secret}: {@link #toString()} never shows it.
 */
public record Endpoint(
    URI baseUrl, String model, ApiFlavor api, Optional<Secret> bearerToken, boolean ignoreEos,
    boolean includeUsage) {

  public Endpoint {
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(api, "api");
    Objects.requireNonNull(bearerToken, "bearerToken");
    String scheme = baseUrl.getScheme();
    if (!"http".equals(scheme) && !"https".equals(scheme)) {
      throw new IllegalArgumentException(
          "Endpoint base URL must be http or https, was '" + baseUrl + "'; give e.g. http://127.0.0.1:8000");
    }
    if (model.isBlank()) {
      throw new IllegalArgumentException("Endpoint model must not be blank; give the served model name");
    }
  }

  /** A completions endpoint ({@code /v1/completions}) with usage requested and no token. */
  public static Endpoint completions(String baseUrl, String model) {
    return new Endpoint(URI.create(stripSlash(baseUrl)), model, ApiFlavor.COMPLETIONS, Optional.empty(), false, true);
  }

  /** A chat endpoint ({@code /v1/chat/completions}) with usage requested and no token. */
  public static Endpoint chat(String baseUrl, String model) {
    return new Endpoint(URI.create(stripSlash(baseUrl)), model, ApiFlavor.CHAT, Optional.empty(), false, true);
  }

  public Endpoint withBearerToken(Secret token) {
    return new Endpoint(baseUrl, model, api, Optional.of(token), ignoreEos, includeUsage);
  }

  /** Sends {@code ignore_eos} (vLLM, SGLang): the server generates exactly {@code max_tokens}. */
  public Endpoint withIgnoreEos(boolean ignore) {
    return new Endpoint(baseUrl, model, api, bearerToken, ignore, includeUsage);
  }

  public Endpoint withIncludeUsage(boolean include) {
    return new Endpoint(baseUrl, model, api, bearerToken, ignoreEos, include);
  }

  @Override
  public String toString() {
    return "Endpoint[" + baseUrl + api.path() + ", model=" + model
        + (bearerToken.isPresent() ? ", bearer=****" : "") + (ignoreEos ? ", ignore_eos" : "") + "]";
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
