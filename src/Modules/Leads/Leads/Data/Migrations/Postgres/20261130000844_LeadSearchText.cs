using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Modules.Leads.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class LeadSearchText : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "SearchText",
                schema: "leads",
                table: "Leads",
                type: "text",
                nullable: true);

            // Leads stored before search ignored accents get their search text now; new saves keep it up to date.
            migrationBuilder.Sql(LeadSearch.BackfillSql("\"leads\".\"Leads\""));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "SearchText",
                schema: "leads",
                table: "Leads");
        }
    }
}
