import { describe, expect, it } from 'vitest';
import { assignLayerNames } from '../../shared/ir/lower.ts';
import {
  pythonClassName,
  pythonIdentifier,
  snakeCase,
  uniqueNames,
} from '../../shared/ir/names.ts';

describe('Python names from user text', () => {
  it('snake-cases Keras class names', () => {
    expect(snakeCase('MaxPooling2D')).toBe('max_pooling2d');
    expect(snakeCase('BatchNormalization')).toBe('batch_normalization');
    expect(snakeCase('Conv2D')).toBe('conv2d');
  });

  it('makes any label a safe identifier', () => {
    for (const label of [
      '"); __import__("os").system("rm -rf /")#',
      'a\nb',
      '123',
      'class',
      'forward',
      '',
      'Ünïcödé layer',
      '💥',
    ]) {
      const id = pythonIdentifier(label);
      expect(id).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
      expect(['class', 'forward', 'import']).not.toContain(id);
    }
    expect(pythonIdentifier('Hidden Layer 1')).toBe('hidden_layer_1');
    expect(pythonIdentifier('123')).toBe('layer_123');
    expect(pythonIdentifier('class')).toBe('class_layer');
  });

  it('class names are PascalCase identifiers', () => {
    expect(pythonClassName('MNIST MLP')).toBe('MnistMlp');
    expect(pythonClassName('"""\n__import__("os")')).toBe('ImportOs');
    expect(pythonClassName('')).toBe('Net');
  });

  it('numbers repeated types and keeps names unique', () => {
    expect(uniqueNames(['a', 'a', 'b', 'a'])).toEqual(['a', 'a_2', 'b', 'a_3']);
    expect(
      assignLayerNames([
        { type: 'Input' },
        { type: 'Dense' },
        { type: 'Dense', label: 'dense_1' },
        { type: 'Flatten' },
      ]),
    ).toEqual(['input_layer', 'dense', 'dense_1', 'flatten']);
  });
});
