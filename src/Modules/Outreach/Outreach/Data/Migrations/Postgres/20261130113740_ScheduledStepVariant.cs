using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Modules.Outreach.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ScheduledStepVariant : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Variant",
                schema: "outreach",
                table: "Steps",
                type: "text",
                nullable: true);

            migrationBuilder.UpdateData(
                schema: "outreach",
                table: "Sequences",
                keyColumn: "Id",
                keyValue: "default-callback",
                column: "Steps",
                value: "[{\"kind\":\"call\",\"waitDays\":0,\"subject\":null,\"body\":null,\"instructions\":\"Call back: the person asked to be called. Offer a free energy study and book it.\",\"branches\":null,\"variants\":null},{\"kind\":\"email\",\"waitDays\":2,\"subject\":\"Votre \\u00E9tude \\u00E9nerg\\u00E9tique gratuite\",\"body\":\"Bonjour, suite \\u00E0 votre demande, nous vous proposons une \\u00E9tude \\u00E9nerg\\u00E9tique gratuite de votre logement.\",\"instructions\":null,\"branches\":null,\"variants\":null}]");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Variant",
                schema: "outreach",
                table: "Steps");

            migrationBuilder.UpdateData(
                schema: "outreach",
                table: "Sequences",
                keyColumn: "Id",
                keyValue: "default-callback",
                column: "Steps",
                value: "[{\"kind\":\"call\",\"waitDays\":0,\"subject\":null,\"body\":null,\"instructions\":\"Call back: the person asked to be called. Offer a free energy study and book it.\",\"branches\":null},{\"kind\":\"email\",\"waitDays\":2,\"subject\":\"Votre \\u00E9tude \\u00E9nerg\\u00E9tique gratuite\",\"body\":\"Bonjour, suite \\u00E0 votre demande, nous vous proposons une \\u00E9tude \\u00E9nerg\\u00E9tique gratuite de votre logement.\",\"instructions\":null,\"branches\":null}]");
        }
    }
}
