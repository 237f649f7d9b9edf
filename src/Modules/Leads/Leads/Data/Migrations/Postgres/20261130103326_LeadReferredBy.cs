using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Modules.Leads.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class LeadReferredBy : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ReferredBy",
                schema: "leads",
                table: "Sources",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Sources_ReferredBy",
                schema: "leads",
                table: "Sources",
                column: "ReferredBy");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Sources_ReferredBy",
                schema: "leads",
                table: "Sources");

            migrationBuilder.DropColumn(
                name: "ReferredBy",
                schema: "leads",
                table: "Sources");
        }
    }
}
