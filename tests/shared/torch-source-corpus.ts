/**
 * Hand-written PyTorch model files shaped like real ones (the PyTorch examples, tutorials), for
 * the source-import tests: tests/shared/import-torch-source.test.ts imports them, and
 * tests/shared/torch-source-python.test.ts runs them with torch to compare parameter counts.
 * `inputShape`: what the test gives the importer when the code cannot say it (Keras order).
 */
export interface CorpusEntry {
  name: string;
  source: string;
  inputShape?: number[];
}

export const MLP_SEQUENTIAL = `import torch
from torch import nn

model = nn.Sequential(
    nn.Linear(784, 128),
    nn.ReLU(),
    nn.Linear(128, 64),
    nn.ReLU(),
    nn.Linear(64, 10),
)
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
`;

export const MLP_MODULE = `import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.fc1 = nn.Linear(784, 128)
        self.fc2 = nn.Linear(128, 64)
        self.fc3 = nn.Linear(64, 10)

    def forward(self, x):
        x = x.view(x.size(0), -1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x


model = Net()
optimizer = optim.Adam(model.parameters(), lr=0.002)
criterion = nn.CrossEntropyLoss()
`;

/** pytorch/examples mnist/main.py, as it is (log_softmax replaced by logits + CrossEntropyLoss). */
export const MNIST_CNN = `import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, 1)
        self.conv2 = nn.Conv2d(32, 64, 3, 1)
        self.dropout1 = nn.Dropout(0.25)
        self.dropout2 = nn.Dropout(0.5)
        self.fc1 = nn.Linear(9216, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = self.conv1(x)
        x = F.relu(x)
        x = self.conv2(x)
        x = F.relu(x)
        x = F.max_pool2d(x, 2)
        x = self.dropout1(x)
        x = torch.flatten(x, 1)
        x = self.fc1(x)
        x = F.relu(x)
        x = self.dropout2(x)
        x = self.fc2(x)
        return x


model = Net()
optimizer = optim.Adadelta(model.parameters(), lr=1.0)
criterion = nn.CrossEntropyLoss()
`;

/** The older PyTorch MNIST example: x.view(-1, 320) after two conv/pool stages. */
export const MNIST_CNN_VIEW = `import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 10, kernel_size=5)
        self.conv2 = nn.Conv2d(10, 20, kernel_size=5)
        self.conv2_drop = nn.Dropout2d()
        self.fc1 = nn.Linear(320, 50)
        self.fc2 = nn.Linear(50, 10)

    def forward(self, x):
        x = F.relu(F.max_pool2d(self.conv1(x), 2))
        x = F.relu(F.max_pool2d(self.conv2_drop(self.conv2(x)), 2))
        x = x.view(-1, 320)
        x = F.relu(self.fc1(x))
        x = F.dropout(x, training=self.training)
        x = self.fc2(x)
        return torch.softmax(x, dim=1)


model = Net()
criterion = nn.CrossEntropyLoss()
`;

export const RESIDUAL = `import torch
from torch import nn


class ResidualNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv_in = nn.Conv2d(3, 16, kernel_size=3, padding=1)
        self.conv_a = nn.Conv2d(16, 16, kernel_size=3, padding=1)
        self.bn_a = nn.BatchNorm2d(16)
        self.conv_b = nn.Conv2d(16, 16, kernel_size=3, padding=1)
        self.bn_b = nn.BatchNorm2d(16)
        self.fc = nn.Linear(16 * 8 * 8, 10)

    def forward(self, x):
        x = torch.relu(self.conv_in(x))
        identity = x
        out = torch.relu(self.bn_a(self.conv_a(x)))
        out = self.bn_b(self.conv_b(out))
        out = out + identity
        out = torch.relu(out)
        out = torch.flatten(out, 1)
        return self.fc(out)


model = ResidualNet()
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
`;

export const UNET = `import torch
import torch.nn as nn


class TinyUNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc1 = nn.Conv2d(1, 16, 3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.enc2 = nn.Conv2d(16, 32, 3, padding=1)
        self.up = nn.ConvTranspose2d(32, 16, kernel_size=2, stride=2)
        self.dec1 = nn.Conv2d(32, 16, 3, padding=1)
        self.head = nn.Conv2d(16, 1, kernel_size=1)

    def forward(self, x):
        e1 = torch.relu(self.enc1(x))
        p = self.pool(e1)
        e2 = torch.relu(self.enc2(p))
        u = self.up(e2)
        cat = torch.cat([u, e1], dim=1)
        d = torch.relu(self.dec1(cat))
        return torch.sigmoid(self.head(d))


model = TinyUNet()
criterion = nn.MSELoss()
optimizer = torch.optim.Adam(model.parameters(), lr=0.0005)
`;

