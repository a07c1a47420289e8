/**
 * Plain-language explanation cards for every layer kind: what it computes, the formula, when to
 * use it. Shown in the inspector, on hover, and in presenter mode.
 */
export interface ExplainCard {
  type: string;
  title: string;
  /** What the block computes, in one or two sentences a beginner can follow. */
  what: string;
  /** The formula, in plain text (no TeX). */
  formula: string;
  /** When to reach for it. */
  when: string;
}

const CARDS: Record<string, Omit<ExplainCard, 'type'>> = {
  Input: {
    title: 'Input',
    what: 'Where examples enter the network. Its shape is the shape of one example, without the batch size.',
    formula: 'x = one example, e.g. 784 pixel values',
    when: 'Every model starts with exactly one Input whose shape matches the dataset.',
  },
  Dense: {
    title: 'Dense (fully connected)',
    what: 'Each output unit is a weighted sum of every input value plus a bias, optionally passed through an activation.',
    formula: 'y = activation(x · W + b)',
    when: 'For vectors: tabular data, flattened images, and the final classification layer.',
  },
  Activation: {
    title: 'Activation',
    what: 'Applies a non-linear function to every value separately. Without non-linearities, stacked layers collapse into one linear map.',
    formula: 'relu(x) = max(0, x); sigmoid(x) = 1 / (1 + e^−x); softmax(x)ᵢ = e^xᵢ / Σⱼ e^xⱼ',
    when: 'After a layer without its own activation; softmax at the end of a classifier.',
  },
  Dropout: {
    title: 'Dropout',
    what: 'During training, sets a random fraction of values to zero and scales the rest up; at prediction time it does nothing.',
    formula: 'y = x · mask / (1 − rate), mask ~ Bernoulli(1 − rate)',
    when: 'To fight overfitting, usually before the last Dense layers.',
  },
  BatchNormalization: {
    title: 'Batch normalisation',
    what: 'Normalises each feature to mean 0 and variance 1 over the batch, then scales and shifts it with learned γ and β. Keeps running averages for prediction.',
    formula: 'y = γ · (x − μ_batch) / √(σ²_batch + ε) + β',
    when: 'Between a layer and its activation in deep networks, to train faster and more stably.',
  },
  LayerNormalization: {
    title: 'Layer normalisation',
    what: 'Normalises the features of each example on their own (not over the batch), then scales and shifts them.',
    formula: 'y = γ · (x − mean(x)) / √(var(x) + ε) + β',
    when: 'In transformers and recurrent networks, or when batches are small.',
  },
  Flatten: {
    title: 'Flatten',
    what: 'Unrolls a multi-dimensional feature map into one long vector, keeping every value.',
    formula: '(H, W, C) → (H · W · C)',
    when: 'Between convolution/pooling layers and Dense layers.',
  },
  Reshape: {
    title: 'Reshape',
    what: 'Rearranges the same values into a new shape; the number of values must stay the same. One size may be −1 to be inferred.',
    formula: '(784) → (28, 28, 1)',
    when: 'To turn a flat vector into an image for convolutions, or the reverse.',
  },
  Conv2D: {
    title: 'Conv2D (2-D convolution)',
    what: 'Slides small learned filters over the image; each filter detects one pattern (an edge, a curve) and makes one output channel.',
    formula: 'y[i, j, f] = activation(Σ over the k×k window and input channels of x · W_f + b_f)',
    when: 'For images and other grid data: it shares weights across positions, so it needs far fewer parameters than Dense.',
  },
  MaxPooling2D: {
    title: 'Max pooling',
    what: 'Keeps the largest value in each window, shrinking the feature map and making it tolerant to small shifts.',
    formula: 'y[i, j, c] = max of x over the window at (i, j) in channel c',
    when: 'After convolutions, to halve the height and width.',
  },
  AveragePooling2D: {
    title: 'Average pooling',
    what: 'Averages each window, shrinking the feature map smoothly.',
    formula: 'y[i, j, c] = mean of x over the window at (i, j) in channel c',
    when: 'After convolutions when a smoother summary than max is wanted.',
  },
  GlobalAveragePooling2D: {
    title: 'Global average pooling',
    what: 'Averages each channel over the whole image, leaving one number per channel.',
    formula: '(H, W, C) → (C), yᶜ = mean over all positions of xᶜ',
    when: 'At the end of a conv net instead of Flatten: far fewer parameters in the next Dense.',
  },
  Add: {
    title: 'Add',
    what: 'Adds its inputs element by element. Sizes must match, or be 1, on each axis counted from the last (Keras broadcasting).',
    formula: 'y = x₁ + x₂ + …',
    when: 'Residual (skip) connections: the block learns a correction to its input.',
  },
  Concatenate: {
    title: 'Concatenate',
    what: 'Joins its inputs side by side along one axis (the last by default), in the order of its input ports.',
    formula: '(…, a) and (…, b) → (…, a + b)',
    when: 'To combine features from parallel branches.',
  },
};

/** The explanation card of a layer kind. */
export function explainCard(type: string): ExplainCard | undefined {
  const card = CARDS[type];
  return card ? { type, ...card } : undefined;
}

/** Layer kinds that have a card (every kind in the catalogue should). */
export const EXPLAINED_TYPES: readonly string[] = Object.keys(CARDS);
