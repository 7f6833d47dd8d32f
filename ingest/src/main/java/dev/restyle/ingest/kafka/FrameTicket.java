package dev.restyle.ingest.kafka;

import org.apache.kafka.common.TopicPartition;

/**
 * Where a frame in the pipeline came from: its input record, so the record's offset can be
 * committed once the stylised frame is acknowledged, and how it was encoded.
 *
 * @param partition the input partition
 * @param offset the input record's offset
 * @param streamId the frame's stream
 * @param index the frame's index in its stream
 * @param encoding the input's encoding (the output's unless configured otherwise)
 */
public record FrameTicket(
    TopicPartition partition, long offset, String streamId, long index, FrameEncoding encoding) {}
