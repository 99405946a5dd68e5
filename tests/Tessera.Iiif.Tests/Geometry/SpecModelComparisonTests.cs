using CsCheck;

namespace Tessera.Iiif.Tests.Geometry;

/// <summary>src against the independent <see cref="SpecModel"/>, on random requests of both versions.</summary>
public class SpecModelComparisonTests
{
    [Fact]
    public void Src_agrees_with_the_independent_model() =>
        Gens.Case.Sample(c =>
        {
            var model = SpecModel.Resolve(c.Version, c.Image, c.Limits, c.Region, c.Size);
            var (plan, error) = Pipeline.Run(c.Version, c.Image.Width, c.Image.Height, c.Region, c.Size, c.Limits);
            if (model.Ok)
            {
                Assert.True(plan is not null, $"model {model}, src {error}");
                Assert.Equal(model.Region, plan.Region);
                Assert.Equal(model.Output, plan.Output);
            }
            else
            {
                Assert.True(plan is null, $"model {model}, src {plan?.Region} -> {plan?.Output}");
                Assert.Contains(error!.Status, model.Errors);
            }
        }, iter: 40_000, print: c => c.ToString());
}
