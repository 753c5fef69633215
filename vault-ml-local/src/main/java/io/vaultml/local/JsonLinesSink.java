package io.vaultml.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vaultml.api.DeadLetter;
import io.vaultml.api.DeadLetterSink;
import io.vaultml.api.Forwarder;
import io.vaultml.api.ResultMessage;
import io.vaultml.api.RetriableException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Base64;

/**
 * Appends one JSON document per line to a file, or to standard output. A write to a file is forced to disk before
 * {@link #forward}/{@link #deadLetter} return, so the event is committed only after its line is durable.
 *
 * <p>Dead-letter lines carry the reason, stage, exception class, attempt and the original message (as text when
 * it is UTF-8, else base64).
 */
public final class JsonLinesSink implements Forwarder, DeadLetterSink {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String description;
    private final FileChannel file;
    private final PrintStream stream;

    private JsonLinesSink(String description, FileChannel file, PrintStream stream) {
        this.description = description;
        this.file = file;
        this.stream = stream;
    }

    /** {@code -} means standard output. */
    public static JsonLinesSink open(String target) {
        if (target.equals("-")) {
            return new JsonLinesSink("standard output", null, System.out);
        }
        return toFile(Path.of(target));
    }

    public static JsonLinesSink toFile(Path path) {
        try {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
            return new JsonLinesSink("file " + path, channel, null);
        } catch (IOException e) {
            throw new io.vaultml.api.ConfigException("Cannot open " + path + " for appending: " + e.getMessage());
        }
    }

    /** Wraps any stream (tests). */
    public static JsonLinesSink toStream(OutputStream out) {
        return new JsonLinesSink("stream", null, new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    @Override
    public void forward(ResultMessage message) {
        writeLine(message.body());
    }

    @Override
    public void deadLetter(DeadLetter entry) {
        ObjectNode line = JSON.createObjectNode();
        line.put("deadLetter", true);
        line.put("key", entry.recordingKey());
        line.put("stage", entry.stage());
        line.put("reason", entry.reason());
        line.put("exception", entry.exceptionClass());
        line.put("deliveryId", entry.delivery().id());
        line.put("attempt", entry.delivery().attempt());
        byte[] payload = entry.delivery().payload();
        try {
            line.put("message", StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(payload)).toString());
        } catch (CharacterCodingException e) {
            line.put("messageBase64", Base64.getEncoder().encodeToString(payload));
        }
        try {
            writeLine(JSON.writeValueAsBytes(line));
        } catch (IOException e) {
            throw new IllegalStateException("a JSON tree must serialise", e);
        }
    }

    private synchronized void writeLine(byte[] json) {
        byte[] line = new byte[json.length + 1];
        System.arraycopy(json, 0, line, 0, json.length);
        line[json.length] = '\n';
        if (stream != null) {
            stream.write(line, 0, line.length);
            stream.flush();
            if (stream.checkError()) {
                throw new RetriableException("writing to " + description + " failed");
            }
            return;
        }
        try {
            ByteBuffer buffer = ByteBuffer.wrap(line);
            while (buffer.hasRemaining()) {
                file.write(buffer);
            }
            file.force(false);
        } catch (IOException e) {
            throw new RetriableException("writing to " + description + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return "JSON lines to " + description;
    }

    @Override
    public synchronized void close() {
        if (file != null && file.isOpen()) {
            try {
                file.close();
            } catch (IOException ignored) {
                // every line was forced already
            }
        }
    }
}
