using System.Text;
using Tandem.Modules.Leads.Import;

namespace Tandem.Modules.Leads.Tests;

public sealed class CsvFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tandem-csv-").FullName;

    static CsvFileTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private string Write(byte[] bytes)
    {
        var path = Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".csv");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private const string French = "Prénom;Nom;E-mail;Téléphone;Société\r\nÉlodie;Lefèvre;e@x.fr;06 12 34 56 78;Œuvre « Soleil » €\r\n";

    [Theory]
    [InlineData("windows-1252")]
    [InlineData("utf-8")]
    [InlineData("utf-8-bom")]
    public void Encoding_and_semicolon_are_detected_and_accents_read_back(string encoding)
    {
        var bytes = encoding switch
        {
            "windows-1252" => Encoding.GetEncoding(1252).GetBytes(French),
            "utf-8" => new UTF8Encoding(false).GetBytes(French),
            _ => [0xEF, 0xBB, 0xBF, .. new UTF8Encoding(false).GetBytes(French)],
        };
        var path = Write(bytes);

        var layout = CsvFile.Detect(path);

        Assert.Equal(encoding, layout.EncodingName);
        Assert.Equal(';', layout.Delimiter);
        using var csv = CsvFile.Open(path, layout);
        Assert.Equal(new string?[] { "firstName", "lastName", "email", "phone", "company" }, CsvFile.MapHeaders(csv));
        Assert.True(csv.Read());
        Assert.Equal("Élodie", csv.GetString(0));
        Assert.Equal("Œuvre « Soleil » €", csv.GetString(4));
    }

    [Fact]
    public void Comma_files_with_quoted_multi_line_fields_and_an_excel_sep_line_are_read()
    {
        var path = Write(Encoding.UTF8.GetBytes("sep=,\nFirst Name,Last Name,Email Address,Company,Position\nAnn,Lee,a@x.fr,\"Acme, Inc\",\"Head of\nSales\"\n"));
        var layout = CsvFile.Detect(path);
        Assert.Equal(',', layout.Delimiter);
        using var csv = CsvFile.Open(path, layout);
        Assert.Equal(new string?[] { "firstName", "lastName", "email", "company", "jobTitle" }, CsvFile.MapHeaders(csv));
        Assert.True(csv.Read());
        Assert.Equal("Acme, Inc", csv.GetString(3));
        Assert.Equal("Head of\nSales", csv.GetString(4));
    }

    [Theory]
    [InlineData("=SUM(A1)", "'=SUM(A1)")]
    [InlineData("+33612345678", "'+33612345678")]
    [InlineData("-1", "'-1")]
    [InlineData("@cmd", "'@cmd")]
    [InlineData("Jean", "Jean")]
    [InlineData(null, "")]
    public void Exported_cells_that_look_like_formulas_are_neutralised(string? cell, string expected) =>
        Assert.Equal(expected, CsvFile.Neutralise(cell));

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
