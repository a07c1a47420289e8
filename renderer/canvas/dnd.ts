/** The drag-and-drop payload type for a layer dragged from the palette. */
export const LAYER_MIME = 'application/x-netwright-layer';

/** Where a new block lands relative to the drop point: centred under the pointer. */
export const DROP_OFFSET = { x: 115, y: 30 };
