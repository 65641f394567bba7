namespace Emulator.Nn.Numerics;

/// <summary>
/// The shapes of a 2-D convolution (NCHW input, weight [OutC, C / Groups, KH, KW]) or pooling window (OutC = C, one group)
/// with stride, padding and dilation, and the sizes derived from them: output plane OH x OW, im2col rows per group
/// K = (C / Groups)·KH·KW, P = OH·OW columns.
/// </summary>
internal readonly struct ConvGeometry
{
    public readonly int N, C, H, W, OutC, KH, KW, SH, SW, PH, PW, DH, DW, Groups, OH, OW;

    public ConvGeometry(int n, int c, int h, int w, int outC, int kh, int kw, Size2 stride, Size2 padding, Size2 dilation, int groups,
        bool ceilMode = false)
    {
        N = n; C = c; H = h; W = w; OutC = outC; KH = kh; KW = kw;
        SH = stride.H; SW = stride.W; PH = padding.H; PW = padding.W; DH = dilation.H; DW = dilation.W; Groups = groups;
        OH = OutputSize(h, kh, SH, PH, DH, ceilMode);
        OW = OutputSize(w, kw, SW, PW, DW, ceilMode);
    }

    /// <summary>Elements of one input plane (H·W).</summary>
    public int InPlane => H * W;

    /// <summary>Elements of one output plane (OH·OW): the columns of an image's im2col matrix.</summary>
    public int P => OH * OW;

    /// <summary>Input channels per group.</summary>
    public int CG => C / Groups;

    /// <summary>Output channels per group.</summary>
    public int OutCG => OutC / Groups;

    /// <summary>im2col rows of one group: (C / Groups)·KH·KW (the GEMM depth).</summary>
    public int K => CG * KH * KW;

    /// <summary>im2col rows of all groups: C·KH·KW.</summary>
    public int ColRows => C * KH * KW;

    /// <summary>A 1x1 kernel with stride 1 and no padding: the im2col matrix of an image is the image itself.</summary>
    public bool IsPointwise => KH == 1 && KW == 1 && SH == 1 && SW == 1 && PH == 0 && PW == 0;

    /// <summary>
    /// Output length of a sliding window (PyTorch's formula): ⌊(in + 2·pad − dilation·(kernel − 1) − 1) / stride⌋ + 1, or with
    /// <paramref name="ceilMode"/> the ceiling, less one if the last window would start in the right padding. May be &lt;= 0.
    /// </summary>
    public static int OutputSize(int input, int kernel, int stride, int pad, int dilation, bool ceilMode)
    {
        long span = (long)input + 2L * pad - (long)dilation * (kernel - 1) - 1;
        if (span < 0) return 0;
        long o = (ceilMode ? (span + stride - 1) / stride : span / stride) + 1;
        if (ceilMode && (o - 1) * stride >= input + pad) o--;
        return (int)o;
    }

    /// <summary>
    /// The range [lo, hi) of output positions o whose tap o·stride + offset lies in [0, input), clamped to [0, outputs).
    /// </summary>
    public static (int Lo, int Hi) ValidRange(int offset, int stride, int input, int outputs)
    {
        // o·s + offset >= 0  <=>  o >= ceil(-offset / s);  o·s + offset < input  <=>  o < ceil((input - offset) / s)
        int lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
        int hi = input - offset <= 0 ? 0 : (input - offset + stride - 1) / stride;
        lo = Math.Min(lo, outputs);
        hi = Math.Clamp(hi, lo, outputs);
        return (lo, hi);
    }
}
