using Emulator.Nn.Optim;

namespace Emulator.Nn.Tests.Optim;

public class OptimizerStateDictTests
{
    private static Adam Stepped(out Tensor[] ps)
    {
        ps = [OptimizerTests.Param(1, 4, 3), OptimizerTests.Param(2, 3)];
        var opt = new Adam(ps, lr: 0.01, beta1: 0.8, amsgrad: true);
        for (int s = 0; s < 2; s++)
        {
            foreach (var (i, p) in ps.Index()) OptimizerTests.SetGrad(p, (ulong)i, s);
            opt.Step();
        }
        return opt;
    }

    [Fact]
    public void StateDictRoundTripsStateGroupsAndHyperparameters()
    {
        var a = Stepped(out _);
        a.ParamGroups[0].Lr = 0.005;
        var sd = a.StateDict();
        Assert.Equal(["state.0.step", "state.0.exp_avg", "state.0.exp_avg_sq", "state.0.max_exp_avg_sq", "state.1.step", "state.1.exp_avg", "state.1.exp_avg_sq", "state.1.max_exp_avg_sq"],
            sd.State.Select(s => s.Name));
        Assert.Contains("\"betas\":[0.8,0.999]", sd.ParamGroups);
        Assert.Contains("\"params\":[0,1]", sd.ParamGroups);

        var b = new Adam([OptimizerTests.Param(3, 4, 3), OptimizerTests.Param(4, 3)]);
        b.LoadStateDict(sd);
        Assert.Equal(0.8, b.Beta1);
        Assert.True(b.Amsgrad);
        Assert.Equal(0.005, b.LearningRate);
        Assert.Equal(0.01, b.ParamGroups[0].InitialLr);
        var sb = b.StateDict();
        for (int i = 0; i < sd.State.Count; i++)
        {
            Assert.NotSame(sd.State[i].Tensor, sb.State[i].Tensor);
            Assert.Equal(sd.State[i].Tensor.ToArray(), sb.State[i].Tensor.ToArray());
        }
        Assert.Equal(sd.ParamGroups, sb.ParamGroups);
    }

    [Fact]
    public void BadStateDictsAreRefusedAndChangeNothing()
    {
        var a = Stepped(out _);
        var sd = a.StateDict();
        var b = Stepped(out _);
        b.Beta1 = 0.7;
        var before = b.StateDict().State.Select(s => s.Tensor.ToArray()).ToList();

        void Refused(OptimizerStateDict bad, params string[] words)
        {
            var ex = Assert.Throws<ArgumentException>(() => b.LoadStateDict(bad));
            foreach (var w in words) Assert.Contains(w, ex.Message);
            Assert.Equal(0.7, b.Beta1);
            Assert.Equal(before, b.StateDict().State.Select(s => s.Tensor.ToArray()).ToList());
        }

        Refused(sd with { Optimizer = "SGD" }, "SGD", "Adam");
        Refused(sd with { State = [.. sd.State, ("state.2.exp_avg", Tensor.Persistent(3))] }, "state.2.exp_avg", "parameter 2");
        Refused(sd with { State = [.. sd.State.Skip(1), ("state.0.step", Tensor.Persistent(1))] }, "state.0.step", "[1]", "[]");
        Refused(sd with { State = [("state.0.momentum_buffer", Tensor.Persistent(4, 3))] }, "momentum_buffer", "exp_avg");
        Refused(sd with { State = [("exp_avg", Tensor.Persistent(4, 3))] }, "state.{index}.{entry}");
        Refused(sd with { State = [.. sd.State, sd.State[1]] }, "twice");
        Refused(sd with { ParamGroups = sd.ParamGroups.Replace("\"params\":[0,1]", "\"params\":[0]") }, "[0]", "[0, 1]");
        Refused(sd with { ParamGroups = sd.ParamGroups.Replace("\"betas\":[0.8,0.999]", "\"betas\":[1.5,0.999]") }, "beta1");
        Refused(sd with { ParamGroups = "[" }, "JSON");
        Refused(sd with { ParamGroups = "[]" }, "0 parameter groups");
    }
}
