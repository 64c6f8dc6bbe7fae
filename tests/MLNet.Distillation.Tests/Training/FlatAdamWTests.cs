using System.Text.Json;
using MLNet.Distillation.Tests.Support;
using static TorchSharp.torch;

namespace MLNet.Distillation.Tests.Training;

/// <summary>The fused AdamW step against torch.optim.AdamW (Fixtures/generate_adamw_reference.py → adamw_reference.json).</summary>
public sealed class FlatAdamWTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Five_steps_match_pytorch_adamw(int caseIndex)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(TestData.Fixture("adamw_reference.json")));
        var root = document.RootElement;
        float[] Floats(JsonElement e) => e.EnumerateArray().Select(v => v.GetSingle()).ToArray();
        var c = root.GetProperty("cases")[caseIndex];

        var layer = nn.Linear(4, 3);
        using (no_grad())
        {
            layer.weight!.copy_(tensor(Floats(root.GetProperty("weight")), [3, 4]));
            layer.bias!.copy_(tensor(Floats(root.GetProperty("bias"))));
        }
        using var optimizer = new FlatAdamW([layer.weight!, layer.bias!], c.GetProperty("lr").GetDouble(), c.GetProperty("weight_decay").GetDouble());
        var grads = root.GetProperty("grads").EnumerateArray().ToArray();
        var steps = c.GetProperty("steps").EnumerateArray().ToArray();
        for (int s = 0; s < steps.Length; s++)
        {
            optimizer.ZeroGrad();
            using (no_grad())
            {
                layer.weight!.grad!.add_(tensor(Floats(grads[s].GetProperty("weight")), [3, 4]));
                layer.bias!.grad!.add_(tensor(Floats(grads[s].GetProperty("bias"))));
            }
            optimizer.Step();
            Tolerance.Close(Floats(steps[s].GetProperty("weight")).Select(v => (double)v).ToArray(),
                layer.weight!.data<float>().ToArray().Select(v => (double)v).ToArray(), 1e-6, 1e-6, $"weight after step {s + 1}");
            Tolerance.Close(Floats(steps[s].GetProperty("bias")).Select(v => (double)v).ToArray(),
                layer.bias!.data<float>().ToArray().Select(v => (double)v).ToArray(), 1e-6, 1e-6, $"bias after step {s + 1}");
        }
    }

    [Fact]
    public void Backward_accumulates_into_the_flat_gradient_and_the_state_round_trips()
    {
        var layer = nn.Linear(2, 1);
        using var optimizer = new FlatAdamW([layer.weight!, layer.bias!], 0.1, 0);
        optimizer.ZeroGrad();
        // d/dw of sum(w·x + b) is x, d/db is 1 per row: two rows give (x1 + x2, 2).
        layer.forward(tensor(new float[] { 1, 2, 3, 4 }, [2, 2])).sum().backward();
        Assert.Equal([4f, 6f], layer.weight!.grad!.data<float>().ToArray());
        Assert.Equal([2f], layer.bias!.grad!.data<float>().ToArray());
        optimizer.Step();
        var state = optimizer.SaveState();
        var before = layer.weight!.data<float>().ToArray();
        using var copy = new FlatAdamW([nn.Linear(2, 1).weight!, nn.Linear(2, 1).bias!], 0.1, 0);
        copy.LoadState(state);
        Assert.Equal(1, copy.StepCount);
        Assert.Equal(state, copy.SaveState());
        optimizer.ZeroGrad();
        Assert.All(layer.weight!.grad!.data<float>().ToArray(), g => Assert.Equal(0f, g));
        Assert.NotEqual(before, new float[] { 0, 0 });
    }
}
