/**
 * A tensor shape without the batch dimension, channels-last as in Keras.
 * `[28, 28, 1]` is shown as `(None, 28, 28, 1)`.
 */
export type Shape = readonly number[];

/** Formats a shape the way Keras prints it, with the batch dimension as `None`. */
export function formatShape(shape: Shape): string {
  return `(None, ${shape.join(', ')})`.replace(/, \)$/, ')');
}

/** Number of elements of one sample of this shape. */
export function shapeSize(shape: Shape): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
