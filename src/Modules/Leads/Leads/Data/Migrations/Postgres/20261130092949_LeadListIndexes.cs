using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Modules.Leads.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class LeadListIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Leads_CompanyKey",
                schema: "leads",
                table: "Leads");

            migrationBuilder.DropIndex(
                name: "IX_Leads_Status",
                schema: "leads",
                table: "Leads");

            migrationBuilder.AddColumn<string>(
                name: "NameKey",
                schema: "leads",
                table: "Leads",
                type: "text",
                nullable: true);

            // Leads stored before the key existed get it now (before its index is built); new saves keep it up to date.
            migrationBuilder.Sql(LeadSearch.BackfillNameKeySql("\"leads\".\"Leads\""));

            migrationBuilder.CreateIndex(
                name: "IX_Leads_CompanyKey_Id",
                schema: "leads",
                table: "Leads",
                columns: new[] { "CompanyKey", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Leads_Email_Id",
                schema: "leads",
                table: "Leads",
                columns: new[] { "Email", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Leads_NameKey_Id",
                schema: "leads",
                table: "Leads",
                columns: new[] { "NameKey", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Leads_SearchText_Id",
                schema: "leads",
                table: "Leads",
                columns: new[] { "SearchText", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Leads_Status_Id",
                schema: "leads",
                table: "Leads",
                columns: new[] { "Status", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Leads_CompanyKey_Id",
                schema: "leads",
                table: "Leads");

            migrationBuilder.DropIndex(
                name: "IX_Leads_Email_Id",
                schema: "leads",
                table: "Leads");

            migrationBuilder.DropIndex(
                name: "IX_Leads_NameKey_Id",
                schema: "leads",
                table: "Leads");

            migrationBuilder.DropIndex(
                name: "IX_Leads_SearchText_Id",
                schema: "leads",
                table: "Leads");

            migrationBuilder.DropIndex(
                name: "IX_Leads_Status_Id",
                schema: "leads",
                table: "Leads");

            migrationBuilder.DropColumn(
                name: "NameKey",
                schema: "leads",
                table: "Leads");

            migrationBuilder.CreateIndex(
                name: "IX_Leads_CompanyKey",
                schema: "leads",
                table: "Leads",
                column: "CompanyKey");

            migrationBuilder.CreateIndex(
                name: "IX_Leads_Status",
                schema: "leads",
                table: "Leads",
                column: "Status");
        }
    }
}
