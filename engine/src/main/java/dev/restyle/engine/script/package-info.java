/**
 * Inference through TorchScript: the style network written out as TorchScript source, compiled by
 * libtorch, and run as one native call per batch instead of hundreds of single-op JNI calls.
 */
package dev.restyle.engine.script;
