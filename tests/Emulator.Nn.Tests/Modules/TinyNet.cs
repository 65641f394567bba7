using Emulator.Nn.Modules;

namespace Emulator.Nn.Tests.Modules;

/// <summary>Two linear layers named as a PyTorch Sequential ("0", "1") plus batch-norm-like buffers: a float running mean
/// updated in training and an int64 <c>num_batches_tracked</c> counter.</summary>
internal sealed class TinyNet : Module
{
    private readonly Linear _fc1, _fc2;
    private readonly Tensor _runningMean, _count;

    public TinyNet(ulong seed, int inputs = 6, int hidden = 8, int outputs = 3)
    {
        _fc1 = RegisterModule("0", new Linear(inputs, hidden, seed: seed));
        _fc2 = RegisterModule("1", new Linear(hidden, outputs, seed: seed + 1));
        _runningMean = RegisterBuffer("running_mean", Tensor.Persistent(hidden));
        _count = RegisterBuffer("num_batches_tracked", Tensor.Persistent(), StateDType.Int64);
    }

    public override Tensor Forward(Tensor input)
    {
        var h = _fc1.Forward(input);
        if (Training)
        {
            _count.Data[0] += 1;
            int n = h.Size(0), c = h.Size(1);
            for (int j = 0; j < c; j++)
            {
                float sum = 0;
                for (int i = 0; i < n; i++) sum += h.Data[i * c + j];
                _runningMean.Data[j] = 0.9f * _runningMean.Data[j] + 0.1f * (sum / n);
            }
        }
        return _fc2.Forward(h);
    }
}
