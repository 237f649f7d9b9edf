using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Modules.Leads.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AddLeadLinkedInUrl : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "LinkedInUrl",
                table: "Leads",
                type: "TEXT",
                maxLength: 128,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Leads_LinkedInUrl",
                table: "Leads",
                column: "LinkedInUrl",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Leads_LinkedInUrl",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "LinkedInUrl",
                table: "Leads");
        }
    }
}
