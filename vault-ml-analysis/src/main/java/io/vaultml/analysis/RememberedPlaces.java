package io.vaultml.analysis;

import io.vaultml.api.BoundingBox;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * The places one camera remembers, and their text in a {@link io.vaultml.api.StationaryStore}: a version line, then
 * one line per place, {@code kind x1 y1 x2 y2 recordings lastSeen counted}, the box normalised to the frame, the
 * kind URL-encoded (labels may hold spaces), {@code counted} the last recordings counted there, each as
 * {@code hash:n}, n being the place's count once that recording was counted. Text that does not parse (written by
 * another version, or damaged) or is larger than {@value #MOST_CHARACTERS} characters is read as nothing
 * remembered, never as a failure; a place seen in the future (a damaged time, a clock far ahead) is dropped.
 */
final class RememberedPlaces {
    static final String VERSION = "vault-ml-places 1";
    /** At most this many places per camera, the least recently seen forgotten first (a line is about 80 bytes). */
    static final int PER_CAMERA = 256;
    /** How many recordings a place remembers having counted, so a redelivered one is not counted again. */
    static final int COUNTED = 8;
    /** Text longer than this was not written by this code (256 places of about 200 characters): ignored. */
    static final int MOST_CHARACTERS = 128 * 1024;
    private static final java.util.regex.Pattern COUNTED_ENTRY = java.util.regex.Pattern.compile("[0-9a-f]{1,16}:\\d{1,9}");

    static final class Place {
        final String kind;
        BoundingBox box;
        int recordings;
        long lastSeen;
        /** {@code hash:n} of the last recordings counted here. */
        final Deque<String> counted = new ArrayDeque<>();

        Place(String kind, BoundingBox box) {
            this.kind = kind;
            this.box = box;
        }

        /**
         * Counts {@code recording} here once, however often it is analysed, and returns in how many recordings the
         * place had been seen once it was counted: a recording analysed again (a retry, a redelivery, after later
         * recordings were counted) gets the number of its first analysis, so it is judged as it was then.
         */
        int count(String recording, long now) {
            String hash = hash(recording) + ":";
            for (String c : counted) {
                if (c.startsWith(hash)) {
                    return Integer.parseInt(c.substring(hash.length()));
                }
            }
            recordings++;
            lastSeen = now;
            counted.addLast(hash + recordings);
            if (counted.size() > COUNTED) {
                counted.removeFirst();
            }
            return recordings;
        }
    }

    final List<Place> places = new ArrayList<>();

    /**
     * @param now the reader's clock: places last seen more than {@code ttlMillis} before it, or after it by more
     *     than that, are dropped
     */
    static RememberedPlaces parse(String text, long now, long ttlMillis) {
        RememberedPlaces parsed = new RememberedPlaces();
        if (text == null || text.length() > MOST_CHARACTERS || !text.startsWith(VERSION + "\n")) {
            return parsed;
        }
        try {
            for (String line : text.substring(VERSION.length() + 1).split("\n")) {
                if (line.isEmpty()) {
                    continue;
                }
                String[] f = line.split(" ", -1);
                Place p = new Place(URLDecoder.decode(f[0], StandardCharsets.UTF_8), new BoundingBox(
                        Double.parseDouble(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3]),
                        Double.parseDouble(f[4])));
                p.recordings = Integer.parseInt(f[5]);
                p.lastSeen = Long.parseLong(f[6]);
                for (String c : f[7].split(",")) {
                    if (COUNTED_ENTRY.matcher(c).matches() && p.counted.size() < COUNTED) {
                        p.counted.add(c);
                    }
                }
                if (p.recordings >= 0 && p.lastSeen >= now - ttlMillis && p.lastSeen <= now + ttlMillis) {
                    parsed.places.add(p);
                }
            }
        } catch (RuntimeException damaged) {
            return new RememberedPlaces();
        }
        parsed.bound();
        return parsed;
    }

    void bound() {
        if (places.size() > PER_CAMERA) {
            places.sort(Comparator.comparingLong(p -> p.lastSeen));
            places.subList(0, places.size() - PER_CAMERA).clear();
        }
    }

    String text() {
        StringBuilder out = new StringBuilder(VERSION).append('\n');
        for (Place p : places) {
            out.append(URLEncoder.encode(p.kind, StandardCharsets.UTF_8)).append(' ')
                    .append(String.format(Locale.ROOT, "%.5f %.5f %.5f %.5f", p.box.x1(), p.box.y1(), p.box.x2(),
                            p.box.y2()))
                    .append(' ').append(p.recordings).append(' ').append(p.lastSeen).append(' ')
                    .append(String.join(",", p.counted)).append('\n');
        }
        return out.toString();
    }

    /** A short stable hash of a recording key: keys may hold any character, and only equality matters. */
    static String hash(String recording) {
        long h = 0xcbf29ce484222325L; // 64-bit FNV-1a
        for (byte b : recording.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        return Long.toHexString(h);
    }
}
