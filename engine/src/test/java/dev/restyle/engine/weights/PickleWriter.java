package dev.restyle.engine.weights;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * Emits pickle opcodes one by one, for tests that need files as {@code torch.save} writes them.
 * Methods return {@code this} so that a pickle reads top to bottom like a disassembly.
 */
public final class PickleWriter {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final int protocol;
  private int memoSize;

  /** Starts a pickle with a PROTO opcode. */
  public PickleWriter(int protocol) {
    this.protocol = protocol;
    op(0x80).raw(protocol);
  }

  public byte[] bytes() {
    return out.toByteArray();
  }

  public PickleWriter op(int opcode) {
    out.write(opcode);
    return this;
  }

  private PickleWriter raw(int b) {
    out.write(b);
    return this;
  }

  private PickleWriter le(long value, int bytes) {
    for (int i = 0; i < bytes; i++) {
      out.write((int) (value >>> (8 * i)) & 0xff);
    }
    return this;
  }

  public PickleWriter mark() {
    return op('(');
  }

  public PickleWriter tuple() {
    return op('t');
  }

  public PickleWriter emptyTuple() {
    return op(')');
  }

  public PickleWriter emptyDict() {
    return op('}');
  }

  public PickleWriter emptyList() {
    return op(']');
  }

  public PickleWriter setItems() {
    return op('u');
  }

  public PickleWriter appends() {
    return op('e');
  }

  public PickleWriter reduce() {
    return op('R');
  }

  public PickleWriter build() {
    return op('b');
  }

  public PickleWriter persistentId() {
    return op('Q');
  }

  public PickleWriter stop() {
    return op('.');
  }

  public PickleWriter none() {
    return op('N');
  }

  public PickleWriter bool(boolean value) {
    return op(value ? 0x88 : 0x89);
  }

  /** Like Python's pickler: the shortest of BININT1, BININT2, BININT and LONG1. */
  public PickleWriter integer(long value) {
    if (value >= 0 && value < 256) {
      return op('K').raw((int) value);
    }
    if (value >= 0 && value < 65536) {
      return op('M').le(value, 2);
    }
    if (value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE) {
      return op('J').le(value, 4);
    }
    return bigInteger(BigInteger.valueOf(value));
  }

  /** LONG1: a little-endian two's complement integer. */
  public PickleWriter bigInteger(BigInteger value) {
    byte[] bigEndian = value.toByteArray();
    op(0x8a).raw(bigEndian.length);
    for (int i = bigEndian.length - 1; i >= 0; i--) {
      out.write(bigEndian[i]);
    }
    return this;
  }

  /** A str: SHORT_BINUNICODE from protocol 4 on when short, else BINUNICODE. */
  public PickleWriter string(String value) {
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    if (protocol >= 4 && utf8.length < 256) {
      op(0x8c).raw(utf8.length);
    } else {
      op('X').le(utf8.length, 4);
    }
    out.writeBytes(utf8);
    return this;
  }

  /** A Python 2 str, SHORT_BINSTRING. */
  public PickleWriter python2String(String value) {
    byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
    op('U').raw(bytes.length);
    out.writeBytes(bytes);
    return this;
  }

  /** A tuple of the given longs, with TUPLE1-3 for short ones as Python does. */
  public PickleWriter longTuple(long... values) {
    if (values.length == 0) {
      return emptyTuple();
    }
    if (values.length > 3) {
      mark();
    }
    for (long v : values) {
      integer(v);
    }
    return values.length > 3 ? tuple() : op(0x84 + values.length);
  }

  /** GLOBAL (protocol 2) or STACK_GLOBAL (protocol 4 and later). */
  public PickleWriter global(String module, String name) {
    if (protocol >= 4) {
      return string(module).memoize().string(name).memoize().op(0x93);
    }
    op('c');
    out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
    return this;
  }

  /**
   * Stores the top of the stack in the memo (BINPUT or LONG_BINPUT, MEMOIZE from protocol 4 on)
   * under index {@link #nextMemo()}.
   */
  public PickleWriter memoize() {
    if (protocol >= 4) {
      op(0x94);
    } else if (memoSize < 256) {
      op('q').raw(memoSize);
    } else {
      op('r').le(memoSize, 4);
    }
    memoSize++;
    return this;
  }

  /** Memo index the next {@link #memoize()} will use. */
  public int nextMemo() {
    return memoSize;
  }

  /** Pushes a memoized value again (BINGET or LONG_BINGET). */
  public PickleWriter get(int index) {
    return index < 256 ? op('h').raw(index) : op('j').le(index, 4);
  }

  /** FRAME with the given length hint (protocol 4). */
  public PickleWriter frame(long length) {
    return op(0x95).le(length, 8);
  }
}
