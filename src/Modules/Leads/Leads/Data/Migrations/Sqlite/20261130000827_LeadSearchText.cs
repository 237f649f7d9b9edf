using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Modules.Leads.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class LeadSearchText : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "SearchText",
                table: "Leads",
                type: "TEXT",
                nullable: true);

            // Leads stored before search ignored accents get their search text now; new saves keep it up to date.
            migrationBuilder.Sql(LeadSearch.BackfillSql("\"Leads\""));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "SearchText",
                table: "Leads");
        }
    }
}
