package run.tokenlabs.chaos.load.scaleout;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * An HdrHistogram as text: its compressed encoding ({@link Histogram#encodeIntoCompressedByteBuffer}),
 * base64. Lossless: the decoded histogram has every count of the encoded one, so sums of decoded
 * histograms are exact.
 */
final class HistogramCodec {
  private HistogramCodec() {
  }

  static String encode(Histogram histogram) {
    ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
    int length = histogram.encodeIntoCompressedByteBuffer(buffer);
    return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buffer.array(), length));
  }

  static Histogram decode(String text, String what) {
    try {
      return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(text)), 0);
    } catch (DataFormatException | IllegalArgumentException e) {
      throw new IllegalArgumentException("Histogram " + what + " is not a base64 compressed HdrHistogram ("
          + e.getMessage() + "); it must be what a load worker of the same version published", e);
    }
  }
}
