import { describe, expect, it } from 'vitest';
import { legacyLayerNames } from '../../shared/graph/legacy-names.ts';
import { parseProjectValue, serializeProject } from '../../shared/graph/project.ts';
import { loadTemplate } from '../../shared/templates/index.ts';

/** A weights section with one (empty) entry per layer name. */
const section = (layers: string[]) => ({
  format: 'netwright.weights',
  version: 1,
  dtype: 'float32',
  byteOrder: 'little',
  layers: layers.map((layer) => ({ layer, tensors: [], data: '' })),
});

/** The MNIST CNN template as a file from an older version, with trained weights under `layers`. */
function oldFile(layers: string[]) {
  const doc = JSON.parse(serializeProject(loadTemplate('mnist-cnn'))) as Record<string, unknown>;
  doc.weights = section(layers);
  return doc;
}

const layersOf = (value: unknown) => {
  const result = parseProjectValue(value);
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return (result.project.weights as { layers: { layer: string }[] }).layers.map((l) => l.layer);
};

describe('projects saved before blocks had stored names', () => {
  it('the old rule numbered layers by type in model order (kept to read old weights)', () => {
    expect(
      legacyLayerNames([
        { type: 'Input' },
        { type: 'Dense' },
        { type: 'Dense', label: 'dense_1' },
        { type: 'Flatten' },
      ]),
    ).toEqual(['input_layer', 'dense', 'dense_1', 'flatten']);
  });

  it('re-keys trained weights from the old names to the block names', () => {
    // The weights a trained MNIST CNN was saved with by the old rule (conv2d_1, conv2d_2, dense),
    // now the template's block ids.
    expect(layersOf(oldFile(['conv2d_1', 'conv2d_2', 'dense']))).toEqual([
      'conv_1',
      'conv_2',
      'dense',
    ]);
  });

  it('leaves weights under current names, and unknown names, as they are', () => {
    expect(layersOf(oldFile(['conv_1', 'conv_2', 'dense']))).toEqual(['conv_1', 'conv_2', 'dense']);
    // `mystery` is neither: nothing is renamed, so loading the weights names the misfit.
    expect(layersOf(oldFile(['conv2d_1', 'mystery']))).toEqual(['conv2d_1', 'mystery']);
    const hostile = oldFile([]);
    for (const layers of [
      [{ layer: 7 }, null],
      [{ layer: 'conv2d_1' }, null, 'x'],
      [{ layer: 'conv_1' }, null],
    ]) {
      hostile.weights = { layers };
      const result = parseProjectValue(hostile);
      expect(result.ok && result.project.weights).toEqual({ layers });
    }
  });
});
