package dev.restyle.engine.weights;

import dev.restyle.engine.network.CorruptFileException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small, safe virtual machine for Python pickles (protocols 2 to 5, the opcodes that {@code
 * torch.save} emits for state dicts).
 *
 * <p>Nothing is ever instantiated by name: a {@code GLOBAL} resolves only through the whitelist
 * given to the constructor, and anything else fails with a {@link CorruptFileException}. Python
 * values map to Java as follows: {@code str} to {@link String}, {@code int} to {@link Long} (or
 * {@link BigInteger} when it does not fit), {@code float} to {@link Double}, {@code bool} to {@link
 * Boolean}, {@code None} to {@code null}, {@code bytes} to {@code byte[]}, {@code list} to a
 * mutable {@link List}, {@code tuple} to an unmodifiable {@link List} and {@code dict} to a {@link
 * LinkedHashMap}.
 *
 * <p>The machine reads exactly up to and including the {@code STOP} opcode, so several pickles
 * written one after another (as in PyTorch's legacy format) can be read from one stream.
 */
final class Unpickler {
  /** Longest string, bytes or big integer accepted, a guard against absurd lengths. */
  private static final long MAX_LENGTH = 1L << 28;

  private static final int HIGHEST_PROTOCOL = 5;

  /** A whitelisted Python callable, applied by {@code REDUCE} or {@code NEWOBJ}. */
  @FunctionalInterface
  interface Callable {
    Object call(List<Object> args) throws CorruptFileException;
  }

  /** Resolves the persistent ids of {@code BINPERSID} (PyTorch's references to storages). */
  @FunctionalInterface
  interface PersistentLoader {
    Object load(Object persistentId) throws CorruptFileException;
  }

  private final InputStream in;
  private final Path source;
  private final Map<String, Object> globals;
  private final PersistentLoader persistentLoader;
  private final List<Object> stack = new ArrayList<>();
  private final List<Integer> marks = new ArrayList<>();
  private final Map<Long, Object> memo = new HashMap<>();
  private long position;

  /**
   * @param in the stream, positioned at the first opcode of a pickle
   * @param source the file being read, for error messages
   * @param globals the only globals allowed, keyed by {@code module.name}
   * @param persistentLoader resolves persistent ids
   */
  Unpickler(
      InputStream in, Path source, Map<String, Object> globals, PersistentLoader persistentLoader) {
    this.in = in;
    this.source = source;
    this.globals = globals;
    this.persistentLoader = persistentLoader;
  }

  /** An unpickler that allows no globals and no persistent ids: plain Python data only. */
  static Unpickler plain(InputStream in, Path source) {
    return new Unpickler(
        in,
        source,
        Map.of(),
        pid -> {
          throw new CorruptFileException(source, "unexpected persistent id " + pid);
        });
  }

  /** Runs the machine up to {@code STOP} and returns the object on top of the stack. */
  Object load() throws IOException {
    while (true) {
      long at = position;
      int op = readByte();
      switch (op) {
        case 0x80 -> { // PROTO
          int protocol = readByte();
          if (protocol > HIGHEST_PROTOCOL) {
            throw corrupt("unsupported pickle protocol " + protocol);
          }
        }
        case 0x95 -> readLong64(); // FRAME: a length hint only
        case '.' -> { // STOP
          Object result = pop();
          if (!stack.isEmpty() || !marks.isEmpty()) {
            throw corrupt("pickle ends with values left on the stack");
          }
          return result;
        }
        case '(' -> marks.add(stack.size()); // MARK
        case '0' -> pop(); // POP
        case '1' -> popMark(); // POP_MARK
        case '2' -> push(peek()); // DUP
        case '}' -> push(new LinkedHashMap<>()); // EMPTY_DICT
        case ']' -> push(new ArrayList<>()); // EMPTY_LIST
        case ')' -> push(Collections.emptyList()); // EMPTY_TUPLE
        case 'd' -> push(toDict(popMark())); // DICT
        case 'l' -> push(new ArrayList<>(popMark())); // LIST
        case 't' -> push(tuple(popMark())); // TUPLE
        case 0x85 -> push(tuple(popN(1))); // TUPLE1
        case 0x86 -> push(tuple(popN(2))); // TUPLE2
        case 0x87 -> push(tuple(popN(3))); // TUPLE3
        case 'X' -> push(utf8(readLength(readInt32()))); // BINUNICODE
        case 0x8c -> push(utf8(readByte())); // SHORT_BINUNICODE
        case 0x8d -> push(utf8(readLength(readLong64()))); // BINUNICODE8
        case 'T' -> push(utf8(readLength(readInt32()))); // BINSTRING (Python 2 str)
        case 'U' -> push(utf8(readByte())); // SHORT_BINSTRING (Python 2 str)
        case 'B' -> push(readBytes(readLength(readInt32()))); // BINBYTES
        case 'C' -> push(readBytes(readByte())); // SHORT_BINBYTES
        case 0x8e -> push(readBytes(readLength(readLong64()))); // BINBYTES8
        case 'c' -> push(global(readLine(), readLine())); // GLOBAL
        case 0x93 -> { // STACK_GLOBAL
          String name = popString();
          push(global(popString(), name));
        }
        case 'Q' -> push(persistentLoader.load(pop())); // BINPERSID
        case 'J' -> push((long) readInt32()); // BININT
        case 'K' -> push((long) readByte()); // BININT1
        case 'M' -> push((long) (readByte() | readByte() << 8)); // BININT2
        case 0x8a -> push(readLong(readByte())); // LONG1
        case 0x8b -> push(readLong(readLength(readInt32()))); // LONG4
        case 0x88 -> push(Boolean.TRUE); // NEWTRUE
        case 0x89 -> push(Boolean.FALSE); // NEWFALSE
        case 'N' -> push(null); // NONE
        case 'G' -> push(Double.longBitsToDouble(Long.reverseBytes(readLong64()))); // BINFLOAT
        case 'R', 0x81 -> { // REDUCE, NEWOBJ
          List<Object> args = asTuple(pop());
          push(call(pop(), args));
        }
        case 'b' -> build(pop(), peek()); // BUILD
        case 's' -> { // SETITEM
          Object value = pop();
          Object key = pop();
          asDict(peek()).put(key, value);
        }
        case 'u' -> { // SETITEMS
          List<Object> items = popMark();
          putAll(asDict(peek()), items);
        }
        case 'a' -> { // APPEND
          Object value = pop();
          asList(peek()).add(value);
        }
        case 'e' -> { // APPENDS
          List<Object> items = popMark();
          asList(peek()).addAll(items);
        }
        case 'q' -> memo.put((long) readByte(), peek()); // BINPUT
        case 'r' -> memo.put(readInt32() & 0xffffffffL, peek()); // LONG_BINPUT
        case 0x94 -> memo.put((long) memo.size(), peek()); // MEMOIZE
        case 'h' -> push(memoGet(readByte())); // BINGET
        case 'j' -> push(memoGet(readInt32() & 0xffffffffL)); // LONG_BINGET
        default ->
            throw corrupt(
                String.format(
                    "unsupported pickle opcode 0x%02x at byte %d (not a PyTorch state dict?)",
                    op, at));
      }
    }
  }

  private Object global(String module, String name) throws CorruptFileException {
    String qualified = module + "." + name;
    if (!globals.containsKey(qualified)) {
      throw corrupt(
          "refusing to load the Python global '"
              + qualified
              + "': only plain tensors of a state dict are allowed");
    }
    return globals.get(qualified);
  }

  private Object call(Object callable, List<Object> args) throws CorruptFileException {
    if (callable instanceof Callable c) {
      return c.call(args);
    }
    throw corrupt("pickle calls a value that is not callable: " + describe(callable));
  }

  /**
   * {@code BUILD} sets an object's attributes. The only such object in a state dict is the
   * container itself ({@code OrderedDict._metadata}, the modules' versions), which is not needed.
   */
  private void build(Object state, Object target) throws CorruptFileException {
    if (!(target instanceof Map)) {
      throw corrupt("pickle sets the state of an unsupported object: " + describe(target));
    }
  }

  private Map<Object, Object> toDict(List<Object> items) throws CorruptFileException {
    Map<Object, Object> dict = new LinkedHashMap<>();
    putAll(dict, items);
    return dict;
  }

  private void putAll(Map<Object, Object> dict, List<Object> items) throws CorruptFileException {
    if (items.size() % 2 != 0) {
      throw corrupt("odd number of values for a dict");
    }
    for (int i = 0; i < items.size(); i += 2) {
      dict.put(items.get(i), items.get(i + 1));
    }
  }

  private static List<Object> tuple(List<Object> items) {
    return Collections.unmodifiableList(new ArrayList<>(items));
  }

  private Object memoGet(long index) throws CorruptFileException {
    if (!memo.containsKey(index)) {
      throw corrupt("pickle refers to unknown memo entry " + index);
    }
    return memo.get(index);
  }

  private void push(Object value) {
    stack.add(value);
  }

  private Object peek() throws CorruptFileException {
    int floor = marks.isEmpty() ? 0 : marks.get(marks.size() - 1);
    if (stack.size() <= floor) {
      throw corrupt("pickle stack underflow");
    }
    return stack.get(stack.size() - 1);
  }

  private Object pop() throws CorruptFileException {
    Object top = peek();
    stack.remove(stack.size() - 1);
    return top;
  }

  private List<Object> popN(int n) throws CorruptFileException {
    int floor = marks.isEmpty() ? 0 : marks.get(marks.size() - 1);
    if (stack.size() - n < floor) {
      throw corrupt("pickle stack underflow");
    }
    return popFrom(stack.size() - n);
  }

  private List<Object> popMark() throws CorruptFileException {
    if (marks.isEmpty()) {
      throw corrupt("pickle uses a mark that was never set");
    }
    return popFrom(marks.remove(marks.size() - 1));
  }

  private List<Object> popFrom(int start) {
    List<Object> top = stack.subList(start, stack.size());
    List<Object> items = new ArrayList<>(top);
    top.clear();
    return items;
  }

  private String popString() throws CorruptFileException {
    if (pop() instanceof String s) {
      return s;
    }
    throw corrupt("STACK_GLOBAL needs strings");
  }

  @SuppressWarnings("unchecked") // pickled dicts are only ever created here, as Map<Object, Object>
  private Map<Object, Object> asDict(Object value) throws CorruptFileException {
    if (value instanceof Map<?, ?>) {
      return (Map<Object, Object>) value;
    }
    throw corrupt("expected a dict, found " + describe(value));
  }

  @SuppressWarnings("unchecked") // pickled lists are only ever created here, as List<Object>
  private List<Object> asList(Object value) throws CorruptFileException {
    if (value instanceof ArrayList<?>) {
      return (List<Object>) value;
    }
    throw corrupt("expected a list, found " + describe(value));
  }

  @SuppressWarnings("unchecked") // pickled tuples are only ever created here, as List<Object>
  private List<Object> asTuple(Object value) throws CorruptFileException {
    if (value instanceof List<?>) {
      return (List<Object>) value;
    }
    throw corrupt("expected a tuple of arguments, found " + describe(value));
  }

  private static String describe(Object value) {
    return value == null ? "None" : value.getClass().getSimpleName();
  }

  private int readByte() throws IOException {
    int b = in.read();
    if (b < 0) {
      throw corrupt("file is truncated (pickle ends at byte " + position + " without STOP)");
    }
    position++;
    return b;
  }

  private int readInt32() throws IOException {
    return readByte() | readByte() << 8 | readByte() << 16 | readByte() << 24;
  }

  private long readLong64() throws IOException {
    long value = 0;
    for (int i = 0; i < 8; i++) {
      value |= (long) readByte() << (8 * i);
    }
    return value;
  }

  private int readLength(long length) throws CorruptFileException {
    if (length < 0 || length > MAX_LENGTH) {
      throw corrupt("implausible length " + length + " at byte " + position);
    }
    return (int) length;
  }

  private byte[] readBytes(int n) throws IOException {
    byte[] bytes = in.readNBytes(n);
    position += bytes.length;
    if (bytes.length != n) {
      throw corrupt("file is truncated (inside a pickle, at byte " + position + ")");
    }
    return bytes;
  }

  private String utf8(int n) throws IOException {
    return new String(readBytes(n), StandardCharsets.UTF_8);
  }

  private String readLine() throws IOException {
    StringBuilder line = new StringBuilder();
    for (int b = readByte(); b != '\n'; b = readByte()) {
      if (line.length() > 1024) {
        throw corrupt("implausibly long global name");
      }
      line.append((char) b);
    }
    return line.toString();
  }

  /** A little-endian two's complement integer of {@code n} bytes, as LONG1 and LONG4 store. */
  private Object readLong(int n) throws IOException {
    byte[] littleEndian = readBytes(n);
    if (n == 0) {
      return 0L;
    }
    byte[] bigEndian = new byte[n];
    for (int i = 0; i < n; i++) {
      bigEndian[i] = littleEndian[n - 1 - i];
    }
    BigInteger value = new BigInteger(bigEndian);
    if (value.bitLength() < 64) {
      return value.longValue();
    }
    return value;
  }

  private CorruptFileException corrupt(String reason) {
    return new CorruptFileException(source, reason);
  }
}
