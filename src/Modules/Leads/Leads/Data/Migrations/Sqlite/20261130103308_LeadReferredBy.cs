using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Modules.Leads.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class LeadReferredBy : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ReferredBy",
                table: "Sources",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Sources_ReferredBy",
                table: "Sources",
                column: "ReferredBy");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Sources_ReferredBy",
                table: "Sources");

            migrationBuilder.DropColumn(
                name: "ReferredBy",
                table: "Sources");
        }
    }
}
