/**
 * A classifier that ends in a Softmax layer (axis -1) is treated like Dense(softmax): `auto` means
 * sparse categorical cross-entropy on probabilities (Keras `from_logits=False`), and the PyTorch
 * model returns logits for nn.CrossEntropyLoss (no softmax in forward; predict_proba applies it) —
 * never a second softmax (the double-softmax bug). A Softmax over another axis is not the output
 * activation.
 */
import { describe, expect, it } from 'vitest';
import { generateKeras } from '../../shared/codegen/keras.ts';
import { lossPlan, outputActivation, resolveLoss } from '../../shared/codegen/loss.ts';
import { generatePytorch } from '../../shared/codegen/pytorch.ts';
import { emptyProject } from '../../shared/graph/project.ts';
import { graphOf } from './graph-builder.ts';
import { lower } from './onnx-helpers.ts';

function softmaxHead(axis: number) {
  return graphOf(
    [
      ['in', 'Input', { shape: [3, 4] }],
      ['d', 'Dense', { units: 5 }],
      ['sm', 'Softmax', { axis }],
    ],
    ['in->d', 'd->sm'],
  );
}

describe('a Softmax layer as the output', () => {
  it('axis -1: auto loss is sparse categorical cross-entropy on probabilities', () => {
    const ir = lower(softmaxHead(-1));
    expect(outputActivation(ir)).toBe('softmax');
    expect(resolveLoss(ir, 'auto')).toBe('sparse_categorical_crossentropy');
    expect(lossPlan(ir, 'auto').logitsActivation).toBe('softmax');
  });

  it('axis -1: PyTorch forward returns logits (no softmax), Keras keeps the Softmax layer', () => {
    const ir = lower(softmaxHead(-1));
    const project = emptyProject('softmax head');
    const source = { name: 'softmax head', ir, training: project.training };
    const torch = generatePytorch(source, { includeTraining: true }).code;
    const forward = torch
      .slice(torch.indexOf('def forward'), torch.indexOf('def predict_proba'))
      .split('\n')
      .filter((line) => !line.trim().startsWith('#'))
      .join('\n');
    expect(forward).not.toMatch(/softmax/i);
    expect(torch).toContain('nn.CrossEntropyLoss');
    expect(torch.slice(torch.indexOf('def predict_proba'))).toMatch(/softmax/);
    const keras = generateKeras(source, { includeTraining: true }).code;
    expect(keras).toContain('layers.Softmax(');
    expect(keras).not.toContain('from_logits=True');
  });

  it('axis 1 (not the last): not the output activation; auto falls back to mse', () => {
    const ir = lower(softmaxHead(1));
    expect(outputActivation(ir)).toBeNull();
    expect(resolveLoss(ir, 'auto')).toBe('mse');
  });
});
