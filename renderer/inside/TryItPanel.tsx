import './inside.css';
import { useExample } from './examples.ts';
import { ExamplePicker } from './ExamplePicker.tsx';
import { useInference } from './inference.ts';
import { ModelStatus } from './ModelStatus.tsx';
import { PredictionBars, usePredictions } from './Predictions.tsx';

/**
 * "Try it": the exported ONNX model (onnxruntime-web) and the TF.js model with the same weights
 * run on an example the user draws, picks or types, side by side.
 */
export function TryItPanel() {
  const inf = useInference();
  const example = useExample((s) => s.example);
  const result = usePredictions(example, inf);
  const shape = inf.ir ? (inf.ir.ops[0]!.params.shape as number[]) : null;
  return (
    <div className="inside" data-testid="tryit-panel">
      <p className="inside__intro muted">
        The model exported to ONNX runs in onnxruntime-web next to TF.js with the same weights: the
        two should agree.
      </p>
      <ModelStatus inf={inf} />
      {shape && <ExamplePicker shape={shape} />}
      {result && <PredictionBars result={result} inf={inf} />}
    </div>
  );
}
