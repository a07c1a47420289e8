import { describe, expect, it } from 'vitest';
import * as onnx from '../../shared/layers/backends/onnx.ts';
import { LAYERS } from '../../shared/layers/registry.ts';
import {
  kernelToChannelsFirst,
  inversePermutation,
  transposeArray,
} from '../../shared/layers/layout.ts';
import type { IrOp } from '../../shared/ir/lower.ts';

/** An IrOp with only what export hooks read. */
function op(type: string, params: Record<string, unknown>, inputShapes: number[][]): IrOp {
  return {
    id: 'n1',
    type,
    name: 'p',
    label: type,
    params,
    inputs: [],
    inputShapes,
    outputShape: [],
    count: { trainable: 0, nonTrainable: 0 },
  };
}

describe('onnx kit', () => {
  it('Conv kernel (kh, kw, in, out) → (out, in, kh, kw) by hand: 1×2 kernel, 1 in, 2 out', () => {
    // Keras index ((y·kw + x)·in + i)·out + o: [x0o0, x0o1, x1o0, x1o1] = [1, 2, 3, 4].
    const keras = Float32Array.of(1, 2, 3, 4);
    const perm = kernelToChannelsFirst(2);
    const onnxKernel = transposeArray(keras, [1, 2, 1, 2], perm);
    // ONNX (out, in, kh, kw): o0 → [x0, x1] = [1, 3]; o1 → [2, 4].
    expect([...onnxKernel]).toEqual([1, 3, 2, 4]);
    expect(perm.map((a) => [1, 2, 1, 2][a])).toEqual([2, 1, 1, 2]);
    expect([...transposeArray(onnxKernel, [2, 1, 1, 2], inversePermutation(perm))]).toEqual([
      1, 2, 3, 4,
    ]);
  });

  it("pooling export: Transpose to NCHW, TF 'same' pads (extra cell after), Transpose back", () => {
    const g = new onnx.GraphBuilder();
    const out = onnx.exportPool2D('AveragePool')({
      g,
      op: op('AveragePooling2D', { pool_size: [2, 2], strides: null, padding: 'same' }, [
        [5, 5, 3],
      ]),
      ins: ['x'],
      weight: () => {
        throw new Error('no weights');
      },
    });
    expect(out).toBe('p');
    expect(g.nodes.map((n) => n.opType)).toEqual(['Transpose', 'AveragePool', 'Transpose']);
    const attr = (i: number, name: string) =>
      g.nodes[i]!.attrs.find((a) => a.name === name) as { ints?: number[]; i?: number } | undefined;
    expect(attr(0, 'perm')?.ints).toEqual([0, 3, 1, 2]);
    expect(attr(2, 'perm')?.ints).toEqual([0, 2, 3, 1]);
    // 5 cells, window 2, stride 2: 3 outputs need 6 cells → 1 pad, after (TF).
    expect(attr(1, 'pads')?.ints).toEqual([0, 0, 1, 1]);
    expect(attr(1, 'strides')?.ints).toEqual([2, 2]);
    expect(attr(1, 'count_include_pad')?.i).toBe(0);
  });

  it('the Input kind writes no node of its own', () => {
    const input = LAYERS.find((l) => l.type === 'Input')!;
    expect(() =>
      input.onnx.export({
        g: new onnx.GraphBuilder(),
        op: op('Input', { shape: [3] }, []),
        ins: [],
        weight: () => {
          throw new Error('no weights');
        },
      }),
    ).toThrow(onnx.OnnxExportError);
  });

  it('every ONNX operator type is claimed by kinds whose claims may decline, `first` claims then registry order', () => {
    const claims = new Map<string, string[]>();
    const all = LAYERS.flatMap((def) => onnx.importersOf(def.onnx).map((imp) => ({ def, imp })));
    for (const { def, imp } of [
      ...all.filter((c) => c.imp.first),
      ...all.filter((c) => !c.imp.first),
    ])
      for (const t of imp.ops) claims.set(t, [...(claims.get(t) ?? []), def.type]);
    // A constant Add is a Dense bias, tried before the Add block; a channels-first flatten
    // (Reshape [N, -1]) is a Flatten block, tried before Reshape. Netwright's own merge blocks
    // (whose Expand Reshapes lift an input's rank) are recognised by name first.
    expect(claims.get('Add')).toEqual(['Dense', 'Add']);
    expect(claims.get('Reshape')).toEqual([
      'Multiply',
      'Subtract',
      'Average',
      'Maximum',
      'Minimum',
      'Flatten',
      'Reshape',
    ]);
    // Dot's own block (a Mul of two data tensors) before the Multiply claims.
    expect(claims.get('Mul')).toEqual(['Multiply', 'Dot', 'SimpleRNN', 'Rescaling', 'Multiply']);
    // Conv2D, the 2-D poolings and GlobalAveragePooling2D's ReduceMean decline sequences
    // (steps, C), which the 1-D kinds claim; Conv2D declines a grouped Conv (DepthwiseConv2D's).
    expect(claims.get('Conv')).toEqual(['Conv2D', 'Conv1D', 'SeparableConv2D', 'DepthwiseConv2D']);
    expect(claims.get('MaxPool')).toEqual(['MaxPooling2D', 'MaxPooling1D']);
    expect(claims.get('ReduceMean')).toEqual(['GlobalAveragePooling2D', 'GlobalAveragePooling1D']);
  });
});
