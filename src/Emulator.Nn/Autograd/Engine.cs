using Emulator.Nn.Numerics;

namespace Emulator.Nn.Autograd;

/// <summary>
/// Reverse-mode evaluation: the graph under a root is ordered once (depth-first, inputs in their recorded order, so the
/// order and therefore the bits of accumulated gradients never vary), then nodes run in reverse topological order.
/// </summary>
internal static class Engine
{
    public static void Backward(Tensor root, Tensor? seed)
    {
        if (!root.RequiresGrad)
            throw new InvalidOperationException("Backward: the tensor does not require grad and has no grad_fn (did every input have RequiresGrad = false, or was it computed under GradMode.NoGrad()?)");
        if (seed is null && root.Numel != 1)
            throw new InvalidOperationException($"Backward: grad can be implicitly created only for one-element outputs; the output has shape {ShapeMath.Format(root.Shape)}: pass a gradient");
        if (seed is not null && !ShapeMath.Equal(seed.Shape, root.Shape))
            throw new ArgumentException($"Backward: the gradient has shape {ShapeMath.Format(seed.Shape)} but the output has shape {ShapeMath.Format(root.Shape)}", nameof(seed));

        var order = TopologicalOrder(root);
        var start = Tensor.Empty(root.ShapeArray);
        if (seed is null) start.Data.Fill(1f); else seed.Data.CopyTo(start.Data);
        Accumulate(root, start);
        for (int i = order.Count - 1; i >= 0; i--)
        {
            var t = order[i];
            var g = t.PendingGrad;
            t.PendingGrad = null;
            if (g is null) continue;
            var fn = t.GradFn!;
            fn.Backward(g);
        }
    }

    /// <summary>Tensors with a grad_fn reachable from the root, each after all of its inputs.</summary>
    private static List<Tensor> TopologicalOrder(Tensor root)
    {
        var order = new List<Tensor>();
        var visited = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(Tensor T, int Next)>();
        if (root.GradFn is null) return order;
        stack.Push((root, 0));
        visited.Add(root);
        while (stack.Count > 0)
        {
            var (t, next) = stack.Pop();
            var inputs = t.GradFn!.Inputs;
            if (next < inputs.Count)
            {
                stack.Push((t, next + 1));
                var input = inputs[next];
                if (input.GradFn is not null && input.RequiresGrad && visited.Add(input)) stack.Push((input, 0));
            }
            else order.Add(t);
        }
        return order;
    }

    /// <summary>Adds a gradient into a leaf's Grad (persistent storage) or a non-leaf's pending gradient.</summary>
    public static void Accumulate(Tensor input, Tensor grad)
    {
        if (!input.RequiresGrad) return;
        if (!ShapeMath.Equal(grad.Shape, input.Shape))
            throw new InvalidOperationException($"autograd: {input.GradFn?.Name ?? "a leaf"} received a gradient of shape {ShapeMath.Format(grad.Shape)} for an input of shape {ShapeMath.Format(input.Shape)}");
        if (input.GradFn is null)
        {
            if (input.Grad is null)
            {
                var g = Tensor.Persistent(input.ShapeArray);
                grad.Data.CopyTo(g.Data);
                input.Grad = g;
            }
            else Add(input.Grad.Data, grad.Data);
        }
        else if (input.PendingGrad is not null) Add(input.PendingGrad.Data, grad.Data);
        else if (!grad.AdoptedAsGrad)
        {
            grad.AdoptedAsGrad = true; // the engine now owns it and may add into it
            input.PendingGrad = grad;
        }
        else input.PendingGrad = grad.Copy(); // the same tensor handed to two inputs: each needs its own
    }

    private static void Add(Span<float> into, ReadOnlySpan<float> x) =>
        System.Numerics.Tensors.TensorPrimitives.Add(into, x, into);
}
