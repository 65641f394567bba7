using System.Numerics.Tensors;
using Emulator.Nn.Autograd;
using Emulator.Nn.Numerics;

namespace Emulator.Nn;

/// <summary>An elementwise binary operation (scalar and span forms; each result is one correctly rounded IEEE operation,
/// so every instruction set gives the same bits).</summary>
internal interface IBinaryOp
{
    static abstract string Name { get; }
    static abstract float Invoke(float a, float b);
    static abstract void Invoke(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y);
    static abstract void Invoke(ReadOnlySpan<float> a, float b, Span<float> y);
    static abstract void Invoke(float a, ReadOnlySpan<float> b, Span<float> y);
}

internal struct AddOp : IBinaryOp
{
    public static string Name => "add";
    public static float Invoke(float a, float b) => a + b;
    public static void Invoke(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y) => TensorPrimitives.Add(a, b, y);
    public static void Invoke(ReadOnlySpan<float> a, float b, Span<float> y) => TensorPrimitives.Add(a, b, y);
    public static void Invoke(float a, ReadOnlySpan<float> b, Span<float> y) => TensorPrimitives.Add(b, a, y);
}

internal struct SubOp : IBinaryOp
{
    public static string Name => "sub";
    public static float Invoke(float a, float b) => a - b;
    public static void Invoke(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y) => TensorPrimitives.Subtract(a, b, y);
    public static void Invoke(ReadOnlySpan<float> a, float b, Span<float> y) => TensorPrimitives.Subtract(a, b, y);
    public static void Invoke(float a, ReadOnlySpan<float> b, Span<float> y) => TensorPrimitives.Subtract(a, b, y);
}

internal struct MulOp : IBinaryOp
{
    public static string Name => "mul";
    public static float Invoke(float a, float b) => a * b;
    public static void Invoke(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y) => TensorPrimitives.Multiply(a, b, y);
    public static void Invoke(ReadOnlySpan<float> a, float b, Span<float> y) => TensorPrimitives.Multiply(a, b, y);
    public static void Invoke(float a, ReadOnlySpan<float> b, Span<float> y) => TensorPrimitives.Multiply(b, a, y);
}

internal struct DivOp : IBinaryOp
{
    public static string Name => "div";
    public static float Invoke(float a, float b) => a / b;
    public static void Invoke(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y) => TensorPrimitives.Divide(a, b, y);
    public static void Invoke(ReadOnlySpan<float> a, float b, Span<float> y) => TensorPrimitives.Divide(a, b, y);
    public static void Invoke(float a, ReadOnlySpan<float> b, Span<float> y) => TensorPrimitives.Divide(a, b, y);
}

/// <summary>Ops in the style of <c>torch.nn.functional</c>: free functions over tensors, each recording its backward.</summary>
public static partial class Functional
{
    /// <summary>a + b with broadcasting.</summary>
    public static Tensor Add(Tensor a, Tensor b) => BinaryNode<AddOp>.Apply(a, b);

    /// <summary>a - b with broadcasting.</summary>
    public static Tensor Sub(Tensor a, Tensor b) => BinaryNode<SubOp>.Apply(a, b);

    /// <summary>a * b (elementwise) with broadcasting.</summary>
    public static Tensor Mul(Tensor a, Tensor b) => BinaryNode<MulOp>.Apply(a, b);

    /// <summary>a / b (elementwise) with broadcasting.</summary>
    public static Tensor Div(Tensor a, Tensor b) => BinaryNode<DivOp>.Apply(a, b);

    /// <summary>-x.</summary>
    public static Tensor Neg(Tensor x) => Scale(x, -1f);

    /// <summary>x * s for a constant s.</summary>
    public static Tensor Scale(Tensor x, float s) => ScaleNode.Apply(x, s);

    /// <summary>x + s for a constant s.</summary>
    public static Tensor AddScalar(Tensor x, float s) => AddScalarNode.Apply(x, s);

    /// <summary>Computes y = op(a, b) with broadcasting into a new tensor.</summary>
    internal static Tensor Broadcast<TOp>(Tensor a, Tensor b) where TOp : struct, IBinaryOp
    {
        if (ShapeMath.Equal(a.Shape, b.Shape))
        {
            var same = Tensor.Empty(a.ShapeArray);
            TOp.Invoke(a.Data, b.Data, same.Data);
            return same;
        }
        var shape = ShapeMath.Broadcast(a.Shape, b.Shape, TOp.Name);
        var y = Tensor.Empty(shape);
        var plan = new BroadcastPlan(a.Shape, b.Shape, shape);
        ReadOnlySpan<float> da = a.Data, db = b.Data;
        Span<float> dy = y.Data;
        int inner = plan.Inner, outer = plan.Outer, ia = plan.StridesA[^1], ib = plan.StridesB[^1];
        for (int row = 0; row < outer; row++)
        {
            var (oa, ob) = plan.RowOffsets(row);
            var dst = dy.Slice(row * inner, inner);
            if (ia == 1 && ib == 1) TOp.Invoke(da.Slice(oa, inner), db.Slice(ob, inner), dst);
            else if (ia == 1) TOp.Invoke(da.Slice(oa, inner), db[ob], dst);
            else if (ib == 1) TOp.Invoke(da[oa], db.Slice(ob, inner), dst);
            else dst.Fill(TOp.Invoke(da[oa], db[ob]));
        }
        return y;
    }

