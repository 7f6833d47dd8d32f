package dev.restyle.engine.weights;

/**
 * A tensor as a pickle describes it: a strided view of a storage (the arguments of {@code
 * torch._utils._rebuild_tensor_v2}).
 *
 * @param storage the storage the tensor views
 * @param offset index of its first element within the storage (or storage view), in elements
 * @param size its shape
 * @param stride the step between neighbours along each axis, in elements
 */
record TensorRef(StorageRef storage, long offset, long[] size, long[] stride) {}
