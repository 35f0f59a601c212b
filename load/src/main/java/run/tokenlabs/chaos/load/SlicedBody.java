package run.tokenlabs.chaos.load;

import java.io.IOException;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okio.BufferedSink;

/**
 * A request body made of slices of byte arrays that prompts share between requests, written to the socket one
 * after another and never assembled into one array: a long shared prompt costs no copy per request.
 */
final class SlicedBody extends RequestBody {
  private final MediaType type;
  private final byte[][] arrays;
  private final int[] offsets;
  private final int[] lengths;
  private final long length;

  private SlicedBody(MediaType type, byte[][] arrays, int[] offsets, int[] lengths) {
    this.type = type;
    this.arrays = arrays;
    this.offsets = offsets;
    this.lengths = lengths;
    long total = 0;
    for (int length : lengths) {
      total += length;
    }
    this.length = total;
  }

  /** The whole of each array, in order. */
  static SlicedBody of(MediaType type, byte[]... arrays) {
    int[] offsets = new int[arrays.length];
    int[] lengths = new int[arrays.length];
    for (int i = 0; i < arrays.length; i++) {
      lengths[i] = arrays[i].length;
    }
    return new SlicedBody(type, arrays, offsets, lengths);
  }

  /** A builder for bodies that take part of an array: {@code slice(array, offset, length)} in order. */
  static Builder builder(MediaType type, int slices) {
    return new Builder(type, slices);
  }

  @Override
  public MediaType contentType() {
    return type;
  }

  @Override
  public long contentLength() {
    return length;
  }

  @Override
  public void writeTo(BufferedSink sink) throws IOException {
    for (int i = 0; i < arrays.length; i++) {
      sink.write(arrays[i], offsets[i], lengths[i]);
    }
  }

  /** The slices as buffers over the shared arrays, in order, for a gathering write: nothing is copied. */
  java.nio.ByteBuffer[] byteBuffers() {
    var buffers = new java.nio.ByteBuffer[arrays.length];
    for (int i = 0; i < arrays.length; i++) {
      buffers[i] = java.nio.ByteBuffer.wrap(arrays[i], offsets[i], lengths[i]).asReadOnlyBuffer();
    }
    return buffers;
  }

  /** Slices in the order they are added; exactly as many as announced. */
  static final class Builder {
    private final MediaType type;
    private final byte[][] arrays;
    private final int[] offsets;
    private final int[] lengths;
    private int next;

    private Builder(MediaType type, int slices) {
      this.type = type;
      this.arrays = new byte[slices][];
      this.offsets = new int[slices];
      this.lengths = new int[slices];
    }

    Builder slice(byte[] array, int offset, int length) {
      if (offset < 0 || length < 0 || offset + length > array.length) {
        throw new IndexOutOfBoundsException("slice " + offset + "+" + length + " of an array of " + array.length);
      }
      arrays[next] = array;
      offsets[next] = offset;
      lengths[next] = length;
      next++;
      return this;
    }

    Builder all(byte[] array) {
      return slice(array, 0, array.length);
    }

    SlicedBody build() {
      if (next != arrays.length) {
        throw new IllegalStateException(next + " slices added, " + arrays.length + " announced");
      }
      return new SlicedBody(type, arrays, offsets, lengths);
    }
  }
}
