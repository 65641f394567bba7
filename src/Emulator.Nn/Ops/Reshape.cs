using Emulator.Nn.Autograd;

namespace Emulator.Nn;

public static partial class Functional
{
    /// <summary>The same elements in another shape (a view; one dimension may be -1).</summary>
    public static Tensor Reshape(Tensor x, params int[] shape) => ReshapeNode.Apply(x, x.ResolveShape(shape, "reshape"));

    /// <summary>Dimensions <paramref name="startDim"/>..<paramref name="endDim"/> merged into one (a view, <c>torch.flatten</c>).</summary>
    public static Tensor Flatten(Tensor x, int startDim = 1, int endDim = -1)
    {
        if (x.Rank == 0) return Reshape(x, 1);
        int s = Numerics.ShapeMath.Axis(startDim, x.Rank, "flatten"), e = Numerics.ShapeMath.Axis(endDim, x.Rank, "flatten");
        if (s > e) throw new ArgumentException($"flatten: start_dim {startDim} is after end_dim {endDim} for rank {x.Rank}");
        var shape = new List<int>();
        for (int i = 0; i < s; i++) shape.Add(x.Size(i));
        int merged = 1;
        for (int i = s; i <= e; i++) merged *= x.Size(i);
        shape.Add(merged);
        for (int i = e + 1; i < x.Rank; i++) shape.Add(x.Size(i));
        return ReshapeNode.Apply(x, [.. shape]);
    }

    private sealed class ReshapeNode(Tensor x) : Function
    {
        public override string Name => "view_backward";

        public static Tensor Apply(Tensor x, int[] shape) => new ReshapeNode(x).Record(x.ViewAs(shape), x);

        protected internal override void Backward(Tensor grad) => AccumulateGrad(x, grad.ViewAs(x.ShapeArray));
    }
}

public sealed partial class Tensor
{
    /// <summary>The same elements in another shape (a view; one dimension may be -1).</summary>
    public Tensor Reshape(params int[] shape) => Functional.Reshape(this, shape);

    /// <summary>Same as <see cref="Reshape"/> (tensors are always contiguous).</summary>
    public Tensor View(params int[] shape) => Functional.Reshape(this, shape);

    /// <summary>Dimensions merged into one (<c>torch.flatten</c>).</summary>
    public Tensor Flatten(int startDim = 0, int endDim = -1) => Functional.Flatten(this, startDim, endDim);
}
