package io.vaultml.kafka;

import java.util.Collection;
import java.util.TreeSet;

/**
 * Records settled beyond a partition's committed offset, carried in the commit's metadata.
 *
 * <p>Kafka commits one offset per partition: everything below it is done. A record still in progress (a retry
 * after a transient fault) holds that offset back, so the records after it that this worker already published
 * would be delivered again to whoever owns the partition next, after a rebalance or a restart. Writing their
 * offsets into the commit's metadata lets the next owner skip them: nothing is published twice because one
 * recording was slow. The text is {@code vaultml-settled:}, the committed offset it was written for, {@code :}, and
 * the offsets as distances from it, comma separated, cut to fit Kafka's default metadata limit (4096 bytes); what
 * is cut is delivered again (at least once, as before). Metadata stored under another offset than the one it
 * names (a tool that copies a group's offsets to another cluster translates the offset, not the text) is ignored.
 */
final class SettledOffsets {
    static final String PREFIX = "vaultml-settled:";
    /** Below Kafka's default {@code offset.metadata.max.bytes} (4096). */
    static final int MAX_LENGTH = 4000;

    private SettledOffsets() {
    }

    /** The metadata for a commit at {@code committed} of the settled offsets above it. */
    static String encode(long committed, Collection<Long> settled) {
        StringBuilder out = new StringBuilder(PREFIX).append(committed).append(':');
        boolean first = true;
        for (long offset : new TreeSet<>(settled)) {
            if (offset <= committed) {
                continue;
            }
            String item = (first ? "" : ",") + (offset - committed);
            if (out.length() + item.length() > MAX_LENGTH) {
                break;
            }
            out.append(item);
            first = false;
        }
        return first ? "" : out.toString();
    }

    /** The settled offsets a commit at {@code committed} carries; empty for anything else (another tool's text). */
    static TreeSet<Long> decode(long committed, String metadata) {
        TreeSet<Long> out = new TreeSet<>();
        if (metadata == null || !metadata.startsWith(PREFIX)) {
            return out;
        }
        String rest = metadata.substring(PREFIX.length());
        int colon = rest.indexOf(':');
        if (colon < 0 || !rest.substring(0, colon).equals(String.valueOf(committed))) {
            return out; // written for another offset: its distances mean other records here
        }
        for (String item : rest.substring(colon + 1).split(",")) {
            try {
                long distance = Long.parseLong(item.trim());
                if (distance > 0) {
                    out.add(committed + distance);
                }
            } catch (NumberFormatException e) {
                return new TreeSet<>(); // not ours after all: skip nothing
            }
        }
        return out;
    }
}
