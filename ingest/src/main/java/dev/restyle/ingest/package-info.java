/**
 * Streaming stylisation: frames flow from a {@link dev.restyle.ingest.source.FrameSource} through
 * bounded queues into a batcher, a {@link dev.restyle.ingest.inference.BatchProcessor} (the style
 * network) and a {@link dev.restyle.ingest.sink.FrameSink}, wired and supervised by {@link
 * dev.restyle.ingest.pipeline.Pipeline}. Sources and sinks are chosen by URI scheme ({@link
 * dev.restyle.ingest.endpoint.Endpoints}): video files, live FFmpeg streams ({@code live/}: RTSP,
 * RTMP, ... with reconnects), HLS and RTSP/RTMP pushes; a YAML {@code config/} describes a whole
 * pipeline, which {@code service/} runs with Prometheus metrics.
 */
package dev.restyle.ingest;
