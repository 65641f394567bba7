namespace Emulator.Nn;

/// <summary>Instance forms of common <see cref="Functional"/> ops (PyTorch's tensor methods: <c>x.relu()</c>, <c>x.sum(1)</c>).</summary>
public sealed partial class Tensor
{
    /// <summary><see cref="Functional.Relu"/>.</summary>
    public Tensor Relu() => Functional.Relu(this);

    /// <summary><see cref="Functional.Relu6"/>.</summary>
    public Tensor Relu6() => Functional.Relu6(this);

    /// <summary><see cref="Functional.Gelu"/>.</summary>
    public Tensor Gelu(string approximate = "none") => Functional.Gelu(this, approximate);

    /// <summary><see cref="Functional.Silu"/>.</summary>
    public Tensor Silu() => Functional.Silu(this);

    /// <summary><see cref="Functional.Sigmoid"/>.</summary>
    public Tensor Sigmoid() => Functional.Sigmoid(this);

    /// <summary><see cref="Functional.Tanh"/>.</summary>
    public Tensor Tanh() => Functional.Tanh(this);

    /// <summary><see cref="Functional.Softmax"/>.</summary>
    public Tensor Softmax(int dim) => Functional.Softmax(this, dim);

    /// <summary><see cref="Functional.LogSoftmax"/>.</summary>
    public Tensor LogSoftmax(int dim) => Functional.LogSoftmax(this, dim);

    /// <summary>The sum of all elements (a scalar).</summary>
    public Tensor Sum() => Functional.Sum(this);

    /// <summary>The sum over one dimension.</summary>
    public Tensor Sum(int dim, bool keepDim = false) => Functional.Sum(this, dim, keepDim);

    /// <summary>The sum over dimensions.</summary>
    public Tensor Sum(int[] dims, bool keepDim = false) => Functional.Sum(this, dims, keepDim);

    /// <summary>The mean of all elements (a scalar).</summary>
    public Tensor Mean() => Functional.Mean(this);

    /// <summary>The mean over one dimension.</summary>
    public Tensor Mean(int dim, bool keepDim = false) => Functional.Mean(this, dim, keepDim);

    /// <summary>The mean over dimensions.</summary>
    public Tensor Mean(int[] dims, bool keepDim = false) => Functional.Mean(this, dims, keepDim);

    /// <summary>The largest element (a scalar).</summary>
    public Tensor Max() => Functional.Max(this);

    /// <summary>The largest values along one dimension.</summary>
    public Tensor Max(int dim, bool keepDim = false) => Functional.Max(this, dim, keepDim);

    /// <summary>The largest values over dimensions (<c>amax</c>).</summary>
    public Tensor Max(int[] dims, bool keepDim = false) => Functional.Max(this, dims, keepDim);

    /// <summary>Indices of the largest values along a dimension (no gradient).</summary>
    public Tensor ArgMax(int dim, bool keepDim = false) => Functional.ArgMax(this, dim, keepDim);

    /// <summary>The variance of all elements.</summary>
    public Tensor Var(bool unbiased = true) => Functional.Var(this, unbiased);

    /// <summary>The variance along one dimension.</summary>
    public Tensor Var(int dim, bool unbiased = true, bool keepDim = false) => Functional.Var(this, dim, unbiased, keepDim);

    /// <summary>The variance over dimensions.</summary>
    public Tensor Var(int[] dims, bool unbiased = true, bool keepDim = false) => Functional.Var(this, dims, unbiased, keepDim);

    /// <summary>Two dimensions swapped (a copy).</summary>
    public Tensor Transpose(int dim0, int dim1) => Functional.Transpose(this, dim0, dim1);

    /// <summary>Dimensions reordered (a copy).</summary>
    public Tensor Permute(params int[] dims) => Functional.Permute(this, dims);

    /// <summary>A slice along a dimension (a copy).</summary>
    public Tensor Narrow(int dim, int start, int length) => Functional.Narrow(this, dim, start, length);

    /// <summary>The matrix product with <paramref name="other"/> (<see cref="Functional.MatMul"/>).</summary>
    public Tensor MatMul(Tensor other) => Functional.MatMul(this, other);
}
