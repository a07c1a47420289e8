import './inside.css';
import { useInference } from './inference.ts';
import { ModelStatus } from './ModelStatus.tsx';
import { StepThrough } from './StepThrough.tsx';
import { WeightsView } from './WeightsView.tsx';

/** "Inside": step through a forward pass, and watch the weights (live while training). */
export function InsidePanel() {
  const inf = useInference();
  return (
    <div className="inside" data-testid="inside-panel">
      <ModelStatus inf={inf} onnx={false} />
      <StepThrough inf={inf} />
      <WeightsView inf={inf} />
    </div>
  );
}
