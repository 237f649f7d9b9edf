namespace Tandem.Host.Composition;

/// <summary>Ready once migrations ran and plugins were loaded; <c>/health/ready</c> answers 503 until then.</summary>
internal sealed class Readiness
{
    private volatile bool _ready;
    public bool IsReady => _ready;
    public void MarkReady() => _ready = true;
}
