package io.vaultml.vision.onnx.models;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A protobuf message read without its schema: an ordered list of field occurrences. Length-delimited fields stay
 * bytes until {@link #messages(int)} parses them into child messages, which are then written back on
 * {@link #toBytes()}. Just enough to edit ONNX models (whose field numbers {@link OnnxModels} names) without
 * pulling protobuf and the ONNX schema into the build.
 */
final class ProtoMessage {
    private static final int VARINT = 0;
    private static final int FIXED64 = 1;
    private static final int LENGTH_DELIMITED = 2;
    private static final int FIXED32 = 5;

    /** One occurrence of a field: {@code value} is a Long, a byte[] or (once parsed) a ProtoMessage. */
    private static final class Field {
        final int number;
        final int wireType;
        Object value;

        Field(int number, int wireType, Object value) {
            this.number = number;
            this.wireType = wireType;
            this.value = value;
        }
    }

    private final List<Field> fields = new ArrayList<>();

    ProtoMessage() {
    }

    static ProtoMessage parse(byte[] data) {
        ProtoMessage message = new ProtoMessage();
        int[] at = {0};
        while (at[0] < data.length) {
            long tag = readVarint(data, at);
            int number = (int) (tag >>> 3);
            int wireType = (int) (tag & 7);
            Object value = switch (wireType) {
                case VARINT -> readVarint(data, at);
                case FIXED64 -> readFixed(data, at, 8);
                case FIXED32 -> readFixed(data, at, 4);
                case LENGTH_DELIMITED -> {
                    int length = (int) readVarint(data, at);
                    if (length < 0 || at[0] + length > data.length) {
                        throw new IllegalArgumentException("truncated protobuf field " + number);
                    }
                    byte[] bytes = java.util.Arrays.copyOfRange(data, at[0], at[0] + length);
                    at[0] += length;
                    yield bytes;
                }
                default -> throw new IllegalArgumentException("unsupported protobuf wire type " + wireType);
            };
            message.fields.add(new Field(number, wireType, value));
        }
        return message;
    }

    byte[] toBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Field f : fields) {
            writeVarint(out, ((long) f.number << 3) | f.wireType);
            switch (f.wireType) {
                case VARINT -> writeVarint(out, (Long) f.value);
                case FIXED64 -> writeFixed(out, (Long) f.value, 8);
                case FIXED32 -> writeFixed(out, (Long) f.value, 4);
                default -> {
                    byte[] bytes = f.value instanceof ProtoMessage m ? m.toBytes() : (byte[]) f.value;
                    writeVarint(out, bytes.length);
                    out.writeBytes(bytes);
                }
            }
        }
        return out.toByteArray();
    }

    /** The occurrences of a message field, parsed; edits to them are kept. */
    List<ProtoMessage> messages(int number) {
        List<ProtoMessage> out = new ArrayList<>();
        for (Field f : fields) {
            if (f.number == number) {
                if (f.value instanceof byte[] bytes) {
                    f.value = parse(bytes);
                }
                out.add((ProtoMessage) f.value);
            }
        }
        return out;
    }

    ProtoMessage message(int number) {
        List<ProtoMessage> all = messages(number);
        if (all.isEmpty()) {
            throw new IllegalArgumentException("protobuf message has no field " + number);
        }
        return all.get(0);
    }

    List<String> strings(int number) {
        List<String> out = new ArrayList<>();
        for (Field f : fields) {
            if (f.number == number) {
                out.add(new String((byte[]) f.value, StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    String string(int number) {
        List<String> all = strings(number);
        return all.isEmpty() ? "" : all.get(0);
    }

    byte[] bytes(int number) {
        for (Field f : fields) {
            if (f.number == number) {
                return (byte[]) f.value;
            }
        }
        return null;
    }

    /** A repeated integer field, packed or not. */
    List<Long> longs(int number) {
        List<Long> out = new ArrayList<>();
        for (Field f : fields) {
            if (f.number != number) {
                continue;
            }
            if (f.value instanceof Long v) {
                out.add(v);
            } else {
                byte[] packed = (byte[]) f.value;
                int[] at = {0};
                while (at[0] < packed.length) {
                    out.add(readVarint(packed, at));
                }
            }
        }
        return out;
    }

    long longValue(int number, long otherwise) {
        List<Long> all = longs(number);
        return all.isEmpty() ? otherwise : all.get(0);
    }

    /** Replaces the string at {@code index} among the occurrences of field {@code number}. */
    void setString(int number, int index, String value) {
        int seen = 0;
        for (Field f : fields) {
            if (f.number == number && seen++ == index) {
                f.value = value.getBytes(StandardCharsets.UTF_8);
                return;
            }
        }
        throw new IndexOutOfBoundsException("field " + number + " has no occurrence " + index);
    }

    ProtoMessage addString(int number, String value) {
        fields.add(new Field(number, LENGTH_DELIMITED, value.getBytes(StandardCharsets.UTF_8)));
        return this;
    }

    ProtoMessage addBytes(int number, byte[] value) {
        fields.add(new Field(number, LENGTH_DELIMITED, value));
        return this;
    }

    ProtoMessage addLong(int number, long value) {
        fields.add(new Field(number, VARINT, value));
        return this;
    }

    ProtoMessage addFloat(int number, float value) {
        fields.add(new Field(number, FIXED32, (long) Float.floatToIntBits(value) & 0xffffffffL));
        return this;
    }

    ProtoMessage addMessage(int number, ProtoMessage value) {
        fields.add(new Field(number, LENGTH_DELIMITED, value));
        return this;
    }

    void remove(int number) {
        fields.removeIf(f -> f.number == number);
    }

    void remove(int number, ProtoMessage child) {
        fields.removeIf(f -> f.number == number && f.value == child);
    }

    private static long readVarint(byte[] data, int[] at) {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (at[0] >= data.length) {
                throw new IllegalArgumentException("truncated protobuf varint");
            }
            byte b = data[at[0]++];
            result |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new IllegalArgumentException("malformed protobuf varint");
    }

    private static long readFixed(byte[] data, int[] at, int size) {
        long v = 0;
        for (int i = 0; i < size; i++) {
            v |= (long) (data[at[0]++] & 0xff) << (8 * i);
        }
        return v;
    }

    private static void writeVarint(ByteArrayOutputStream out, long value) {
        while ((value & ~0x7fL) != 0) {
            out.write((int) ((value & 0x7f) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }

    private static void writeFixed(ByteArrayOutputStream out, long value, int size) {
        for (int i = 0; i < size; i++) {
            out.write((int) (value >>> (8 * i)) & 0xff);
        }
    }
}
