/**
 * A block's PyTorch subtitle agrees with the generated PyTorch module (issue 13 item 6): where
 * the loss applies the output softmax/sigmoid itself, the module has no nn.Softmax/nn.Sigmoid and
 * the subtitle names none either. The reference is the generated code, not the helper.
 */
import { describe, expect, it } from 'vitest';
import { generatePytorch } from '../../shared/codegen/pytorch.ts';
import { lossTakesActivationOf, torchNameOf } from '../../shared/explain/torch-names.ts';
import { analyzeGraph } from '../../shared/graph/analyze.ts';
import type { Project } from '../../shared/graph/project.ts';
import { lowerGraph } from '../../shared/ir/lower.ts';
import { graphToSvg } from '../../shared/pictures/graph-svg.ts';
import { loadTemplate } from '../../shared/templates/index.ts';
import { graphOf } from './graph-builder.ts';

/**
 * The line of the generated module's `forward` that calls block `id`'s module (named after the
 * block's IR op), the training helpers left out.
 */
function forwardLine(project: Project, id: string): string {
  const lowered = lowerGraph(project.graph);
  if (!lowered.ok) throw new Error('must lower');
  const { code } = generatePytorch(
    { name: project.name, ir: lowered.ir, training: project.training },
    { includeTraining: false },
  );
  const name = lowered.ir.ops.find((op) => op.id === id)!.name;
  const line = code.split('\n').find((l) => l.includes(`self.${name}(`));
  if (!line) throw new Error(`no call of self.${name} in:\n${code}`);
  return line;
}

/** Subtitle of every block, as the canvas shows it for this project. */
function subtitles(project: Project): Map<string, string> {
  const takes = lossTakesActivationOf(analyzeGraph(project.graph), project.training.loss);
  return new Map(project.graph.nodes.map((n) => [n.id, torchNameOf(n, n.id === takes)]));
}

describe('PyTorch block names follow the generated code', () => {
  it('MNIST MLP (softmax + cross-entropy): the output is nn.Linear, as in the module', () => {
    const project = loadTemplate('mnist-mlp');
    expect(forwardLine(project, 'dense_3')).not.toMatch(/softmax|Softmax/);
    const names = subtitles(project);
    expect(names.get('dense_3')).toBe('nn.Linear');
    expect(names.get('dense_1')).toBe('nn.Linear + nn.ReLU');
  });

  it('one sigmoid unit + binary cross-entropy: no nn.Sigmoid in the module or the name', () => {
    const project = loadTemplate('mnist-mlp');
    project.graph = graphOf(
      [
        ['in', 'Input', { shape: [2] }],
        ['h', 'Dense', { units: 8, activation: 'tanh' }],
        ['out', 'Dense', { units: 1, activation: 'sigmoid' }],
      ],
      ['in->h', 'h->out'],
    );
    expect(forwardLine(project, 'out')).not.toMatch(/sigmoid|Sigmoid/);
    expect(subtitles(project).get('out')).toBe('nn.Linear');
  });

  it('softmax trained with mse keeps nn.Softmax, in the module and the name', () => {
    const project = loadTemplate('mnist-mlp');
    project.training = { ...project.training, loss: 'mse' };
    expect(forwardLine(project, 'dense_3')).toContain('torch.softmax(');
    expect(subtitles(project).get('dense_3')).toBe('nn.Linear + nn.Softmax');
  });

  it('the picture of the graph names the same modules', () => {
    const project = loadTemplate('mnist-mlp');
    const svg = graphToSvg(project.graph, undefined, project.name, project.training.loss);
    expect(svg).toContain('Dense / nn.Linear + nn.ReLU');
    expect(svg).not.toContain('nn.Softmax');
  });
});
