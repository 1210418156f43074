package io.claw.operator.client;

import java.io.ByteArrayInputStream;
import java.io.DataInput;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.core.io.InputDecorator;

/**
 * Takes {@code managedFields} out of every object's metadata in the bytes of a watch event or a
 * response, before Jackson reads them. Skipping the field in Jackson (the mix-in in
 * ManagedFieldsUnread) still tokenizes it, and one of its names is the owner's uid
 * ({@code k:{"uid":"..."}}), different in every Pod: each such name makes the parser copy the
 * client's whole table of field names to add it, and the table then keeps it, growing to
 * thousands of names before Jackson starts it over. Cut out here, the field is neither tokenized
 * nor added. Jackson's input decorator is its hook for this; reading from a Reader (text, not
 * bytes) is left to the mix-in.
 *
 * <p>Only a member named {@code managedFields} whose value is an array, in an object that is the
 * value of a member named {@code metadata}, is cut, with its comma; any other byte is kept as it
 * was, and bytes that are not valid JSON are left for Jackson to report.
 */
final class ManagedFieldsCut extends InputDecorator {

  private static final long serialVersionUID = 1L;
  private static final byte[] METADATA = "metadata".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] MANAGED_FIELDS = "managedFields".getBytes(StandardCharsets.US_ASCII);
  /** Containers nested deeper than this are never taken for metadata (Kubernetes' is at depth 2 to 4). */
  private static final int TRACKED_DEPTH = Long.SIZE;
  /**
   * The first buffer when the stream cannot tell its length. fabric8 hands a watch event over as a
   * byte array in a stream that can, so it is read into one array of its size.
   */
  private static final int MIN_BUFFER = 4096;

  @Override
  public InputStream decorate(IOContext context, InputStream in) throws IOException {
    int available = in.available();
    byte[] json = new byte[available > 0 ? available : MIN_BUFFER];
    int length = 0;
    try (in) { // read whole, as Jackson would have read it to its end and closed it
      while (true) {
        int n = in.read(json, length, json.length - length);
        if (n > 0) {
          length += n;
          continue;
        }
        if (n < 0 || length < json.length) {
          break;
        }
        int next = in.read(); // full: grown only if there is more
        if (next < 0) {
          break;
        }
        json = Arrays.copyOf(json, json.length * 2);
        json[length++] = (byte) next;
      }
    }
    return new ByteArrayInputStream(json, 0, cut(json, length));
  }

  @Override
  public InputStream decorate(IOContext context, byte[] source, int offset, int length) {
    byte[] json = Arrays.copyOfRange(source, offset, offset + length); // the caller's bytes stay as they are
    return new ByteArrayInputStream(json, 0, cut(json, length));
  }

  @Override
  public Reader decorate(IOContext context, Reader reader) {
    return reader;
  }

  @Override
  public DataInput decorate(IOContext context, DataInput input) {
    return input;
  }

  /**
   * Moves the bytes of {@code json[0, length)} down over every metadata.managedFields member and
   * returns the new length.
   */
  static int cut(byte[] json, int length) {
    int read = 0;
    int written = 0;
    int depth = 0;
    long metadataAtDepth = 0; // bit d: the container opened at depth d is a metadata object
    boolean metadataValueNext = false;
    int memberStart = 0; // where the last '{' or ',' ended in the output: a member starts there
    boolean memberAfterComma = false;
    while (read < length) {
      byte b = json[read];
      if (b == '"') {
        int end = endOfString(json, read, length);
        int colon = skipWhitespace(json, end, length);
        boolean key = colon < length && json[colon] == ':';
        if (key && isMetadata(metadataAtDepth, depth) && named(json, read, end, MANAGED_FIELDS)) {
          int value = skipWhitespace(json, colon + 1, length);
          if (value < length && json[value] == '[') {
            int after = endOfValue(json, value, length);
            if (!memberAfterComma) { // the object's first member: its comma, if any, follows it
              int next = skipWhitespace(json, after, length);
              after = next < length && json[next] == ',' ? next + 1 : after;
            }
            written = memberStart;
            read = after;
            continue;
          }
        }
        metadataValueNext = key && named(json, read, end, METADATA);
        written = copy(json, read, end, written);
        read = end;
        continue;
      }
      switch (b) {
        case '{' -> {
          depth++;
          if (metadataValueNext && depth < TRACKED_DEPTH) {
            metadataAtDepth |= 1L << depth;
          }
          metadataValueNext = false;
          memberAfterComma = false;
          memberStart = written + 1;
        }
        case '[' -> {
          depth++;
          metadataValueNext = false;
        }
        case '}', ']' -> {
          if (depth > 0 && depth < TRACKED_DEPTH) {
            metadataAtDepth &= ~(1L << depth);
          }
          depth = Math.max(0, depth - 1);
        }
        case ',' -> {
          memberAfterComma = true;
          memberStart = written;
        }
        case ':', ' ', '\t', '\n', '\r' -> {
        }
        default -> metadataValueNext = false;
      }
      json[written++] = b;
      read++;
    }
    return written;
  }

  private static boolean isMetadata(long metadataAtDepth, int depth) {
    return depth < TRACKED_DEPTH && (metadataAtDepth & (1L << depth)) != 0;
  }

  /** The index after the string that starts with the quote at {@code start}, or length if it does not end. */
  private static int endOfString(byte[] json, int start, int length) {
    int i = start + 1;
    while (i < length) {
      byte b = json[i];
      if (b == '\\') {
        i += 2;
      } else if (b == '"') {
        return i + 1;
      } else {
        i++;
      }
    }
    return length;
  }

  /** The index after the array or object that opens at {@code start}, or length if it does not close. */
  private static int endOfValue(byte[] json, int start, int length) {
    int open = 0;
    int i = start;
    while (i < length) {
      byte b = json[i];
      if (b == '"') {
        i = endOfString(json, i, length);
        continue;
      }
      if (b == '[' || b == '{') {
        open++;
      } else if ((b == ']' || b == '}') && --open == 0) {
        return i + 1;
      }
      i++;
    }
    return length;
  }

  private static int skipWhitespace(byte[] json, int from, int length) {
    int i = from;
    while (i < length && (json[i] == ' ' || json[i] == '\n' || json[i] == '\r' || json[i] == '\t')) {
      i++;
    }
    return i;
  }

  /** Whether the string json[start, end), quotes included, is exactly the given name. */
  private static boolean named(byte[] json, int start, int end, byte[] name) {
    return end - start == name.length + 2 && json[end - 1] == '"'
        && Arrays.equals(json, start + 1, end - 1, name, 0, name.length);
  }

  private static int copy(byte[] json, int from, int to, int written) {
    if (written != from) {
      System.arraycopy(json, from, json, written, to - from);
    }
    return written + (to - from);
  }
}
