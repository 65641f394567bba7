namespace Emulator.Nn.Modules;

/// <summary>
/// 2-D convolution (<c>nn.Conv2d</c>): weight [out, in / groups, kH, kW], bias [out]; PyTorch's default initialisation
/// (Kaiming-uniform with a = √5, i.e. U(−1/√fan_in, 1/√fan_in) with fan_in = in / groups · kH · kW, and the bias from the
/// same bound), seeded. See <see cref="Functional.Conv2d"/>.
/// </summary>
public sealed class Conv2d : Module, IWeightLayer
{
    /// <summary>The weight [out_channels, in_channels / groups, kH, kW].</summary>
    public Tensor Weight { get; }

    /// <summary>The bias [out_channels] or null.</summary>
    public Tensor? Bias { get; }

    /// <summary>Input channels.</summary>
    public int InChannels { get; }

    /// <summary>Output channels.</summary>
    public int OutChannels { get; }

    /// <summary>Kernel size (kH, kW).</summary>
    public Size2 KernelSize { get; }

    /// <summary>Stride.</summary>
    public Size2 Stride { get; }

    /// <summary>Zero padding on both sides.</summary>
    public Size2 Padding { get; }

    /// <summary>Dilation.</summary>
    public Size2 Dilation { get; }

    /// <summary>Groups (in_channels for a depthwise convolution).</summary>
    public int Groups { get; }

    /// <summary>A convolution layer with seeded initialisation.</summary>
    public Conv2d(int inChannels, int outChannels, Size2 kernelSize, Size2? stride = null, Size2? padding = null, Size2? dilation = null,
        int groups = 1, bool bias = true, ulong seed = 0)
    {
        const string op = "Conv2d";
        if (inChannels < 1) throw new ArgumentOutOfRangeException(nameof(inChannels), inChannels, $"{op}: in_channels must be >= 1");
        if (outChannels < 1) throw new ArgumentOutOfRangeException(nameof(outChannels), outChannels, $"{op}: out_channels must be >= 1");
        if (groups < 1 || inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentOutOfRangeException(nameof(groups), groups, $"{op}: groups must be >= 1 and divide in_channels ({inChannels}) and out_channels ({outChannels})");
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize.AtLeast(1, op, nameof(kernelSize));
        Stride = (stride ?? 1).AtLeast(1, op, nameof(stride));
        Padding = (padding ?? 0).AtLeast(0, op, nameof(padding));
        Dilation = (dilation ?? 1).AtLeast(1, op, nameof(dilation));
        Groups = groups;
        var w = Tensor.Persistent(outChannels, inChannels / groups, KernelSize.H, KernelSize.W);
        var b = bias ? Tensor.Persistent(outChannels) : null;
        Init.LayerDefault(w, b, inChannels / groups * KernelSize.H * KernelSize.W, seed);
        Weight = RegisterParameter("weight", w);
        if (b is not null) Bias = RegisterParameter("bias", b);
    }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) =>
        Functional.Conv2d(input, UseParameter("weight", Weight), Bias is null ? null : UseParameter("bias", Bias), Stride, Padding, Dilation, Groups);
}
