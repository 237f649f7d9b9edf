namespace Tandem.Web.Tests;

/// <summary>
/// Every browser test class shares one <see cref="Browser"/> fixture (one real host, one Chromium): a class joins with
/// <c>[Collection(BrowserCollection.Name)]</c> instead of starting a host of its own. Tests of a collection run one after
/// the other; each uses its own names and email addresses and never asserts on global counts.
/// </summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<Browser>
{
    public const string Name = "browser";
}
