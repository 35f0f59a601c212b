package run.tokenlabs.chaos.api.spi;

import io.fabric8.kubernetes.client.vertx5.Vertx5HttpClientFactory;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.ext.web.client.WebClientOptions;

/**
 * fabric8's Vert.x HTTP client with a bound on WebSocket messages: a watch over a WebSocket receives
 * one event per message, which Vert.x would otherwise assemble up to 2 GiB. A message over the bound
 * closes the WebSocket with an error instead.
 */
final class BoundedVertxFactory extends Vertx5HttpClientFactory {
  private final int maxMessageBytes;

  BoundedVertxFactory(long maxMessageBytes) {
    this.maxMessageBytes = (int) Math.min(Integer.MAX_VALUE, maxMessageBytes);
  }

  @Override
  protected void additionalConfig(WebClientOptions options, WebSocketClientOptions webSocket, PoolOptions pool) {
    webSocket.setMaxMessageSize(maxMessageBytes);
    webSocket.setMaxFrameSize(maxMessageBytes);
  }
}