export const LSTM_TEXT = `import torch
import torch.nn as nn


class TextClassifier(nn.Module):
    def __init__(self, vocab_size=5000, embed_dim=64, hidden=128, classes=4):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embed_dim)
        self.lstm = nn.LSTM(embed_dim, hidden, batch_first=True)
        self.fc = nn.Linear(hidden, classes)

    def forward(self, x):
        x = self.embedding(x)
        out, (h, c) = self.lstm(x)
        x = out[:, -1, :]
        return self.fc(x)


model = TextClassifier()
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.RMSprop(model.parameters(), lr=0.001)
`;

export const CUSTOM_MODULE = `import torch
import torch.nn as nn


class Swish(nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(x)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(20, 32)
        self.act = Swish()
        self.fc2 = nn.Linear(32, 1)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


model = Net()
`;

/** A Transformer encoder block written by hand: self-attention with nn.MultiheadAttention. */
export const ATTENTION_BLOCK = `import torch
import torch.nn as nn


class EncoderBlock(nn.Module):
    def __init__(self, d_model=32, heads=4):
        super().__init__()
        self.attn = nn.MultiheadAttention(d_model, heads, dropout=0.1, batch_first=True)
        self.norm = nn.LayerNorm(d_model)
        self.ff = nn.Linear(d_model, d_model)

    def forward(self, x):
        out, _ = self.attn(x, x, x)
        x = self.norm(x + out)
        return self.ff(x)


model = EncoderBlock()
`;

/** Cross-attention: a query from a projection, keys and values from the input; [0] form. */
export const CROSS_ATTENTION = `import torch
from torch import nn


class CrossAttention(nn.Module):
    def __init__(self):
        super().__init__()
        self.query = nn.Linear(16, 24)
        self.attn = nn.MultiheadAttention(24, 3, kdim=16, vdim=16, batch_first=True)

    def forward(self, x):
        q = self.query(x)
        return self.attn(q, x, x, need_weights=False)[0]


model = CrossAttention()
`;

/** Attention scores by hand: torch.bmm(q, k.transpose(1, 2)), torch.einsum and @. */
export const SCORES = `import torch
import torch.nn as nn


class Scores(nn.Module):
    def __init__(self):
        super().__init__()
        self.q = nn.Linear(8, 8)
        self.k = nn.Linear(8, 8)

    def forward(self, x):
        q = self.q(x)
        k = self.k(x)
        scores = torch.bmm(q, k.transpose(1, 2))
        mixed = torch.einsum("bij,bjd->bid", scores, x)
        return mixed @ k.transpose(1, 2)


model = Scores()
`;

/** A bidirectional LSTM classifier reading both directions' final states (h_n). */
export const BILSTM = `import torch
import torch.nn as nn


class BiLSTMClassifier(nn.Module):
    def __init__(self, vocab=1000, embed=32, hidden=24, classes=3):
        super().__init__()
        self.embedding = nn.Embedding(vocab, embed)
        self.lstm = nn.LSTM(embed, hidden, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(2 * hidden, classes)

    def forward(self, x):
        x = self.embedding(x)
        _, (h, c) = self.lstm(x)
        x = torch.cat((h[-2], h[-1]), dim=1)
        return self.fc(x)


model = BiLSTMClassifier()
`;

/** A bidirectional GRU tagger: every step's output, both directions side by side. */
export const BIGRU_TAGGER = `import torch
from torch import nn


class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(10, 16, batch_first=True, bidirectional=True)
        self.out = nn.Linear(32, 5)

    def forward(self, x):
        out, _ = self.gru(x)
        return self.out(out)


model = Tagger()
`;

/** Every snippet that imports, with the input shape the test gives where the code has none. */
export const CORPUS: readonly CorpusEntry[] = [
  { name: 'mlp-sequential', source: MLP_SEQUENTIAL },
  { name: 'mlp-module', source: MLP_MODULE },
  { name: 'mnist-cnn', source: MNIST_CNN, inputShape: [28, 28, 1] },
  { name: 'mnist-cnn-view', source: MNIST_CNN_VIEW, inputShape: [28, 28, 1] },
  { name: 'residual', source: RESIDUAL, inputShape: [8, 8, 3] },
  { name: 'unet', source: UNET, inputShape: [32, 32, 1] },
  { name: 'lstm-text', source: LSTM_TEXT, inputShape: [20] },
  { name: 'attention-block', source: ATTENTION_BLOCK, inputShape: [12, 32] },
  { name: 'cross-attention', source: CROSS_ATTENTION, inputShape: [7, 16] },
  { name: 'scores', source: SCORES, inputShape: [6, 8] },
  { name: 'bilstm', source: BILSTM, inputShape: [15] },
  { name: 'bigru-tagger', source: BIGRU_TAGGER, inputShape: [9, 10] },
];