    /// <summary>The gradient g summed down to a shape (identity when the shapes agree: g itself is returned).</summary>
    internal static Tensor SumTo(Tensor g, ReadOnlySpan<int> shape)
    {
        if (ShapeMath.Equal(g.Shape, shape)) return g;
        var y = Tensor.Empty(shape.ToArray());
        Reduction.SumTo(g.Data, g.Shape, shape, y.Data);
        return y;
    }

    private sealed class BinaryNode<TOp>(Tensor a, Tensor b) : Function where TOp : struct, IBinaryOp
    {
        public override string Name => TOp.Name + "_backward";

        public static Tensor Apply(Tensor a, Tensor b) => new BinaryNode<TOp>(a, b).Record(Broadcast<TOp>(a, b), a, b);

        protected internal override void Backward(Tensor grad)
        {
            if (typeof(TOp) == typeof(AddOp))
            {
                if (a.RequiresGrad) AccumulateGrad(a, SumTo(grad, a.Shape));
                if (b.RequiresGrad) AccumulateGrad(b, SumTo(grad, b.Shape));
            }
            else if (typeof(TOp) == typeof(SubOp))
            {
                if (a.RequiresGrad) AccumulateGrad(a, SumTo(grad, a.Shape));
                if (b.RequiresGrad) AccumulateGrad(b, Negated(SumTo(grad, b.Shape)));
            }
            else if (typeof(TOp) == typeof(MulOp))
            {
                if (a.RequiresGrad) AccumulateGrad(a, SumTo(Broadcast<MulOp>(grad, b), a.Shape));
                if (b.RequiresGrad) AccumulateGrad(b, SumTo(Broadcast<MulOp>(grad, a), b.Shape));
            }
            else
            {
                // y = a / b: da = g / b, db = -g * a / b^2 = -(g / b) * (a / b)
                var gOverB = Broadcast<DivOp>(grad, b);
                if (b.RequiresGrad)
                {
                    var y = Broadcast<DivOp>(a, b);
                    AccumulateGrad(b, Negated(SumTo(Broadcast<MulOp>(gOverB, y), b.Shape)));
                }
                if (a.RequiresGrad) AccumulateGrad(a, SumTo(gOverB, a.Shape));
            }
        }

        private static Tensor Negated(Tensor g)
        {
            var y = Tensor.Empty(g.ShapeArray);
            TensorPrimitives.Negate(g.Data, y.Data);
            return y;
        }
    }

    private sealed class ScaleNode(Tensor x, float s) : Function
    {
        public override string Name => "mul_scalar_backward";

        public static Tensor Apply(Tensor x, float s)
        {
            var y = Tensor.Empty(x.ShapeArray);
            TensorPrimitives.Multiply(x.Data, s, y.Data);
            return new ScaleNode(x, s).Record(y, x);
        }

        protected internal override void Backward(Tensor grad)
        {
            var g = Tensor.Empty(x.ShapeArray);
            TensorPrimitives.Multiply(grad.Data, s, g.Data);
            AccumulateGrad(x, g);
        }
    }

    private sealed class AddScalarNode(Tensor x) : Function
    {
        public override string Name => "add_scalar_backward";

        public static Tensor Apply(Tensor x, float s)
        {
            var y = Tensor.Empty(x.ShapeArray);
            TensorPrimitives.Add(x.Data, s, y.Data);
            return new AddScalarNode(x).Record(y, x);
        }

        protected internal override void Backward(Tensor grad) => AccumulateGrad(x, grad);
    }
}

public sealed partial class Tensor
{
    /// <summary>Elementwise sum with broadcasting.</summary>
    public static Tensor operator +(Tensor a, Tensor b) => Functional.Add(a, b);
    /// <summary>Elementwise difference with broadcasting.</summary>
    public static Tensor operator -(Tensor a, Tensor b) => Functional.Sub(a, b);
    /// <summary>Elementwise product with broadcasting.</summary>
    public static Tensor operator *(Tensor a, Tensor b) => Functional.Mul(a, b);
    /// <summary>Elementwise quotient with broadcasting.</summary>
    public static Tensor operator /(Tensor a, Tensor b) => Functional.Div(a, b);
    /// <summary>Negation.</summary>
    public static Tensor operator -(Tensor x) => Functional.Neg(x);
    /// <summary>Product with a constant.</summary>
    public static Tensor operator *(Tensor x, float s) => Functional.Scale(x, s);
    /// <summary>Product with a constant.</summary>
    public static Tensor operator *(float s, Tensor x) => Functional.Scale(x, s);
    /// <summary>Quotient by a constant.</summary>
    public static Tensor operator /(Tensor x, float s) => Functional.Div(x, Scalar(s));
    /// <summary>Sum with a constant.</summary>
    public static Tensor operator +(Tensor x, float s) => Functional.AddScalar(x, s);
    /// <summary>Difference with a constant.</summary>
    public static Tensor operator -(Tensor x, float s) => Functional.AddScalar(x, -s);
}
