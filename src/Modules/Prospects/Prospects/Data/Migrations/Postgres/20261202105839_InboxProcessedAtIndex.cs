using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tandem.Modules.Prospects.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class InboxProcessedAtIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_InboxMessages_ProcessedAt",
                schema: "prospects",
                table: "InboxMessages",
                column: "ProcessedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_InboxMessages_ProcessedAt",
                schema: "prospects",
                table: "InboxMessages");
        }
    }
}
