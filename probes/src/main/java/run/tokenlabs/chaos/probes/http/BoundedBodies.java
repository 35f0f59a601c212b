package run.tokenlabs.chaos.probes.http;

import java.io.IOException;
import okhttp3.ResponseBody;
import okio.BufferedSource;

/**
 * Reads a response body whole, but never more than a bound: what a foreign server sends cannot
 * exhaust the heap. A declared {@code Content-Length} over the bound fails before reading; otherwise
 * reading stops one byte past the bound (a compressed body is counted after decompression).
 */
public final class BoundedBodies {
  private BoundedBodies() {
  }

  /**
   * The body as UTF-8 text.
   *
   * @throws BodyTooLargeException when the body is longer than {@code maxBytes}
   */
  public static String readUtf8(ResponseBody body, long maxBytes) throws IOException {
    long declared = body.contentLength();
    if (declared > maxBytes) {
      throw new BodyTooLargeException(maxBytes, "declares " + declared + " bytes");
    }
    BufferedSource source = body.source();
    if (source.request(maxBytes + 1)) {
      throw new BodyTooLargeException(maxBytes, "went past it");
    }
    return source.getBuffer().readUtf8();
  }

  /** A body longer than the reader's bound; the message names the bound. */
  public static final class BodyTooLargeException extends IOException {
    private static final long serialVersionUID = 1L;
    private final long bound;

    BodyTooLargeException(long bound, String seen) {
      super("the answer is larger than the bound of " + bound + " bytes (it " + seen + ")");
      this.bound = bound;
    }

    /** The bound it broke, in bytes. */
    public long bound() {
      return bound;
    }
  }
}
