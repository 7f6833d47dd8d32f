package dev.restyle.engine.weights;

/**
 * A reference, found in a pickle, to a storage whose data lies elsewhere in the file.
 *
 * @param key the storage's name in the file (a zip entry name, or a key of the legacy data section)
 * @param type its element type
 * @param size its length in elements
 * @param viewOffset where a legacy storage view starts within the storage, in elements (else 0)
 * @param viewSize how many elements a legacy storage view spans (else {@code size})
 */
record StorageRef(String key, StorageType type, long size, long viewOffset, long viewSize) {}
