using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Modules.Leads.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AddLeadLinkedInUrl : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "LinkedInUrl",
                schema: "leads",
                table: "Leads",
                type: "character varying(128)",
                maxLength: 128,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Leads_LinkedInUrl",
                schema: "leads",
                table: "Leads",
                column: "LinkedInUrl",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Leads_LinkedInUrl",
                schema: "leads",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "LinkedInUrl",
                schema: "leads",
                table: "Leads");
        }
    }
}
