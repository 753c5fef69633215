package io.vaultml.kafka;

import io.vaultml.api.Delivery;
import org.apache.kafka.common.TopicPartition;

/**
 * A polled record and the one delivery made of it. The same offset fetched again after its partition left and came
 * back is a new delivery with the same id: only the newest may begin, complete or be given back, so a stale one the
 * worker still holds can neither run nor settle the new one's offset.
 */
record TrackedDelivery(TopicPartition partition, long offset, Delivery delivery) {
    boolean is(Delivery d) {
        return delivery == d;
    }
}
