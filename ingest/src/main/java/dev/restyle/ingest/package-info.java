/**
 * Streaming stylisation: frames flow from a {@link dev.restyle.ingest.source.FrameSource} through
 * bounded queues into a batcher, a {@link dev.restyle.ingest.inference.BatchProcessor} (the style
 * network) and a {@link dev.restyle.ingest.sink.FrameSink}, wired and supervised by {@link
 * dev.restyle.ingest.pipeline.Pipeline}. Video files are the first source and sink; RTSP and Kafka
 * plug into the same interfaces.
 */
package dev.restyle.ingest;
