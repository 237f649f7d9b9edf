namespace Tandem.Fixtures.Libraries.Unshipped;

public abstract class UnshippedBase
{
    public string Name => "unshipped";
}
