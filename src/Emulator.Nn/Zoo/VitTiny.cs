using Emulator.Nn.Modules;

namespace Emulator.Nn.Models;

/// <summary>
/// A tiny vision transformer (Dosovitskiy et al. 2021), small enough to train on Fashion-MNIST on a CPU: p x p patches
/// embedded by a strided convolution (<c>patch_embed.proj</c>), a learned position embedding (<c>pos_embed</c>), pre-norm
/// encoder blocks with GELU MLPs (<c>blocks.i</c>, PyTorch <c>nn.TransformerEncoderLayer</c> names), a final
/// <c>norm</c>, mean pooling over tokens and a linear <c>head</c>: timm's naming. This is where activation outliers and
/// Hadamard rotation / SmoothQuant matter.
/// </summary>
public sealed class VitTiny : Module
{
    private readonly PatchEmbed _patchEmbed;
    private readonly Tensor _posEmbed;
    private readonly Sequential _blocks;
    private readonly LayerNorm _norm;
    private readonly Linear _head;

    /// <summary>A ViT over height x width images cut into patch x patch patches.</summary>
    public VitTiny(int classes = 10, int channels = 1, int height = 28, int width = 28, int patch = 4, int dim = 64, int depth = 2,
        int heads = 4, int mlpDim = 128, ulong seed = 1)
    {
        if (height % patch != 0 || width % patch != 0)
            throw new ArgumentException($"vit-tiny: the image size {height}x{width} is not a multiple of the patch size {patch}");
        int tokens = height / patch * (width / patch);
        _patchEmbed = RegisterModule("patch_embed", new PatchEmbed(channels, dim, patch, Seeds.Child(seed, 0)));
        var pos = Tensor.Persistent(1, tokens, dim);
        Init.Normal(pos, 0.02f, Seeds.Child(seed, 1), 0);
        _posEmbed = RegisterParameter("pos_embed", pos);
        _blocks = RegisterModule("blocks", new Sequential());
        for (int i = 0; i < depth; i++)
            _blocks.Append(new TransformerEncoderLayer(dim, heads, mlpDim, 0f, "gelu", normFirst: true, seed: Seeds.Child(seed, 2 + i)));
        _norm = RegisterModule("norm", new LayerNorm(dim));
        _head = RegisterModule("head", new Linear(dim, classes, seed: Seeds.Child(seed, 2 + depth)));
    }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        var x = _patchEmbed.Call(input);                                     // [N, D, h, w]
        x = Functional.Transpose(Functional.Flatten(x, 2), 1, 2);             // [N, T, D]
        x = _blocks.Call(x + _posEmbed);
        return _head.Call(Functional.Mean(_norm.Call(x), 1));                 // mean over tokens
    }

    /// <summary>Patches to tokens: a convolution with kernel and stride equal to the patch size (<c>proj</c>).</summary>
    public sealed class PatchEmbed : Module
    {
        private readonly Conv2d _proj;

        internal PatchEmbed(int channels, int dim, int patch, ulong seed) =>
            _proj = RegisterModule("proj", new Conv2d(channels, dim, patch, stride: patch, seed: seed));

        /// <inheritdoc />
        public override Tensor Forward(Tensor input) => _proj.Call(input);
    }
}
