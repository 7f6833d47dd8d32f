package dev.restyle.ingest.config;

/**
 * The style to paint with.
 *
 * @param name a style name, as {@code restyle styles} lists them
 * @param strength 0 = the original, 1 = full style
 * @param preserveColours keep the original's colours
 */
public record StyleConfig(String name, double strength, boolean preserveColours) {}
